// compose: from the VideoTimeline to a Score, as a chain of stages that each take and return a typed,
// JSON-able record — dynamics (DynamicsCurve) → plan (ScorePlan: key, tempo map, sections, reasons)
// → grid (Beat[]) → harmony (ChordEvent[]) → arrangement (melody, accompaniment, bass, pad, hits,
// drums: Track[]) → Score → the produced mix. A test or a baseline replaces one stage and keeps the
// rest. Pure: the same timeline, options and seed always give the same Score.

import type { VideoTimeline } from '../analysis/timeline.js';
import { streamRng } from '../music/random.js';
import { arrange } from './arrange.js';
import { beatGrid, meter, tempoMap } from './grid.js';
import { chordTrack } from './harmony.js';
import { produceMix } from './mix.js';
import { dynamicsCurve, type DynamicsCurve } from './dynamics.js';
import { planScore, type PlanOptions } from './plan.js';
import type { Beat, ChordEvent, Score, ScorePlan } from './score.js';

export type { PlanOptions } from './plan.js';
export * from './score.js';
export { STYLES } from './styles.js';

export interface Composition {
  /** The energy curve the arrangement follows (absent for baselines, which play flat). */
  dynamics?: DynamicsCurve;
  plan: ScorePlan;
  beats: Beat[];
  chords: ChordEvent[];
  /** The Score as written: every note on its grid position, no mix (what the music measures read). */
  score: Score;
  /** The Score as produced (compose/mix): pan, sends, expression, pedal and humanised playing — what is rendered and written to the MIDI file. */
  produced: Score;
}

export function compose(timeline: VideoTimeline, options: PlanOptions): Composition {
  const dynamics = dynamicsCurve(timeline, options);
  const plan = planScore(timeline, options, dynamics);
  // A loop ends on its last bar line, a little before or after the timeline's end.
  return { dynamics, ...composeFromPlan(plan, plan.duration ?? timeline.duration) };
}

/** Markers for a DAW: every section's start (its part) and every hit point (how it landed). */
function markers(plan: ScorePlan): Array<{ time: number; text: string }> {
  const sectionMarks = plan.sections.map((section, i) => ({ time: section.start, text: `section ${i + 1} · ${section.part}` }));
  const hitMarks = plan.hits.map((hit, i) => ({ time: hit.time, text: `${hit.kind} ${i + 1} · ${hit.landing}` }));
  return [...sectionMarks, ...hitMarks].sort((a, b) => a.time - b.time);
}

/** Everything after the plan: beat grid, chords, arrangement, mix. Baselines enter here with plans of their own. */
export function composeFromPlan(plan: ScorePlan, duration: number): Composition {
  // Separate streams per decision, so that changing one part (say the drums) leaves the others alone.
  const beats = beatGrid(plan);
  const chords = chordTrack(plan, beats, streamRng(plan.seed, 'harmony'));
  const tracks = arrange({ plan, beats, chords, duration });
  const score: Score = { duration, tempoMap: tempoMap(plan), beatsPerBar: plan.beatsPerBar, meter: meter(plan, beats), markers: markers(plan), tracks };
  return { plan, beats, chords, score, produced: produceMix({ plan, chords, score }) };
}
