// corpus-stats: the per-window statistics of EVALUATION.md §6, in the style of MGEval (Yang & Lerch
// 2018). A piece is cut into non-overlapping 16-beat windows on its own beat grid; each window of a
// set of notes (the melody, or all pitched parts together) becomes one vector of features, and two
// corpora are compared feature by feature through the distributions of those vectors.

import type { MidiNote } from './midi.js';

/** A note on the beat grid: onset and length in beats (quarter notes). */
export interface BeatNote {
  onset: number;
  length: number;
  pitch: number;
}

export const WINDOW_BEATS = 16;
const BEATS_PER_BAR = 4;
/** A window with fewer notes than this in a set has no line to measure and is left out of that set. */
export const MIN_WINDOW_NOTES = 4;
/** Onsets and intervals are read on a sixteenth-note grid. */
const STEPS_PER_BEAT = 4;
/** The largest melodic interval that counts as a step (a whole tone). */
const STEP_SEMITONES = 2;

export const FEATURE_NAMES = [
  'pitchClassEntropy',
  'distinctPitches',
  'pitchRange',
  'notesPerBeat',
  'ioiEntropy',
  'medianNoteBeats',
  'stepRatio',
  'leapRatio',
  'repeatRatio',
  'barRepetition',
  'transitionEntropy',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type WindowFeatures = Record<FeatureName, number>;

/** How each feature reads in a table. */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  pitchClassEntropy: 'pitch-class entropy (bits)',
  distinctPitches: 'distinct pitches',
  pitchRange: 'pitch range (semitones)',
  notesPerBeat: 'notes per beat',
  ioiEntropy: 'IOI entropy (bits)',
  medianNoteBeats: 'median note (beats)',
  stepRatio: 'step ratio (top line)',
  leapRatio: 'leap ratio (top line)',
  repeatRatio: 'repeat ratio (top line)',
  barRepetition: 'exact bar repetition',
  transitionEntropy: 'pc transition entropy (bits)',
};

/**
 * Seconds → beats through a beat list (seconds of each beat): linear between beats, and at the
 * first and last beat spacing outside them, so a note's onset and length read in beats even where
 * the tempo moves.
 */
export function beatPosition(beats: readonly number[], seconds: number): number {
  if (beats.length < 2) throw new Error('beatPosition needs at least two beats');
  let low = 0;
  let high = beats.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (beats[middle]! <= seconds) low = middle;
    else high = middle - 1;
  }
  const start = beats[low]!;
  const end = beats[low + 1]!;
  return low + (seconds - start) / (end - start);
}

/** Notes in seconds → notes in beats on the given beat grid. */
export function toBeatNotes(notes: readonly MidiNote[], beats: readonly number[]): BeatNote[] {
  return notes.map((note) => {
    const onset = beatPosition(beats, note.time);
    return { onset, length: beatPosition(beats, note.time + note.duration) - onset, pitch: note.midi };
  });
}

/** The melody's and all parts' feature vectors of each full 16-beat window of one piece. */
export interface PieceWindows {
  melody: WindowFeatures[];
  all: WindowFeatures[];
}

/**
 * Cuts a piece into non-overlapping windows of `WINDOW_BEATS` beats from its first beat (a last,
 * partial window is dropped) and measures its melody and all its pitched notes in each.
 */
export function pieceWindows(piece: { beats: readonly number[]; melody: readonly MidiNote[]; pitched: readonly MidiNote[] }): PieceWindows {
  const result: PieceWindows = { melody: [], all: [] };
  if (piece.beats.length < WINDOW_BEATS + 1) return result;
  const melody = toBeatNotes(piece.melody, piece.beats);
  const pitched = toBeatNotes(piece.pitched, piece.beats);
  for (let start = 0; start + WINDOW_BEATS < piece.beats.length; start += WINDOW_BEATS) {
    const melodyFeatures = windowFeatures(notesFrom(melody, start), start);
    const allFeatures = windowFeatures(notesFrom(pitched, start), start);
    if (melodyFeatures) result.melody.push(melodyFeatures);
    if (allFeatures) result.all.push(allFeatures);
  }
  return result;
}

function notesFrom(notes: readonly BeatNote[], start: number): BeatNote[] {
  // A hair of tolerance: an onset written on the window's first beat may read as 15.9999 beats.
  return notes.filter((note) => note.onset >= start - 1e-6 && note.onset < start + WINDOW_BEATS - 1e-6);
}

