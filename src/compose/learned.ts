// learned: the shipped models' part in a composition. The AMT writes a chord per second from the
// picture (in MuVi-Sync's normalised key, C major / A minor), moved here into the plan's key; the
// biGRU predicts how loud the music of such a picture is, which joins motion in the energy curve.

import type { VideoTimeline } from '../analysis/timeline.js';
import { timelineFeatures } from '../models/features.js';
import { generateChords, predictDynamicsCurve, type ChordModel, type DynamicsModel, type SamplingOptions } from '../models/shipped.js';
import { factorise, toSymbol } from '../models/vocabulary.js';
import { rootPitchClass, spellPitchClass, type MusicalKey } from '../music/theory.js';
import { clamp } from '../numbers.js';

export interface LearnedModels {
  chords?: { model: ChordModel; sampling: Omit<SamplingOptions, 'seed' | 'primer'> };
  dynamics?: DynamicsModel;
}

/** Semitones from MuVi-Sync's normalised key (C major or A minor) up to `key`. */
function shiftTo(key: MusicalKey): number {
  return (rootPitchClass(key.tonic) - (key.mode === 'minor' ? 9 : 0) + 12) % 12;
}

/** The AMT's chord for every second, as symbols in `key`. */
export function learnedChordSymbols(timeline: VideoTimeline, key: MusicalKey, chords: NonNullable<LearnedModels['chords']>, seed: number): string[] {
  const classes = generateChords(chords.model, timelineFeatures(timeline), timeline.seconds, { ...chords.sampling, seed });
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
