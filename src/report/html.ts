// html: the visual report — one self-contained HTML file (inline CSS, SVG and a few lines of
// script; nothing fetched from the network). For a scored video (`out.report.html`): the player and,
// under it, stacked timelines on one time axis — cuts (hit or missed), visual beats, motion, light
// and colour, emotion, tempo, chords, the onsets and loudness of the rendered music — with a cursor
// that follows playback, the plan's choices and why, and the metrics. For `v2m eval --report`: the
// systems compared, per video and overall.

import path from 'node:path';
import { EMOTIONS } from '../analysis/emotion.js';
import { SYSTEM_NAMES, type VideoEvaluation } from '../eval/evaluate.js';
import { formatValue, METRIC_COLUMNS, summarize, systemSummary, type MetricName } from '../eval/summary.js';
import { writeFileAtomically } from '../files.js';
import type { AudioAnalysis } from '../measure/audio.js';
import { CUT_TOLERANCE_SECONDS, nearestDistance, type TrackMetrics } from '../measure/metrics.js';
import type { CueSheet } from './cues.js';
import { cueSheetLanes, laneSeconds, LANE_CSS, pictureLanes } from './lanes.js';
import { curve, escapeHtml, laneSvg, markers, PLOT, TimeAxis, timeTicks, type Lane } from './svg.js';

/** The picture part of a timeline, as both VideoTimeline and the cue sheet hold it. */

/** Every feature lane a score report draws, by its `data-feature` name. */
export const SCORE_REPORT_FEATURES = ['cuts', 'visual-beats', 'motion', 'light', 'faces', 'emotion', 'tempo', 'chords', 'onsets', 'loudness'] as const;

export interface ScoreReportInput {
  cues: CueSheet;
  audio: AudioAnalysis;
  metrics: TrackMetrics;
  /** Where the report finds the scored video, relative to the report. */
  videoHref: string;
  /** A JPEG frame shown before playback (embedded as a data URL). */
  poster?: Uint8Array;
}

export function scoreReportHtml(input: ScoreReportInput): string {
  const { cues, audio, metrics } = input;
  const duration = cues.input.duration;
  const axis = new TimeAxis(laneSeconds(cues));
  const onsetTimes = audio.onsets.map((onset) => onset.time);
  const onsets = [...onsetTimes].sort((a, b) => a - b);
  const cutHit = (time: number) => nearestDistance(onsets, time) <= CUT_TOLERANCE_SECONDS;
  const lanes: Lane[] = [...cueSheetLanes(axis, cues, cutHit), ...musicLanes(axis, audio, 'music')];
  const plan = [
    ['Style', cues.style, cues.reasons.style],
    ['Key', cues.key, cues.reasons.key],
    ['Tempo', tempoSummary(cues), cues.reasons.tempo],
    ['Hit points', landingSummary(cues.landingsBySetting[cues.tempoChanges]), hitPointComparison(cues)],
  ];
  const body = `
<header><h1>${escapeHtml(path.basename(cues.input.path))}</h1>
<p>${duration.toFixed(2)} s · ${cues.input.width}×${cues.input.height} · scored by v2m ${escapeHtml(cues.generator.version)} · seed ${cues.seed}</p></header>
<section class="player"><video id="player" data-music-from="${cues.placement?.from ?? 0}"${cues.placement?.loop ? ` data-music-loop="${cues.placement.musicSeconds}"` : ''} controls preload="metadata"${input.poster ? ` poster="data:image/jpeg;base64,${Buffer.from(input.poster).toString('base64')}"` : ''} src="${escapeHtml(input.videoHref)}"></video></section>
<section class="timelines" aria-label="timelines">${lanes.map((lane) => laneSvg(axis, lane)).join('\n')}${timeTicks(axis)}</section>
<p class="legend"><span class="swatch hit"></span> cut with a musical onset within ±${CUT_TOLERANCE_SECONDS * 1000} ms
<span class="swatch miss"></span> cut without ·
light: <span class="swatch brightness"></span> brightness <span class="swatch saturation"></span> saturation <span class="swatch warmth"></span> warmth ·
loudness: <span class="swatch rms"></span> RMS dBFS <span class="swatch lufs"></span> LUFS${speechLegend(cues.speech)}<br>
emotion: ${EMOTIONS.map((e, i) => `<span class="swatch band-${i}"></span> ${e}`).join(' ')}</p>
<section><h2>What v2m chose, and why</h2>
<table><thead><tr><th>decision</th><th>choice</th><th>why</th></tr></thead><tbody>
${plan.map(([what, choice, why]) => `<tr><td>${escapeHtml(what!)}</td><td>${escapeHtml(choice!)}</td><td>${escapeHtml(why!)}</td></tr>`).join('\n')}
</tbody></table></section>
<section><h2>Measured on the rendered output</h2>${metricsTable(metrics)}</section>
<section><h2>Who owns this music</h2>${licenceParagraphs(cues.licence)}</section>`;
  return page(`v2m report — ${path.basename(cues.input.path)}`, body, true);
}

