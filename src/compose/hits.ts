// hits: the picture's hit points — the moments music should meet: hard cuts (weighted by how
// different the shots look and how sure the analysis is), and the middles of fades and dissolves.

import type { VideoTimeline } from '../analysis/timeline.js';
import type { HitPoint } from './tempo-map.js';

/** Hit points closer than this are one moment. */
export const ONE_MOMENT_SECONDS = 0.5;
/** A cut this close to the end is not worth a hit: the last chord is already sounding. */
export const MIN_FINAL_SECONDS = 0.25;
/** Soft boundaries (fades, dissolves) matter less than a cut. */
const SOFT_BOUNDARY_WEIGHT = 0.4;

/** The picture's hit points: cuts, and the middles of fades and dissolves; none right at the end. */
export function hitPoints(timeline: VideoTimeline): HitPoint[] {
  const cuts: HitPoint[] = timeline.cuts.map((cut) => ({ time: cut.time, weight: (0.5 + 0.5 * cut.strength) * (cut.confidence ?? 1), kind: 'cut' }));
  const soft: HitPoint[] = timeline.transitions.map((transition) => ({ time: transition.time, weight: SOFT_BOUNDARY_WEIGHT, kind: transition.kind === 'dissolve' ? 'dissolve' : 'fade' }));
  const points = [...cuts, ...soft].filter((hit) => hit.time > 0 && timeline.duration - hit.time >= MIN_FINAL_SECONDS).sort((a, b) => a.time - b.time);
  // Two boundaries within half a second are one moment: the weightier one speaks for both.
  return points.filter((hit, i) => !points.some((other, k) => k !== i && Math.abs(other.time - hit.time) < ONE_MOMENT_SECONDS && (other.weight > hit.weight || (other.weight === hit.weight && k < i))));
}
