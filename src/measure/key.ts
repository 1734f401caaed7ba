// key: the key a piece is in, estimated from its notes (Krumhansl–Kessler profiles correlated with
// the duration-weighted pitch-class histogram), and the notes that belong to it.

import type { MidiNote } from './midi.js';

export interface EstimatedKey {
  tonicPitchClass: number;
  mode: 'major' | 'minor';
}

const PITCH_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'];
const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];
/** Natural minor plus the raised 7th of harmonic minor (the leading tone of its V chord). */
const MINOR_SCALE = [0, 2, 3, 5, 7, 8, 10, 11];

export function keyLabel(key: EstimatedKey): string {
  return `${PITCH_NAMES[key.tonicPitchClass]} ${key.mode}`;
}

export function estimateKey(notes: readonly MidiNote[]): EstimatedKey | undefined {
  const histogram = new Array<number>(12).fill(0);
  for (const note of notes) if (!note.isDrums) histogram[note.midi % 12] += note.duration;
  if (histogram.every((weight) => weight === 0)) return undefined;
  let best: EstimatedKey = { tonicPitchClass: 0, mode: 'major' };
  let bestR = -Infinity;
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const mode of ['major', 'minor'] as const) {
      const r = keyFit(histogram, { tonicPitchClass: tonic, mode });
      if (r > bestR) {
        bestR = r;
        best = { tonicPitchClass: tonic, mode };
      }
    }
  }
  return best;
}

/** How well a pitch-class histogram (12 weights from C) fits a key: Pearson's r with its rotated profile. */
export function keyFit(histogram: readonly number[], key: EstimatedKey): number {
  const profile = key.mode === 'major' ? MAJOR_PROFILE : MINOR_PROFILE;
  return pearson(histogram, histogram.map((_, pc) => profile[(pc - key.tonicPitchClass + 12) % 12]!));
}

export function scalePitchClasses(key: EstimatedKey): Set<number> {
  return new Set((key.mode === 'major' ? MAJOR_SCALE : MINOR_SCALE).map((step) => (key.tonicPitchClass + step) % 12));
}

/** Pearson's r; 0 when either series is constant (no linear relation can be read off). */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]! / n;
    meanB += b[i]! / n;
  }
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    covariance += (a[i]! - meanA) * (b[i]! - meanB);
    varianceA += (a[i]! - meanA) ** 2;
    varianceB += (b[i]! - meanB) ** 2;
  }
  return varianceA === 0 || varianceB === 0 ? 0 : covariance / Math.sqrt(varianceA * varianceB);
}
