// lanes: the timeline lanes drawn from a cue sheet — picture (cuts, beats, motion, light, faces,
// emotion) and plan (tempo, chords). Pure string building with no Node imports, so the HTML report
// (on the server) and the web page (in the browser) draw the same lanes from the same code.

import type { VideoTimeline } from '../analysis/timeline.js';
import type { CueSheet } from './cues.js';
import { DuckingEnvelope } from '../media/duck-envelope.js';
import { blocks, curve, escapeHtml, markers, PLOT, stackedBands, type Lane, type TimeAxis } from './svg.js';

export type PictureData = Pick<VideoTimeline, 'cuts' | 'transitions' | 'visualBeats' | 'motionCurve' | 'features' | 'emotion' | 'faces'> &
  Partial<Pick<VideoTimeline, 'rejectedCuts'>>;

/** The lanes of a scored video that need only its cue sheet: the picture's, then tempo and chords. */
export function cueSheetLanes(axis: TimeAxis, cues: CueSheet, cutHit?: (time: number) => boolean): Lane[] {
  return [
    ...pictureLanes(axis, cues, cutHit),
    { feature: 'tempo', label: 'tempo · part', body: tempoBody(axis, cues.tempoMap, laneSeconds(cues), cues.sections) },
    { feature: 'chords', label: 'chords', body: blocks(axis, cues.chords.map((c) => ({ start: c.time, end: c.time + c.duration, label: c.chord })), 'chord') },
    ...(cues.speech ? [speechLane(axis, cues.speech)] : []),
  ];
}

/**
 * How long the lanes run: the music's length where it is not the video's (--from/--to, --duration, a
 * loop's one cycle), since the cue sheet's times count from the music's start; else the video's.
 */
export function laneSeconds(cues: Pick<CueSheet, 'input' | 'placement'>): number {
  return cues.placement?.musicSeconds ?? cues.input.duration;
}

/** Where the video's own sound has speech, as spans, and the music's gain in the scored video (the ducking envelope) over them. */
export function speechLane(axis: TimeAxis, speech: NonNullable<CueSheet['speech']>): Lane {
  const spans = blocks(axis, speech.spans.map((span) => ({ start: span.start, end: span.end, label: 'speech' })), 'speech');
  // The gain the mux applied, 0 dB at the top of the lane, −depth at the bottom: every 20 ms, or
  // coarser on a long video (a few thousand points at most).
  const rateHz = Math.min(ENVELOPE_RATE_HZ, MOST_ENVELOPE_POINTS / Math.max(axis.duration, 1));
  const envelope = new DuckingEnvelope(speech.spans, speech);
  const gains: number[] = [];
  for (let i = 0; (i + 0.5) / rateHz <= axis.duration; i++) gains.push(envelope.gainDbAt((i + 0.5) / rateHz));
  const gain = curve(axis, gains, rateHz, 'duck-gain', [-Math.max(1, speech.depthDb), 0]);
  return { feature: 'speech', label: `speech · music −${speech.depthDb} dB`, body: spans + gain };
}

/** Samples per second of the ducking curve drawn over the speech lane. */
const ENVELOPE_RATE_HZ = 50;
const MOST_ENVELOPE_POINTS = 4000;

/**
 * The picture's lanes: cuts (coloured hit/miss when `cutHit` says whether music landed on each),
 * visual beats, motion, light and colour, faces, emotion.
 */