export interface EvaluationReportInput {
  evaluations: readonly VideoEvaluation[];
}

export function evaluationReportHtml({ evaluations }: EvaluationReportInput): string {
  const summary = summarize(evaluations);
  const sections = evaluations.map((evaluation) => {
    const axis = new TimeAxis(evaluation.duration);
    const lanes: Lane[] = [...pictureLanes(axis, evaluation.timeline, undefined, evaluation.picture.cuts)];
    for (const system of SYSTEM_NAMES) {
      const run = evaluation.runs.find((r) => r.system === system);
      if (run) lanes.push(...musicLanes(axis, run.audio, `${system}`));
    }
    const rows = SYSTEM_NAMES.map((system) => ({ label: system, values: systemSummary(evaluation, system) }));
    return `<section class="video"><h2>${escapeHtml(path.basename(evaluation.video))}</h2>
<p>${evaluation.duration.toFixed(2)} s · cuts from ${evaluation.cutSource}: ${evaluation.picture.cuts.map((t) => t.toFixed(2)).join(', ') || 'none'}</p>
${comparisonTable(rows)}
<div class="timelines">${lanes.map((lane) => laneSvg(axis, lane)).join('\n')}${timeTicks(axis)}</div></section>`;
  });
  const body = `
<header><h1>v2m evaluation</h1><p>${evaluations.length} video(s); v2m beside the <em>fixed</em> baseline (120 BPM, one chord per second, piano
arpeggios, no cut alignment) and the <em>random</em> baseline (random tempo and key, same instruments), rendered and measured in the same run.</p></header>
<section><h2>Mean over all videos</h2>${comparisonTable(summary.map((s) => ({ label: `${s.system} (${s.runs} runs)`, values: s })))}</section>
${sections.join('\n')}`;
  return page('v2m evaluation', body, false);
}

export async function writeEvaluationReport(evaluations: readonly VideoEvaluation[], file: string): Promise<void> {
  await writeFileAtomically(file, evaluationReportHtml({ evaluations }));
}

function musicLanes(axis: TimeAxis, audio: AudioAnalysis, system: string): Lane[] {
  const suffix = system === 'music' ? '' : ` (${system})`;
  return [
    { feature: system === 'music' ? 'onsets' : `onsets-${system}`, label: `onsets${suffix}`, body: markers(axis, audio.onsets.map((o) => o.time), 'onset') },
    {
      feature: system === 'music' ? 'loudness' : `loudness-${system}`,
      label: `loudness${suffix}`,
      body: curve(axis, audio.rmsDbPerSecond, 1, 'rms', [-50, 0]) + curve(axis, audio.loudnessLufsPerSecond, 1, 'lufs', [-50, 0]),
    },
  ];
}

