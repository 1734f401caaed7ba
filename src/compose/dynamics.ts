// dynamics: the composition's dynamics stage — an energy curve 0–1 per second from the picture's
// motion (shifted by --intensity), joined by the shipped biGRU's predicted loudness and leaning into
// strong cuts — and how that energy becomes MIDI velocity.

import { motionToEnergy } from '../analysis/energy.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { round3 } from '../numbers.js';
import { hitPoints } from './hits.js';
import { learnedEnergy, type LearnedModels } from './learned.js';
import type { StyleReference } from './reference.js';
import type { ScorePlan } from './score.js';
import type { HitPoint } from './tempo-map.js';

/** The dynamics stage's record: what the arrangement's loudness and density follow. */
export interface DynamicsCurve {
  /** Energy 0–1 per second from the picture's motion alone (after --intensity): it sets tempo and style. */
  motionEnergy: number[];
  /** The curve the arrangement plays: motion with the biGRU's loudness, leaning into strong cuts. */
  energyPerSecond: number[];
  /** Who shaped it: 'motion' or 'bigru+motion'. */
  source: 'motion' | 'bigru+motion';
}

export interface DynamicsOptions {
  /** 0 (hold back) … 1 (push); 0.5 leaves the picture's energy as it is. */
  intensity?: number;
  reference?: StyleReference;
  learned?: LearnedModels;
}

/** How far intensity 0 or 1 moves the energy curve (energy is 0–1). */
const INTENSITY_SHIFT = 0.6;
/** How much of the per-second energy comes from the biGRU's loudness when it is on (the rest from motion). */
const LEARNED_DYNAMICS_SHARE = 0.4;

export function dynamicsCurve(timeline: VideoTimeline, options: DynamicsOptions): DynamicsCurve {
  const intensity = options.intensity ?? (options.reference ? referenceIntensity(options.reference) : 0.5);
  const shift = (intensity - 0.5) * INTENSITY_SHIFT;
  const motionEnergy = timeline.features.motionMean.map((motion) => clamp01(motionToEnergy(motion) + shift));
  const modelEnergy = options.learned?.dynamics ? learnedEnergy(timeline, options.learned.dynamics) : undefined;
  const pictureEnergy = motionEnergy.map((energy, s) => (modelEnergy ? clamp01(LEARNED_DYNAMICS_SHARE * (modelEnergy[s] ?? 0.5) + (1 - LEARNED_DYNAMICS_SHARE) * energy) : energy));
  return {
    motionEnergy,
    energyPerSecond: leanIntoCuts(pictureEnergy, hitPoints(timeline)).map(round3),
    source: modelEnergy ? 'bigru+motion' : 'motion',
  };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}


/** Energy 0–1 of the second that contains `time`. */
export function energyAt(plan: ScorePlan, time: number): number {
  const curve = plan.energyPerSecond;
  return curve[Math.min(curve.length - 1, Math.max(0, Math.floor(time)))] ?? 0;
}

/** MIDI velocity for an energy 0–1, plus an accent in velocity steps; kept inside 20–127. */
export function velocity(energy: number, accent = 0): number {
  return Math.round(Math.min(127, Math.max(20, 48 + 58 * energy + accent)));
}


/** A reference's density as intensity: 2 notes a second is calm (0.2), 14 or more is busy (1). */
function referenceIntensity(reference: StyleReference): number {
  return Math.min(1, Math.max(0, 0.2 + ((reference.notesPerSecond - 2) / 12) * 0.8));
}

/** Cuts at least this weighty (strong and trusted) get a crescendo into them. */
const LEAN_MIN_WEIGHT = 0.7;
/** Energy added in the second before such a cut (half as much in the one before that). */
const LEAN_LIFT = 0.1;

/**
 * Dynamics that lean into a strong cut and settle after it, as an orchestra swells into a hit: the
 * two seconds before it rise a little; the cut's own second is the picture's again. Weak or
 * doubtful cuts (a flash, a flicker) get no swell.
 */
export function leanIntoCuts(energy: readonly number[], hits: readonly HitPoint[]): number[] {
  const leaned = [...energy];
  for (const hit of hits) {
    if (hit.kind !== 'cut' || hit.weight < LEAN_MIN_WEIGHT) continue;
    const second = Math.floor(hit.time);
    [LEAN_LIFT / 2, LEAN_LIFT].forEach((lift, i) => {
      const s = second - 2 + i;
      if (s >= 0 && s < leaned.length) leaned[s] = Math.min(1, leaned[s]! + lift * hit.weight);
    });
  }
  return leaned;
}

