// learned: the shipped models' part in a composition. The AMT writes a chord per second from the
// picture (in MuVi-Sync's normalised key, C major / A minor), moved here into the plan's key; the
// biGRU predicts how loud the music of such a picture is, which joins motion in the energy curve.

import type { VideoTimeline } from '../analysis/timeline.js';
import { timelineFeatures } from '../models/features.js';
import { generateChords, predictDynamicsCurve, type ChordModel, type DynamicsModel, type SamplingOptions } from '../models/shipped.js';
import { keyFit } from '../measure/key.js';
import { factorise, toSymbol } from '../models/vocabulary.js';
import { chordPitchClasses, conventionalKey, rootPitchClass, spellPitchClass, TONICS, type Mode, type MusicalKey } from '../music/theory.js';
import { clamp } from '../numbers.js';

export interface LearnedModels {
  chords?: { model: ChordModel; sampling: Omit<SamplingOptions, 'seed' | 'primer'> };
  dynamics?: DynamicsModel;
}

/** Semitones from MuVi-Sync's normalised key (C major or A minor) up to `key`. */
function shiftTo(key: MusicalKey): number {
  return (rootPitchClass(key.tonic) - (key.mode === 'minor' ? 9 : 0) + 12) % 12;
}

/** The AMT's chord for every second, as classes in MuVi-Sync's normalised key (C major / A minor). */
export function learnedChordClasses(timeline: VideoTimeline, chords: NonNullable<LearnedModels['chords']>, seed: number): number[] {
  return generateChords(chords.model, timelineFeatures(timeline), timeline.seconds, { ...chords.sampling, seed });
}

/**
 * Whether chords in the normalised key centre on C major or on A minor — the same notes, another
 * tonic — read from their chord tones with the key profiles the evaluation uses to find a piece's key.
 */
export function normalisedMode(classes: readonly number[]): Mode {
  const histogram = new Array<number>(12).fill(0);
  for (const chord of classes) for (const pc of chordPitchClasses(toSymbol(chord) ?? '')) histogram[pc] += 1;
  return keyFit(histogram, { tonicPitchClass: 9, mode: 'minor' }) > keyFit(histogram, { tonicPitchClass: 0, mode: 'major' }) ? 'minor' : 'major';
}

/** The relative key: the same notes around the other tonic (C major ↔ A minor). */
export function relativeKey(key: MusicalKey): MusicalKey {
  const tonic = (rootPitchClass(key.tonic) + (key.mode === 'major' ? 9 : 3)) % 12;
  return conventionalKey({ tonic: TONICS[tonic]!, mode: key.mode === 'major' ? 'minor' : 'major' });
}

/** Chords in the normalised key, as symbols in `key`. */
export function chordSymbolsInKey(classes: readonly number[], key: MusicalKey): string[] {
  const shift = shiftTo(key);
  return classes.map((chord) => {
    const symbol = toSymbol(chord) ?? 'C';
    const { root } = factorise(chord);
    const rootName = /^[A-G]#?/.exec(symbol)![0];
    return `${spellPitchClass((root - 1 + shift) % 12, key)}${symbol.slice(rootName.length)}`;
  });
}

/**
 * Energy 0–1 per second from the biGRU's predicted loudness: its z-score against MuVi-Sync's
 * music, so music the model expects to be loud for such a picture is pushed up, quiet down.
 */
export function learnedEnergy(timeline: VideoTimeline, model: DynamicsModel): number[] {
  const { loudness } = predictDynamicsCurve(model, timelineFeatures(timeline), timeline.seconds);
  const { loudnessMean, loudnessStd } = model.normalisation;
  return loudness.map((value) => clamp(0.5 + 0.25 * ((value - loudnessMean) / loudnessStd), 0, 1));
}
