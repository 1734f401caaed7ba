// html: the visual report — one self-contained HTML file (inline CSS, SVG and a few lines of
// script; nothing fetched from the network). For a scored video (`out.report.html`): the player and,
// under it, stacked timelines on one time axis — cuts (hit or missed), visual beats, motion, light
// and colour, emotion, tempo, chords, the onsets and loudness of the rendered music — with a cursor
// that follows playback, the plan's choices and why, and the metrics. For `v2m eval --report`: the
// systems compared, per video and overall.

import path from 'node:path';
import { EMOTIONS } from '../analysis/emotion.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { SYSTEM_NAMES, type VideoEvaluation } from '../eval/evaluate.js';
import { formatValue, METRIC_COLUMNS, summarize, systemSummary, type MetricName } from '../eval/summary.js';
import { writeFileAtomically } from '../files.js';
import type { AudioAnalysis } from '../measure/audio.js';
import { CUT_TOLERANCE_SECONDS, nearestDistance, type TrackMetrics } from '../measure/metrics.js';
import type { CueSheet } from './cues.js';
import { blocks, curve, escapeHtml, laneSvg, markers, PLOT, stackedBands, TimeAxis, timeTicks, type Lane } from './svg.js';

/** The picture part of a timeline, as both VideoTimeline and the cue sheet hold it. */
export type PictureData = Pick<VideoTimeline, 'cuts' | 'visualBeats' | 'motionCurve' | 'features' | 'emotion' | 'faces'>;

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
  const axis = new TimeAxis(duration);
  const onsetTimes = audio.onsets.map((onset) => onset.time);
  const lanes: Lane[] = [
    ...pictureLanes(axis, cues, onsetTimes),
    { feature: 'tempo', label: 'tempo · part', body: tempoBody(axis, cues.tempoMap, duration, cues.sections) },
    { feature: 'chords', label: 'chords', body: blocks(axis, cues.chords.map((c) => ({ start: c.time, end: c.time + c.duration, label: c.chord })), 'chord') },
    ...musicLanes(axis, audio, 'music'),
  ];
  const plan = [
    ['Style', cues.style, cues.reasons.style],
    ['Key', cues.key, cues.reasons.key],
    ['Tempo', `${cues.tempo} BPM (bent per scene so each cut is a downbeat)`, cues.reasons.tempo],
    ['Hit points', `${cues.cuts.length} cut(s)`, 'every cut starts a bar and a chord'],
  ];
  const body = `
<header><h1>${escapeHtml(path.basename(cues.input.path))}</h1>
<p>${duration.toFixed(2)} s · ${cues.input.width}×${cues.input.height} · scored by v2m ${escapeHtml(cues.generator.version)} · seed ${cues.seed}</p></header>
<section class="player"><video id="player" controls preload="metadata"${input.poster ? ` poster="data:image/jpeg;base64,${Buffer.from(input.poster).toString('base64')}"` : ''} src="${escapeHtml(input.videoHref)}"></video></section>
<section class="timelines" aria-label="timelines">${lanes.map((lane) => laneSvg(axis, lane)).join('\n')}${timeTicks(axis)}</section>
<p class="legend"><span class="swatch hit"></span> cut with a musical onset within ±${CUT_TOLERANCE_SECONDS * 1000} ms
<span class="swatch miss"></span> cut without ·
light: <span class="swatch brightness"></span> brightness <span class="swatch saturation"></span> saturation <span class="swatch warmth"></span> warmth ·
loudness: <span class="swatch rms"></span> RMS dBFS <span class="swatch lufs"></span> LUFS<br>
emotion: ${EMOTIONS.map((e, i) => `<span class="swatch band-${i}"></span> ${e}`).join(' ')}</p>
<section><h2>What v2m chose, and why</h2>
<table><thead><tr><th>decision</th><th>choice</th><th>why</th></tr></thead><tbody>
${plan.map(([what, choice, why]) => `<tr><td>${escapeHtml(what!)}</td><td>${escapeHtml(choice!)}</td><td>${escapeHtml(why!)}</td></tr>`).join('\n')}
</tbody></table></section>
<section><h2>Measured on the rendered output</h2>${metricsTable(metrics)}</section>`;
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

