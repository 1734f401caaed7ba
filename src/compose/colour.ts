// colour: the emotion of the picture heard in the chords. The diatonic triad of each bar takes the
// colour (7th, 6th, sus…) that Video2Music's affective vocabulary allows for the bar's emotion
// (EVALUATION.md §2), as long as every tone stays in the key — so colour never costs in-key notes.

import type { Emotion } from '../analysis/emotion.js';
import { chordPitchClasses, chordQuality, chordRoot, QUALITY_SUFFIX, type ChordQuality } from '../music/theory.js';

/** Per emotion, the qualities to try for each triad quality, best first; the triad itself is the fallback. */
const PREFERENCES: Record<Emotion, Partial<Record<ChordQuality, ChordQuality[]>>> = {
  exciting: { maj: ['maj', '7'], min: ['sus4', '7'], dim: ['7'] },
  fearful: { min: ['min7'], dim: ['hdim7', 'dim7'], maj: ['7'] },
  tense: { maj: ['7', 'sus4'], min: ['min7', 'sus4'], dim: ['dim'] },
  sad: { min: ['min', 'min7'], maj: ['sus2'], dim: ['min7'] },
  relaxing: { maj: ['maj7', 'maj6', 'maj'], min: ['min7'], dim: ['maj'] },
  neutral: {},
};

/** The coloured chord for `triad` under `emotion`, or the triad when no allowed colour stays in `scale`. */
export function colourChord(triad: string, emotion: Emotion, scale: ReadonlySet<number>): string {
  const root = chordRoot(triad);
  const quality = chordQuality(triad);
  for (const candidate of PREFERENCES[emotion][quality] ?? []) {
    if (candidate === 'other') continue;
    const symbol = `${root}${QUALITY_SUFFIX[candidate]}`;
    if (chordPitchClasses(symbol).every((pc) => scale.has(pc))) return symbol;
  }
  return triad;
}
