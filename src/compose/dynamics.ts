// dynamics: how the picture's energy curve becomes loudness. Until the learned dynamics model lands,
// a heuristic: energy (from motion) per second maps linearly onto MIDI velocity.

import type { ScorePlan } from './score.js';

/** Energy 0–1 of the second that contains `time`. */
export function energyAt(plan: ScorePlan, time: number): number {
  const curve = plan.energyPerSecond;
  return curve[Math.min(curve.length - 1, Math.max(0, Math.floor(time)))] ?? 0;
}

/** MIDI velocity for an energy 0–1, plus an accent in velocity steps; kept inside 20–127. */
export function velocity(energy: number, accent = 0): number {
  return Math.round(Math.min(127, Math.max(20, 48 + 58 * energy + accent)));
}