function pictureLanes(axis: TimeAxis, picture: PictureData, onsetTimes?: readonly number[], cutTimes?: readonly number[]): Lane[] {
  const cuts = cutTimes ?? picture.cuts.map((cut) => cut.time);
  const sortedOnsets = onsetTimes ? [...onsetTimes].sort((a, b) => a - b) : undefined;
  const hit = (time: number) => sortedOnsets !== undefined && nearestDistance(sortedOnsets, time) <= CUT_TOLERANCE_SECONDS;
  const motionBeats = picture.visualBeats.filter((beat) => beat.kind === 'motion');
  const { features, emotion } = picture;
  return [
    {
      feature: 'cuts',
      label: 'cuts',
      body: sortedOnsets ? markers(axis, cuts.filter(hit), 'cut hit') + markers(axis, cuts.filter((t) => !hit(t)), 'cut miss') : markers(axis, cuts, 'cut'),
    },
    {
      feature: 'visual-beats',
      label: 'visual beats',
      body: markers(axis, cuts, 'vbeat cut-beat') + markers(axis, motionBeats.map((b) => b.time), 'vbeat', motionBeats.map((b) => b.strength)),
    },
    {
      feature: 'motion',
      label: 'motion',
      body: curve(axis, picture.motionCurve.values, picture.motionCurve.rateHz, 'motion-fine', [0, Math.max(1, ...picture.motionCurve.values)]) +
        curve(axis, features.motionMean, 1, 'motion', [0, Math.max(1, ...picture.motionCurve.values)]),
    },
    {
      feature: 'light',
      label: 'light · colour',
      body: curve(axis, features.brightness, 1, 'brightness', [0, 1]) + curve(axis, features.saturation, 1, 'saturation', [0, 1]) + curve(axis, features.warmth, 1, 'warmth', [-0.5, 0.5]),
    },
    ...(picture.faces ? [facesLane(axis, picture.faces)] : []),
    {
      feature: 'emotion',
      label: 'emotion',
      body: stackedBands(axis, emotion.labels.map((name, i) => ({ name, values: emotion.probabilities.map((row) => row[i] ?? 0) }))),
    },
  ];
}