export function pictureLanes(axis: TimeAxis, picture: PictureData, cutHit?: (time: number) => boolean, cutTimes?: readonly number[]): Lane[] {
  const cuts = cutTimes ?? picture.cuts.map((cut) => cut.time);
  const hit = (time: number) => cutHit?.(time) === true;
  const motionBeats = picture.visualBeats.filter((beat) => beat.kind === 'motion');
  const { features, emotion } = picture;
  return [
    {
      feature: 'cuts',
      label: 'cuts · fades · dissolves',
      // Soft boundaries first, as shaded spans, so the hard cuts' lines stay on top.
      body:
        blocks(axis, picture.transitions.map((t) => ({ start: t.start, end: t.end, label: t.kind })), 'transition') +
        rejectedTicks(axis, picture.rejectedCuts ?? []) +
        (cutTimes ? timeMarkers(axis, cutTimes, cutHit && hit) : cutTicks(axis, picture.cuts, cutHit && hit)),
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

/**
 * Hard cuts as ticks: the taller, the stronger the change; the fainter, the less sure v2m is that
 * the shot changed (strength × confidence is the cut's weight as a hit point). Hit or missed when
 * `hit` is given. Cue sheets written before cuts had a confidence draw them fully sure.
 */
function cutTicks(axis: TimeAxis, cuts: PictureData['cuts'], hit?: (time: number) => boolean): string {
  const height = PLOT.laneHeight;
  return cuts
    .map((cut) => {
      const confidence = cut.confidence ?? 1;
      const top = height - 2 - (height - 6) * (MIN_CUT_TICK + (1 - MIN_CUT_TICK) * Math.min(1, Math.max(0, cut.strength)));
      const x = axis.x(cut.time);
      const className = hit ? `cut ${hit(cut.time) ? 'hit' : 'miss'}` : 'cut';
      const title = `${cut.time.toFixed(2)} s · strength ${cut.strength.toFixed(2)} · confidence ${confidence.toFixed(2)}`;
      return `<line class="${className}" x1="${x}" x2="${x}" y1="${top.toFixed(1)}" y2="${height - 2}" opacity="${(0.25 + 0.75 * confidence).toFixed(2)}"><title>${title}</title></line>`;
    })
    .join('');
}

/** Cut times given without their records (an evaluation's ground truth): plain ticks, hit or missed when `hit` is given. */
function timeMarkers(axis: TimeAxis, times: readonly number[], hit?: (time: number) => boolean): string {
  return hit ? markers(axis, times.filter(hit), 'cut hit') + markers(axis, times.filter((t) => !hit(t)), 'cut miss') : markers(axis, times, 'cut');
}

/** The shortest cut tick, as a share of the lane: a weak cut stays visible. */
const MIN_CUT_TICK = 0.3;

/** Candidates turned down (a flash, light, something crossing the lens…): short dotted ticks at the foot of the lane, the reason on hover. */
function rejectedTicks(axis: TimeAxis, rejected: NonNullable<PictureData['rejectedCuts']>): string {
  const height = PLOT.laneHeight;
  return rejected
    .map((r) => `<line class="cut-rejected" x1="${axis.x(r.time)}" x2="${axis.x(r.time)}" y1="${height - 14}" y2="${height - 2}"><title>${r.time.toFixed(2)} s · not a cut: ${escapeHtml(r.reason)}</title></line>`)
    .join('');
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

function tempoBody(axis: TimeAxis, tempoMap: CueSheet['tempoMap'], duration: number, sections: CueSheet['sections']): string {
  const perTenth: number[] = [];
  for (let t = 0; t < duration; t += 0.1) perTenth.push([...tempoMap].reverse().find((change) => change.time <= t + 1e-9)?.tempo ?? tempoMap[0]?.tempo ?? 0);
  const tempi = tempoMap.map((c) => c.tempo);
  const low = Math.min(...tempi) - 10;
  const high = Math.max(...tempi) + 10;
  // Tempo on the top row where it changes, the piece's parts on the bottom row where they change;
  // a label that would run into the one before it is left out (the curve still shows the change).
  const tempoLabels = spacedLabels(axis, tempoMap.map((c) => ({ time: c.time, text: `${Math.round(c.tempo)} BPM` })), 12);
  const parts = sections.filter((s, i) => i === 0 || s.part !== sections[i - 1]!.part).map((s) => ({ time: s.start, text: s.part }));
  return curve(axis, perTenth, 10, 'tempo', [low, high]) + tempoLabels + spacedLabels(axis, parts, 50);
}

/** Rough width of a lane label in plot units per character (the lanes' 11-px text). */
const LABEL_UNITS_PER_CHARACTER = 6.5;

/** Labels at their times, skipping any that would overlap the one drawn before it. */
function spacedLabels(axis: TimeAxis, labels: ReadonlyArray<{ time: number; text: string }>, y: number): string {
  let freeFrom = -Infinity;
  return labels
    .filter((label) => {
      const x = axis.x(label.time);
      if (x < freeFrom) return false;
      freeFrom = x + 4 + label.text.length * LABEL_UNITS_PER_CHARACTER;
      return true;
    })
    .map((label) => `<text class="value-label" x="${axis.x(label.time) + 2}" y="${y}">${escapeHtml(label.text)}</text>`)
    .join('');
}

/** The lanes' look; the report and the web page both include it. */
export const LANE_CSS = `
svg.lane { display: block; width: 100%; height: 56px; }
svg.axis { display: block; width: 100%; height: 22px; }
.frame { fill: #fff; stroke: var(--line); }
.label { font-size: 12px; fill: var(--muted); }
.cut, .cut-beat { stroke: var(--cut); stroke-width: 2; }
.cut.hit { stroke: var(--hit); } .cut.miss { stroke: var(--miss); stroke-dasharray: 3 2; }
.cut-rejected { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 2 2; }
.vbeat { stroke: #7048e8; stroke-width: 1.5; }
.onset { stroke: #495057; stroke-width: 0.8; opacity: 0.7; }
polyline { fill: none; stroke-width: 1.5; }
.motion { stroke: var(--accent); stroke-width: 2; } .motion-fine { stroke: #a5d8ff; }
.brightness { stroke: #f59f00; } .saturation { stroke: #e64980; } .warmth { stroke: #862e9c; stroke-dasharray: 4 2; }
.tempo { stroke: #0b7285; stroke-width: 2; } .rms { stroke: #364fc7; stroke-width: 2; } .lufs { stroke: #94d82d; }
.face-bar { fill: #f783ac; }
.chord { stroke: #fff; } .chord.even { fill: #d0ebff; } .chord.odd { fill: #e5dbff; }
.speech { fill: #fff3bf; stroke: #fab005; } .duck-gain { stroke: #d9480f; stroke-width: 2; }
.transition { fill: #ffe8cc; stroke: #f08c00; stroke-dasharray: 2 2; }
.block-label, .value-label { font-size: 11px; fill: var(--ink); }
.band-0 { fill: #ff922b; background: #ff922b; } .band-1 { fill: #5f3dc4; background: #5f3dc4; } .band-2 { fill: #e03131; background: #e03131; }
.band-3 { fill: #1971c2; background: #1971c2; } .band-4 { fill: #40c057; background: #40c057; } .band-5 { fill: #adb5bd; background: #adb5bd; }
.cursor { stroke: #000; stroke-width: 1.5; opacity: 0.6; }
.tick { stroke: var(--muted); } .tick-label { font-size: 11px; fill: var(--muted); text-anchor: middle; }
`;
