// visual-beats: the picture's own rhythm, as CMT and MuVi use it. A 10 Hz motion-energy curve (mean
// frame difference per tenth of a second); its rises are the visual onset curve; peaks that stand out
// of their neighbourhood are visual beats. Cuts are the strongest visual beats of all.

import type { Cut } from './cuts.js';

export interface VisualBeat {
  time: number;
  /** 0–1: 1 for a cut, else the rise's height relative to the clip's largest rises. */
  strength: number;
  kind: 'cut' | 'motion';
}

export interface MotionCurve {
  rateHz: number;
  /** Mean absolute RGB frame difference (0–255) in each 1/rateHz window. */
  values: number[];
}

export const MOTION_CURVE_HZ = 10;
/** A motion beat must be the largest rise within ± this many seconds … */
const PEAK_RADIUS_SECONDS = 0.2;
/** … and rise this many standard deviations above the mean rise. */
const PEAK_SIGMAS = 1;
/** Rises smaller than this (in 0–255 difference units) are sensor noise, not motion. */
const MIN_RISE = 0.5;
/** A motion beat this close to a cut is the cut itself. */
const CUT_MERGE_SECONDS = 0.15;

/** The per-frame differences (index i: frame i−1 → i) averaged into windows of 1/rateHz. */
export function motionCurve(frameDifferences: readonly number[], framesPerSecond: number, duration: number, rateHz = MOTION_CURVE_HZ): MotionCurve {
  const windows = Math.max(1, Math.ceil(duration * rateHz - 1e-6));
  const sums = new Array<number>(windows).fill(0);
  const counts = new Array<number>(windows).fill(0);
  for (let frame = 1; frame < frameDifferences.length; frame++) {
    const window = Math.min(windows - 1, Math.floor((frame / framesPerSecond) * rateHz + 1e-9));
    sums[window] += frameDifferences[frame]!;
    counts[window] += 1;
  }
  let last = 0;
  const values = sums.map((sum, w) => {
    if (counts[w]! > 0) last = sum / counts[w]!;
    return Math.round(last * 1e3) / 1e3;
  });
  return { rateHz, values };
}

export function visualBeats(curve: MotionCurve, cuts: readonly Cut[]): VisualBeat[] {
  const rises = curve.values.map((value, i) => (i === 0 ? 0 : Math.max(0, value - curve.values[i - 1]!)));
  const mean = rises.reduce((sum, r) => sum + r, 0) / rises.length;
  const std = Math.sqrt(rises.reduce((sum, r) => sum + (r - mean) ** 2, 0) / rises.length);
  const threshold = Math.max(MIN_RISE, mean + PEAK_SIGMAS * std);
  const radius = Math.max(1, Math.round(PEAK_RADIUS_SECONDS * curve.rateHz));
  const largest = Math.max(...rises, 1e-9);
  const beats: VisualBeat[] = cuts.map((cut) => ({ time: cut.time, strength: 1, kind: 'cut' }));
  rises.forEach((rise, i) => {
    if (rise < threshold) return;
    for (let j = Math.max(0, i - radius); j <= Math.min(rises.length - 1, i + radius); j++) {
      if (rises[j]! > rise || (rises[j] === rise && j < i)) return;
    }
    // The rise happens between window i−1 and window i: its time is the start of window i.
    const time = i / curve.rateHz;
    if (cuts.some((cut) => Math.abs(cut.time - time) < CUT_MERGE_SECONDS + 1 / curve.rateHz)) return;
    beats.push({ time, strength: Math.round((rise / largest) * 1000) / 1000, kind: 'motion' });
  });
  return beats.sort((a, b) => a.time - b.time);
}

/** A pulse must repeat at least this well (autocorrelation ÷ variance) to count as a tempo. */
const MIN_PERIODICITY = 0.2;

/** The picture's tempo: the autocorrelation peak of the rise curve between 40 and 200 BPM; 0 if none. */
export function visualTempoBpm(curve: MotionCurve): number {
  const rises = curve.values.map((value, i) => (i === 0 ? 0 : Math.max(0, value - curve.values[i - 1]!)));
  // A still picture's rises are encoder noise: no pulse to find.
  if (Math.max(0, ...rises) < MIN_RISE) return 0;
  const mean = rises.reduce((sum, r) => sum + r, 0) / rises.length;
  const centred = rises.map((r) => r - mean);
  const variance = centred.reduce((sum, c) => sum + c * c, 0) / centred.length;
  let bestLag = 0;
  let best = 0;
  for (let lag = Math.ceil((60 / 200) * curve.rateHz); lag <= Math.floor((60 / 40) * curve.rateHz) && lag < centred.length; lag++) {
    let correlation = 0;
    for (let i = lag; i < centred.length; i++) correlation += centred[i]! * centred[i - lag]!;
    correlation /= centred.length - lag;
    if (correlation > best) {
      best = correlation;
      bestLag = lag;
    }
  }
  return bestLag === 0 || best < MIN_PERIODICITY * variance ? 0 : Math.round((60 * curve.rateHz) / bestLag);
}