/** Faces on screen per second (bars, labelled with the objects in view when they change). */
function facesLane(axis: TimeAxis, faces: NonNullable<PictureData['faces']>): Lane {
  const most = Math.max(1, ...faces.count);
  const bars = faces.count
    .map((count, second) => {
      if (count === 0) return '';
      const height = Math.round((40 * count) / most);
      return `<rect class="face-bar" x="${axis.x(second)}" y="${52 - height}" width="${Math.max(1, axis.x(second + 1) - axis.x(second) - 1)}" height="${height}"><title>${count} face(s), largest ${(faces.largestArea[second]! * 100).toFixed(1)} % of the frame</title></rect>`;
    })
    .join('');
  const labels = faces.objects
    .map((objects, second) => (second === 0 || objects.join() !== faces.objects[second - 1]!.join()) && objects.length > 0 ? `<text class="value-label" x="${axis.x(second) + 2}" y="12">${escapeHtml(objects.slice(0, 3).join(', '))}</text>` : '')
    .join('');
  return { feature: 'faces', label: 'faces · objects', body: bars + labels };
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

function tempoBody(axis: TimeAxis, tempoMap: CueSheet['tempoMap'], duration: number, sections: CueSheet['sections']): string {
  const perTenth: number[] = [];
  for (let t = 0; t < duration; t += 0.1) perTenth.push([...tempoMap].reverse().find((change) => change.time <= t + 1e-9)?.tempo ?? tempoMap[0]?.tempo ?? 0);
  const tempi = tempoMap.map((c) => c.tempo);
  const low = Math.min(...tempi) - 10;
  const high = Math.max(...tempi) + 10;
  const labels = tempoMap
    .map((c, i) => `<text class="value-label" x="${axis.x(c.time) + 2}" y="12">${Math.round(c.tempo)}${sections[i] ? ` ${escapeHtml(sections[i]!.part)}` : ''}</text>`)
    .join('');
  return curve(axis, perTenth, 10, 'tempo', [low, high]) + labels;
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
  cutHitRate: 'share of cuts with a MIDI beat and an audible onset within ±50 ms',
  cutHitRateMidi: 'the same, from the MIDI tempo map only',
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
};

const STYLE = `
:root { --ink: #1d2433; --muted: #5b6578; --line: #d5dae3; --cut: #d9480f; --hit: #2b8a3e; --miss: #c92a2a; --accent: #1c7ed6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 16px; font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: #fafbfc; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
header p, .legend { color: var(--muted); margin: 0 0 8px; }
video { width: 100%; max-height: 420px; background: #000; border-radius: 6px; }
.timelines { margin-top: 8px; }
svg.lane { display: block; width: 100%; height: 56px; }
svg.axis { display: block; width: 100%; height: 22px; }
.frame { fill: #fff; stroke: var(--line); }
.label { font-size: 12px; fill: var(--muted); }
.cut, .cut-beat { stroke: var(--cut); stroke-width: 2; }
.cut.hit { stroke: var(--hit); } .cut.miss { stroke: var(--miss); stroke-dasharray: 3 2; }
.vbeat { stroke: #7048e8; stroke-width: 1.5; }
.onset { stroke: #495057; stroke-width: 0.8; opacity: 0.7; }
polyline { fill: none; stroke-width: 1.5; }
.motion { stroke: var(--accent); stroke-width: 2; } .motion-fine { stroke: #a5d8ff; }
.brightness { stroke: #f59f00; } .saturation { stroke: #e64980; } .warmth { stroke: #862e9c; stroke-dasharray: 4 2; }
.tempo { stroke: #0b7285; stroke-width: 2; } .rms { stroke: #364fc7; stroke-width: 2; } .lufs { stroke: #94d82d; }
.face-bar { fill: #f783ac; }
.chord { stroke: #fff; } .chord.even { fill: #d0ebff; } .chord.odd { fill: #e5dbff; }
.block-label, .value-label { font-size: 11px; fill: var(--ink); }
.band-0 { fill: #ff922b; background: #ff922b; } .band-1 { fill: #5f3dc4; background: #5f3dc4; } .band-2 { fill: #e03131; background: #e03131; }
.band-3 { fill: #1971c2; background: #1971c2; } .band-4 { fill: #40c057; background: #40c057; } .band-5 { fill: #adb5bd; background: #adb5bd; }
.cursor { stroke: #000; stroke-width: 1.5; opacity: 0.6; }
.tick { stroke: var(--muted); } .tick-label { font-size: 11px; fill: var(--muted); text-anchor: middle; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 2px 0 8px; }
.swatch.hit { background: var(--hit); } .swatch.miss { background: var(--miss); }
.swatch.brightness { background: #f59f00; } .swatch.saturation { background: #e64980; } .swatch.warmth { background: #862e9c; }
.swatch.rms { background: #364fc7; } .swatch.lufs { background: #94d82d; }
table { border-collapse: collapse; background: #fff; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
@media (max-width: 640px) { body { padding: 8px; font-size: 13px; } svg.lane { height: 44px; } }
`;

/** Moves the cursor of every lane with the video, and seeks the video where a lane is clicked. */
const SCRIPT = `
const player = document.getElementById('player');
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
  const tick = () => { place(player.currentTime); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  for (const lane of lanes) lane.addEventListener('click', (event) => {
    const box = lane.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * width;
    if (x >= left) player.currentTime = ((x - left) / (right - left)) * Number(lane.dataset.duration);
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
