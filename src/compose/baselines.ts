// baselines: the two pieces every v2m score is measured against (EVALUATION.md, issue "v2m eval").
// Both ignore the picture — no cut alignment, no dynamics — which is exactly what they are for:
//   fixed  — Video2Music's published rendering recipe: 120 BPM, one chord per second, piano arpeggios;
//   random — a random tempo and key, with the same instruments as the v2m score it is compared with.

import type { Emotion } from '../analysis/emotion.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { pick, streamRng } from '../music/random.js';
import { conventionalKey, TONICS, type MusicalKey } from '../music/theory.js';
import { composeFromPlan, type Composition } from './index.js';
import { TEMPO_RANGE_BPM } from './plan.js';
import type { ScorePlan, StyleName } from './score.js';
import { STYLES, type StyleSpec } from './styles.js';

export const BASELINE_NAMES = ['fixed', 'random'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** The picture's energy is ignored: every second plays at this one level. */
const FLAT_ENERGY = 0.5;
const FIXED_TEMPO_BPM = 120;
/** Video2Music's published rendering: the piano style with its chords as plain arpeggios, not v2m's textures. */
const VIDEO2MUSIC_PIANO: StyleSpec = { ...STYLES.piano, chords: { ...STYLES.piano.chords, figure: 'arpeggio' } };

export function composeBaseline(name: BaselineName, timeline: VideoTimeline, style: StyleName, seed: number): Composition {
  const rng = streamRng(seed, `baseline ${name}`);
  if (name === 'fixed') {
    // Two beats at 120 BPM are one second: a two-beat bar gets one chord, so one chord per second.
    const key: MusicalKey = { tonic: pick(rng, TONICS), mode: 'major' };
    const composition = composeFromPlan(steadyPlan(timeline, VIDEO2MUSIC_PIANO, key, FIXED_TEMPO_BPM, 2, seed), timeline.duration);
    const piano = STYLES.piano.chords.name;
    return { ...composition, score: { ...composition.score, tracks: composition.score.tracks.filter((track) => track.name === piano) } };
  }
  const key = conventionalKey({ tonic: pick(rng, TONICS), mode: rng() < 0.5 ? 'major' : 'minor' });
  const tempoBpm = Math.round(TEMPO_RANGE_BPM.slowest + rng() * (TEMPO_RANGE_BPM.fastest - TEMPO_RANGE_BPM.slowest));
  return composeFromPlan(steadyPlan(timeline, STYLES[style], key, tempoBpm, 4, seed), timeline.duration);
}

/** One section at one tempo from 0 past the end (notes are clipped to the video): nothing meets a cut. */
function steadyPlan(timeline: VideoTimeline, spec: StyleSpec, key: MusicalKey, tempoBpm: number, beatsPerBar: number, seed: number): ScorePlan {
  const beatSeconds = 60 / tempoBpm;
  const beats = Math.max(1, Math.ceil(timeline.duration / beatSeconds));
  return {
    style: spec.name,
    key,
    tempoBpm,
    tempoChanges: 'none',
    tempoLocked: true,
    hits: [],
    reasons: { tempo: 'baseline', key: 'baseline', style: 'baseline' },
    beatsPerBar,
    seed,
    sections: [{ start: 0, end: beats * beatSeconds, beats, tempoBpm, energy: FLAT_ENERGY, part: 'build' }],
    energyPerSecond: new Array<number>(timeline.seconds).fill(FLAT_ENERGY),
    moods: new Array<Emotion>(timeline.seconds).fill('neutral'),
    spec,
    primer: [],
    models: { chords: 'baseline', dynamics: 'flat' },
  };
}
