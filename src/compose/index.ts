// compose: from the VideoTimeline to a Score — plan (the long view), beat grid, chords, arrangement.
// Pure: the same timeline, options and seed always give the same Score.

import type { VideoTimeline } from '../analysis/timeline.js';
import { streamRng } from '../music/random.js';
import { arrange } from './arrange.js';
import { beatGrid, meter, tempoMap } from './grid.js';
import { chordTrack } from './harmony.js';
import { produceMix } from './mix.js';
import { planScore, type PlanOptions } from './plan.js';
import type { Beat, ChordEvent, Score, ScorePlan } from './score.js';

export type { PlanOptions } from './plan.js';
export * from './score.js';
export { STYLES } from './styles.js';

export interface Composition {
  plan: ScorePlan;
  beats: Beat[];
  chords: ChordEvent[];
  /** The Score as written: every note on its grid position, no mix (what the music measures read). */
  score: Score;
  /** The Score as produced (compose/mix): pan, sends, expression, pedal and humanised playing — what is rendered and written to the MIDI file. */
  produced: Score;
}

export function compose(timeline: VideoTimeline, options: PlanOptions): Composition {
  return composeFromPlan(planScore(timeline, options, streamRng(options.seed, 'plan')), timeline.duration);
}

/** Everything after the plan: beat grid, chords, arrangement. Baselines enter here with plans of their own. */
/** Markers for a DAW: every section's start (its part) and every hit point (how it landed). */
function markers(plan: ScorePlan): Array<{ time: number; text: string }> {
  const sectionMarks = plan.sections.map((section, i) => ({ time: section.start, text: `section ${i + 1} · ${section.part}` }));
  const hitMarks = plan.hits.map((hit, i) => ({ time: hit.time, text: `${hit.kind} ${i + 1} · ${hit.landing}` }));
  return [...sectionMarks, ...hitMarks].sort((a, b) => a.time - b.time);
}

export function composeFromPlan(plan: ScorePlan, duration: number): Composition {
  // Separate streams per decision, so that changing one part (say the drums) leaves the others alone.
  const beats = beatGrid(plan);
  const chords = chordTrack(plan, beats, streamRng(plan.seed, 'harmony'));
  const tracks = arrange({ plan, beats, chords, duration });
  const score: Score = { duration, tempoMap: tempoMap(plan), beatsPerBar: plan.beatsPerBar, meter: meter(plan, beats), markers: markers(plan), tracks };
  return { plan, beats, chords, score, produced: produceMix({ plan, chords, score }) };
}