/** The features of the notes starting in one window (beats `start` … `start + 16`); undefined when too few notes. */
export function windowFeatures(notes: readonly BeatNote[], start: number): WindowFeatures | undefined {
  if (notes.length < MIN_WINDOW_NOTES) return undefined;
  const end = start + WINDOW_BEATS;
  const pitches = notes.map((note) => note.pitch);
  const line = topLine(notes);
  const intervals = line.slice(1).map((note, i) => Math.abs(note.pitch - line[i]!.pitch));
  const share = (test: (interval: number) => boolean) => (intervals.length === 0 ? 0 : intervals.filter(test).length / intervals.length);
  return {
    pitchClassEntropy: pitchClassEntropy(notes, end),
    distinctPitches: new Set(pitches).size,
    pitchRange: Math.max(...pitches) - Math.min(...pitches),
    notesPerBeat: notes.length / WINDOW_BEATS,
    ioiEntropy: ioiEntropy(notes),
    medianNoteBeats: median(notes.map((note) => note.length)),
    stepRatio: share((interval) => interval > 0 && interval <= STEP_SEMITONES),
    leapRatio: share((interval) => interval > STEP_SEMITONES),
    repeatRatio: share((interval) => interval === 0),
    barRepetition: barRepetition(notes, start),
    transitionEntropy: entropy(counts(line.slice(1).map((note, i) => `${line[i]!.pitch % 12}>${note.pitch % 12}`))),
  };
}

/**
 * The top monophonic line (skyline): at each onset the highest note, and a lower note is dropped when
 * a higher one of the line is still sounding over its onset; each kept note ends at the next one.
 */
export function topLine(notes: readonly BeatNote[]): BeatNote[] {
  const sorted = [...notes].sort((a, b) => sixteenth(a.onset) - sixteenth(b.onset) || b.pitch - a.pitch);
  const line: BeatNote[] = [];
  for (const note of sorted) {
    const previous = line[line.length - 1];
    if (previous && sixteenth(note.onset) === sixteenth(previous.onset)) continue; // a lower note of the same onset
    if (previous && previous.onset + previous.length > note.onset + 1e-6 && previous.pitch > note.pitch) continue;
    if (previous) line[line.length - 1] = { ...previous, length: Math.min(previous.length, note.onset - previous.onset) };
    line.push(note);
  }
  return line;
}

/** Entropy (bits) of the pitch classes weighted by how long they sound inside the window. */
export function pitchClassEntropy(notes: readonly BeatNote[], windowEnd = Infinity): number {
  const weights = new Map<number, number>();
  for (const note of notes) {
    const audible = Math.max(0, Math.min(note.onset + note.length, windowEnd) - note.onset);
    weights.set(note.pitch % 12, (weights.get(note.pitch % 12) ?? 0) + audible);
  }
  return entropy(weights);
}

/** Entropy (bits) of the gaps between successive distinct onsets, in sixteenths. */
export function ioiEntropy(notes: readonly BeatNote[]): number {
  const onsets = [...new Set(notes.map((note) => sixteenth(note.onset)))].sort((a, b) => a - b);
  return entropy(counts(onsets.slice(1).map((onset, i) => onset - onsets[i]!)));
}

/**
 * Share of the window's sounding bars (4 beats) after the first that repeat an earlier bar of the
 * window exactly: the same pitches at the same sixteenths.
 */
export function barRepetition(notes: readonly BeatNote[], start: number): number {
  const bars: string[] = [];
  for (let bar = 0; bar < WINDOW_BEATS / BEATS_PER_BAR; bar++) {
    const from = start + bar * BEATS_PER_BAR;
    const content = notes
      .filter((note) => note.onset >= from - 1e-6 && note.onset < from + BEATS_PER_BAR - 1e-6)
      .map((note) => `${sixteenth(note.onset - from)}:${note.pitch}`)
      .sort()
      .join(',');
    if (content !== '') bars.push(content);
  }
  if (bars.length < 2) return 0;
  return bars.slice(1).filter((bar, i) => bars.slice(0, i + 1).includes(bar)).length / (bars.length - 1);
}

/** Shannon entropy in bits of a histogram (counts or weights). */
export function entropy(histogram: ReadonlyMap<unknown, number>): number {
  const total = [...histogram.values()].reduce((sum, v) => sum + v, 0);
  if (total <= 0) return 0;
  let bits = 0;
  for (const value of histogram.values()) {
    if (value > 0) bits -= (value / total) * Math.log2(value / total);
  }
  return bits;
}

function counts<T>(values: readonly T[]): Map<T, number> {
  const histogram = new Map<T, number>();
  for (const value of values) histogram.set(value, (histogram.get(value) ?? 0) + 1);
  return histogram;
}

function sixteenth(beats: number): number {
  return Math.round(beats * STEPS_PER_BEAT);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
