// vocabulary: MuVi-Sync's 157 chord classes — N (no chord) and 12 roots × 13 qualities — with the
// factorisation into root (0 = N, 1–12 = C…B) and quality (0 = N, 1–13) that Video2Music's decoder
// embeds, and the bridge to the chord symbols the rest of v2m (tonal) speaks.

import type { ChordQuality } from '../music/theory.js';

/** Roots in MuVi-Sync's order (sharps). */
export const ROOTS = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
/** Qualities in MuVi-Sync's order (`vevo_meta/chord_attr.json`); "maj" is written without a suffix. */
export const QUALITIES = ['maj', 'dim', 'sus4', 'min7', 'min', 'sus2', 'aug', 'dim7', 'maj6', 'hdim7', '7', 'min6', 'maj7'] as const;
export type MuviQuality = (typeof QUALITIES)[number];

export const CHORD_CLASSES = 1 + ROOTS.length * QUALITIES.length;
export const NO_CHORD = 0;

/** Class index of a MuVi-Sync label ("N", "C", "A:min", "F#:maj7"); undefined for anything else. */
export function chordClass(label: string): number | undefined {
  if (label === 'N') return NO_CHORD;
  const [root, quality = 'maj'] = label.split(':');
  const r = ROOTS.indexOf(root as (typeof ROOTS)[number]);
  const q = QUALITIES.indexOf(quality as MuviQuality);
  return r < 0 || q < 0 ? undefined : 1 + r * QUALITIES.length + q;
}

export function chordLabel(index: number): string {
  if (index === NO_CHORD) return 'N';
  const { root, quality } = factorise(index);
  const q = QUALITIES[quality - 1]!;
  return q === 'maj' ? ROOTS[root - 1]! : `${ROOTS[root - 1]}:${q}`;
}

/** Root 1–12 and quality 1–13 of a class (0 and 0 for N), as the decoder embeds them. */
export function factorise(index: number): { root: number; quality: number } {
  if (index === NO_CHORD) return { root: 0, quality: 0 };
  return { root: 1 + Math.floor((index - 1) / QUALITIES.length), quality: 1 + ((index - 1) % QUALITIES.length) };
}

/** The quality in EVALUATION.md's names (min6 has no allowed set: 'other'). */
export function classQuality(index: number): ChordQuality | 'N' {
  if (index === NO_CHORD) return 'N';
  const quality = QUALITIES[factorise(index).quality - 1]!;
  return quality === 'min6' ? 'other' : quality;
}

/** The chord as a tonal symbol ("A:min" → "Am", "F#:hdim7" → "F#m7b5"); undefined for N. */
export function toSymbol(index: number): string | undefined {
  if (index === NO_CHORD) return undefined;
  const { root, quality } = factorise(index);
  const suffix: Record<MuviQuality, string> = { maj: '', dim: 'dim', sus4: 'sus4', min7: 'm7', min: 'm', sus2: 'sus2', aug: 'aug', dim7: 'dim7', maj6: '6', hdim7: 'm7b5', '7': '7', min6: 'm6', maj7: 'maj7' };
  return `${ROOTS[root - 1]}${suffix[QUALITIES[quality - 1]!]}`;
}