function metricsTable(metrics: TrackMetrics): string {
  const rows = METRIC_COLUMNS.map((column) => {
    const raw = metrics[column.metric];
    const value = typeof raw === 'boolean' ? (raw ? 'yes' : 'no') : formatValue(raw, column.digits);
    return `<tr><td>${escapeHtml(column.label)}</td><td class="number">${value}</td><td>${escapeHtml(METRIC_HELP[column.metric])}</td></tr>`;
  });
  return `<table><thead><tr><th>metric</th><th>value</th><th>what it means</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function comparisonTable(rows: ReadonlyArray<{ label: string; values: Partial<Record<MetricName, number | null>> }>): string {
  const header = `<tr><th>system</th>${METRIC_COLUMNS.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr><td>${escapeHtml(row.label)}</td>${METRIC_COLUMNS.map((c) => `<td class="number">${formatValue(row.values[c.metric] ?? null, c.digits)}</td>`).join('')}</tr>`);
  return `<div class="scroll"><table><thead>${header}</thead><tbody>${body.join('\n')}</tbody></table></div>`;
}

const METRIC_HELP: Record<MetricName, string> = {
  cutHitRate: 'share of cuts the music strikes within ±50 ms: a beat or an eighth of the MIDI click, or a cymbal crash, and an audible onset',
  cutHitRateMidi: 'the same, from the MIDI only',
  cutOnGridRate: 'share of cuts within ±50 ms of a beat or an eighth of the MIDI tempo map (the click track)',
  cutHitRateAudio: 'the same, from the audio onsets only',
  beatHitScore: 'share of music onsets within ±100 ms of a visual beat',
  beatCoverage: 'music onsets ÷ visual beats',
  motionLoudnessR: 'Pearson r of per-second motion and per-second RMS level',
  motionDensityR: 'Pearson r of per-second motion and per-second note onsets',
  emotionCorrespondence: 'share of confidently emotional seconds whose chord quality the emotion allows',
  integratedLufs: 'integrated loudness (target −14 ± 1)',
  truePeakDbtp: 'true peak (at most −1 dBTP)',
  lengthErrorSeconds: 'audio length − video length (at most 0.05 s)',
  longestSilenceSeconds: 'longest stretch under −60 dBFS',
  inKeyRatio: 'share of notes in the estimated key',
  endsOnTonic: 'the last chord stands on the tonic',
  fadesOut: 'the last second fades out',
  audioTempoBpm: 'tempo the beat tracker hears',
  onsets: 'onsets detected in the audio',
  clashesPerMinute: 'minor 2nds and 9ths between different parts held ≥ 0.25 s, per minute (held-out POP909: about 2.5–3)',
  largestTempoStepPercent: 'largest step between consecutive tempo events, % of the earlier tempo',
  tempoChangesPerMinute: 'tempo changes per minute of music',
  shortestSectionBeats: 'shortest stretch between section markers (or tempo changes), beats',
};

const STYLE = `${LANE_CSS}
:root { --ink: #1d2433; --muted: #5b6578; --line: #d5dae3; --cut: #d9480f; --hit: #2b8a3e; --miss: #c92a2a; --accent: #1c7ed6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 16px; font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: #fafbfc; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
header p, .legend { color: var(--muted); margin: 0 0 8px; }
video { width: 100%; max-height: 420px; background: #000; border-radius: 6px; }
.timelines { margin-top: 8px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 2px 0 8px; }
.swatch.hit { background: var(--hit); } .swatch.miss { background: var(--miss); }
.swatch.brightness { background: #f59f00; } .swatch.saturation { background: #e64980; } .swatch.warmth { background: #862e9c; }
.swatch.rms { background: #364fc7; } .swatch.lufs { background: #94d82d; }
.swatch.speech { background: #fff3bf; border: 1px solid #fab005; } .swatch.duck-gain { background: #d9480f; }
table { border-collapse: collapse; background: #fff; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
@media (max-width: 640px) { body { padding: 8px; font-size: 13px; } svg.lane { height: 44px; } }
`;

/**
 * Moves the cursor of every lane with the video, and seeks the video where a lane is clicked. The lanes
 * count from the music's start, which is `data-music-from` seconds into the video (--from); a loop's
 * lanes show one cycle (`data-music-loop` seconds), which the video repeats.
 */
const SCRIPT = `
const player = document.getElementById('player');
const musicFrom = player ? Number(player.dataset.musicFrom) || 0 : 0;
const loopSeconds = player ? Number(player.dataset.musicLoop) || 0 : 0;
/** Where the video's time falls in the music: a loop repeats its one cycle. */
const musicTime = (time) => { const t = Math.max(0, time - musicFrom); return loopSeconds > 0 ? t % loopSeconds : t; };
const lanes = [...document.querySelectorAll('svg.lane')];
const left = ${PLOT.labelWidth}, right = ${PLOT.width - PLOT.padding}, width = ${PLOT.width};
function place(time) {
  for (const lane of lanes) {
    const x = left + (right - left) * Math.min(1, time / Number(lane.dataset.duration));
    const cursor = lane.querySelector('.cursor');
    cursor.setAttribute('x1', x); cursor.setAttribute('x2', x);
  }
}
if (player) {
  const tick = () => { place(musicTime(player.currentTime)); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  for (const lane of lanes) lane.addEventListener('click', (event) => {
    const box = lane.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * width;
    if (x >= left) player.currentTime = musicFrom + ((x - left) / (right - left)) * Number(lane.dataset.duration);
  });
}
`;

function page(title: string, body: string, withScript: boolean): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>${body}
</main>
${withScript ? `<script>${SCRIPT}</script>` : ''}
</body>
</html>
`;
}

/** The tempo as played: its range and how many changes, under which setting. */
export function tempoSummary(cues: CueSheet): string {
  const tempi = cues.tempoMap.map((change) => change.tempo);
  const low = Math.round(Math.min(...tempi));
  const high = Math.round(Math.max(...tempi));
  const range = low === high ? `${low} BPM, steady` : `${low}–${high} BPM, ${tempi.length - 1} change(s)`;
  return `${range} (tempo changes: ${cues.tempoChanges})`;
}

/** "5 on downbeats, 2 on eighths, 1 accent" — how the hit points were met. */
export function landingSummary(landings: Record<string, number>): string {
  const words: Record<string, string> = { downbeat: 'on downbeats', beat: 'on beats', eighth: 'on eighths', sixteenth: 'on sixteenths', accent: 'accented off the grid' };
  const parts = Object.entries(landings).filter(([, count]) => count > 0).map(([landing, count]) => `${count} ${words[landing] ?? landing}`);
  return parts.length === 0 ? 'no cuts, fades or dissolves' : parts.join(', ');
}

/** How many hit points each --tempo-changes setting lands within a frame (beat, eighth or sixteenth). */
function hitPointComparison(cues: CueSheet): string {
  const onGrid = (landings: Record<string, number>) => Object.entries(landings).filter(([landing]) => landing !== 'accent').reduce((sum, [, count]) => sum + count, 0);
  const total = cues.hitPoints.length;
  const settings = (Object.keys(cues.landingsBySetting) as Array<keyof CueSheet['landingsBySetting']>).map((setting) => `${setting} ${onGrid(cues.landingsBySetting[setting])}/${total}`);
  return `within a frame of the grid under each --tempo-changes setting: ${settings.join(', ')}; a hit point off the grid is played as an accent on its own frame`;
}

/** What the speech lane shows, when the music was ducked under speech (`--mux mix`). */
function speechLegend(speech: CueSheet['speech']): string {
  if (!speech) return '';
  return ` · <span class="swatch speech"></span> speech in the video's own sound <span class="swatch duck-gain"></span> the music's gain in the scored video (−${speech.depthDb} dB under speech, ${Math.round(speech.attackSeconds * 1000)} ms look-ahead fall, ${Math.round(speech.releaseSeconds * 1000)} ms rise; the music file is not ducked)`;
}

/** The cue sheet's licence statement as paragraphs. */
function licenceParagraphs(licence: CueSheet['licence']): string {
  return [licence.music, licence.soundFont, licence.models, licence.software].map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
}
