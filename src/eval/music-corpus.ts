// music-corpus: the corpora of `v2m eval music` and how they compare (EVALUATION.md §6–7). A piece
// (its beat grid, melody and parts) is read from a MIDI file — v2m's, whose tracks name their role,
// or a POP909 song (Wang et al. 2020, MIT) with its annotated beats — and a corpus of pieces becomes
// per-window feature samples, clashes, tempo steadiness and diversity; two corpora compare by the
// overlapped areas of their feature distributions.

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pop909Split } from '../data/pop909-split.js';
import { badInput, usageError } from '../errors.js';
import { findClashes } from '../measure/clashes.js';
import { FEATURE_NAMES, median, pieceWindows, type FeatureName, type WindowFeatures } from '../measure/corpus-stats.js';
import { diversity, pieceCharacter, type Diversity, type PieceCharacter } from '../measure/diversity.js';
import { estimateKey, keyLabel, type EstimatedKey } from '../measure/key.js';
import { endsOnTonic, lastSoundingChord } from '../measure/metrics.js';
import { readMidi, type MidiNote } from '../measure/midi.js';
import { overlappedArea } from '../measure/overlap.js';
import { tempoSteadiness, type TempoSteadiness } from '../measure/tempo-steadiness.js';

export type WindowSet = 'melody' | 'all';
export const WINDOW_SETS: readonly WindowSet[] = ['melody', 'all'];
/** Each feature's value in every window of a corpus. */
export type FeatureSamples = Record<FeatureName, number[]>;

/** One piece as the statistics see it: its beat grid and its parts, read from a MIDI file. */
export interface MusicPiece {
  name: string;
  /** The style (v2m) or 'pop909'. */
  group: string;
  seed?: number;
  /** Seconds of every beat. */
  beats: number[];
  melody: MidiNote[];
  /** The pitched parts, one list of notes each (drums left out): clashes are counted between them. */
  parts: MidiNote[][];
  duration: number;
  /** v2m's pieces: tempo steadiness and character from the file (POP909's tempo map follows a performance). */
  tempo?: TempoSteadiness;
  character?: PieceCharacter;
  /** The key v2m wrote the piece in, where the eval composed it itself (a MIDI file does not say). */
  writtenKey?: EstimatedKey;
}

export interface PieceFigures {
  name: string;
  group: string;
  seed?: number;
  minutes: number;
  clashesPerMinute: number;
  windows: Record<WindowSet, number>;
  key?: string;
  tempoBpm?: number;
  tempo?: TempoSteadiness;
  /** The last sounding chord (read from the MIDI) is the written key's tonic triad over its tonic; absent without a written key. */
  tonicEnd?: boolean;
  /** What `v2m eval` reports as tonic end: the lowest note of the last sounding chord is the tonic of the key estimated from the notes. */
  tonicEndEstimated: boolean;
}

export interface StyleDiversity extends Diversity {
  style: string;
}

/** Everything measured on one corpus; JSON-able (the baseline file holds one). */
export interface CorpusFigures {
  label: string;
  pieces: PieceFigures[];
  windows: Record<WindowSet, FeatureSamples>;
  /** All clashes over all minutes. */
  clashesPerMinute: number;
  /** The median piece's clashes per minute (a few dense songs weigh less). */
  clashesPerMinuteMedian: number;
  minutes: number;
  /** Over the pieces: the largest tempo step, the busiest minute, the shortest section; null for POP909. */
  tempo: TempoSteadiness | null;
  /** Per style, over the clips at the lowest seed. */
  diversity: StyleDiversity[];
  /** Share of pieces whose last sounding chord is the tonic: of the written key (null without one), of the estimated key. */
  tonicEnd?: { written: number | null; estimated: number };
}

export type Overlaps = Record<WindowSet, Record<FeatureName, number> & { mean: number }>;

export interface MusicEvaluation {
  reference: CorpusFigures;
  /** POP909's held-out songs split in two disjoint halves, compared with each other. */
  ceiling: Overlaps;
  systems: Array<{ figures: CorpusFigures; overlap: Overlaps }>;
}

// ---- reading pieces -------------------------------------------------------------------------------

/** A MIDI file v2m wrote: the melody is the track whose role (instrument name) is 'melody'. */
export function v2mPiece(name: string, group: string, bytes: Uint8Array, seed?: number, writtenKey?: EstimatedKey): MusicPiece {
  const midi = readMidi(bytes);
  const pitchedTracks = midi.tracks.filter((track) => track.instrument !== 'drums' && track.notes.some((note) => !note.isDrums));
  return {
    name,
    group,
    seed,
    beats: midi.beats,
    melody: midi.tracks.filter((track) => track.instrument === 'melody').flatMap((track) => track.notes),
    parts: pitchedTracks.map((track) => track.notes.filter((note) => !note.isDrums)),
    duration: midi.duration,
    tempo: tempoSteadiness(midi),
    character: pieceCharacter(midi),
    writtenKey,
  };
}

/** Whether the notes' last sounding chord is the key's tonic triad (root, third, fifth, nothing else) with the tonic lowest. */
export function endsOnTonicTriad(notes: readonly MidiNote[], key: EstimatedKey): boolean {
  const last = lastSoundingChord(notes);
  if (last.length === 0) return false;
  const degrees = new Set(last.map((note) => (note.midi - key.tonicPitchClass + 12) % 12));
  const triad = [0, key.mode === 'major' ? 4 : 3, 7];
  return Math.min(...last.map((note) => note.midi)) % 12 === key.tonicPitchClass && degrees.size === triad.length && triad.every((degree) => degrees.has(degree));
}

/** The POP909 folder holding 001 … 909, given it or its parent. */
export function pop909Songs(folder: string): string {
  const inner = path.join(folder, 'POP909');
  const songs = existsSync(inner) ? inner : folder;
  if (!existsSync(path.join(songs, '001'))) throw usageError(`'${folder}' is not the POP909 data set: no folder 001 in it (nor in POP909/ under it).`);
  return songs;
}

/** The held-out songs (pop909Split 'test'), in number order. */
export async function pop909TestIds(folder: string): Promise<string[]> {
  const names = await readdir(pop909Songs(folder));
  return names.filter((name) => /^\d{3}$/.test(name) && pop909Split(name) === 'test').sort();
}

/** One POP909 song: MELODY is the melody; MELODY, BRIDGE and PIANO are the parts; beats from beat_midi.txt. */
export async function pop909Piece(folder: string, id: string): Promise<MusicPiece> {
  const songFolder = path.join(pop909Songs(folder), id);
  const midi = readMidi(await readFile(path.join(songFolder, `${id}.mid`)));
  const beats = (await readFile(path.join(songFolder, 'beat_midi.txt'), 'utf8'))
    .split('\n')
    .map((line) => Number.parseFloat(line.trim().split(/\s+/)[0] ?? ''))
    .filter((time) => Number.isFinite(time));
  return {
    name: `POP909 ${id}`,
    group: 'pop909',
    beats,
    melody: midi.tracks.filter((track) => track.name.toUpperCase() === 'MELODY').flatMap((track) => track.notes),
    parts: midi.tracks.map((track) => track.notes.filter((note) => !note.isDrums)),
    duration: midi.duration,
  };
}

// ---- measuring corpora ----------------------------------------------------------------------------

export function emptySamples(): FeatureSamples {
  return Object.fromEntries(FEATURE_NAMES.map((name) => [name, []])) as unknown as FeatureSamples;
}

function addWindows(samples: FeatureSamples, windows: readonly WindowFeatures[]): void {
  for (const window of windows) for (const name of FEATURE_NAMES) samples[name].push(window[name]);
}

export function corpusFigures(label: string, pieces: readonly MusicPiece[]): CorpusFigures {
  const windows = { melody: emptySamples(), all: emptySamples() };
  const figures: PieceFigures[] = [];
  let clashes = 0;
  let minutes = 0;
  for (const piece of pieces) {
    const pieceClashes = findClashes(piece.parts).length;
    const pieceMinutes = piece.duration / 60;
    const pitched = piece.parts.flat();
    const measured = pieceWindows({ beats: piece.beats, melody: piece.melody, pitched });
    const estimatedKey = estimateKey(pitched);
    addWindows(windows.melody, measured.melody);
    addWindows(windows.all, measured.all);
    clashes += pieceClashes;
    minutes += pieceMinutes;
    figures.push({
      name: piece.name,
      group: piece.group,
      seed: piece.seed,
      minutes: pieceMinutes,
      clashesPerMinute: pieceMinutes > 0 ? pieceClashes / pieceMinutes : 0,
      windows: { melody: measured.melody.length, all: measured.all.length },
      key: piece.character?.key ? keyLabel(piece.character.key) : undefined,
      tempoBpm: piece.character?.tempoBpm,
      tempo: piece.tempo,
      tonicEnd: piece.writtenKey ? endsOnTonicTriad(pitched, piece.writtenKey) : undefined,
      tonicEndEstimated: estimatedKey ? endsOnTonic(pitched, estimatedKey) : false,
    });
  }
  const written = figures.filter((piece) => piece.tonicEnd !== undefined);
  const tempos = pieces.flatMap((piece) => (piece.tempo ? [piece.tempo] : []));
  return {
    label,
    pieces: figures,
    windows,
    clashesPerMinute: minutes > 0 ? clashes / minutes : 0,
    clashesPerMinuteMedian: median(figures.map((piece) => piece.clashesPerMinute)),
    minutes,
    tempo: tempos.length === 0 ? null : combinedSteadiness(tempos),
    diversity: styleDiversity(pieces),
    tonicEnd: {
      written: written.length === 0 ? null : written.filter((piece) => piece.tonicEnd).length / written.length,
      estimated: figures.length === 0 ? 0 : figures.filter((piece) => piece.tonicEndEstimated).length / figures.length,
    },
  };
}

function combinedSteadiness(tempos: readonly TempoSteadiness[]): TempoSteadiness {
  return {
    tempos: Math.max(...tempos.map((t) => t.tempos)),
    largestStepPercent: Math.max(...tempos.map((t) => t.largestStepPercent)),
    tempoChangesPerMinute: Math.max(...tempos.map((t) => t.tempoChangesPerMinute)),
    shortestSectionBeats: Math.min(...tempos.map((t) => t.shortestSectionBeats)),
  };
}

/** Per style, the diversity of the pieces of the lowest seed (one piece per clip). */
function styleDiversity(pieces: readonly MusicPiece[]): StyleDiversity[] {
  const withCharacter = pieces.filter((piece) => piece.character);
  if (withCharacter.length === 0) return [];
  const seed = Math.min(...withCharacter.map((piece) => piece.seed ?? 1));
  const styles = [...new Set(withCharacter.map((piece) => piece.group))];
  return styles.map((style) => ({
    style,
    ...diversity(withCharacter.filter((piece) => piece.group === style && (piece.seed ?? 1) === seed).map((piece) => piece.character!)),
  }));
}

export function overlaps(a: Record<WindowSet, FeatureSamples>, b: Record<WindowSet, FeatureSamples>): Overlaps {
  const result = {} as Overlaps;
  for (const set of WINDOW_SETS) {
    const perFeature = Object.fromEntries(FEATURE_NAMES.map((name) => [name, overlappedArea(a[set][name], b[set][name])])) as Record<FeatureName, number>;
    const finite = FEATURE_NAMES.map((name) => perFeature[name]).filter((value) => Number.isFinite(value));
    result[set] = { ...perFeature, mean: finite.length === 0 ? NaN : finite.reduce((sum, v) => sum + v, 0) / finite.length };
  }
  return result;
}

/** The held-out POP909 songs, measured; and the two halves (alternate songs) for the ceiling. */
export async function pop909Reference(folder: string, onProgress?: (message: string) => void): Promise<{ reference: CorpusFigures; ceiling: Overlaps }> {
  const ids = await pop909TestIds(folder);
  if (ids.length < 2) throw badInput(`'${folder}' holds fewer than two held-out POP909 songs.`);
  onProgress?.(`POP909: reading ${ids.length} held-out songs`);
  const pieces = await Promise.all(ids.map((id) => pop909Piece(folder, id)));
  const halves = [0, 1].map((parity) => corpusFigures(`POP909 half ${parity + 1}`, pieces.filter((_, i) => i % 2 === parity)));
  return { reference: corpusFigures(`POP909 held-out (${ids.length} songs)`, pieces), ceiling: overlaps(halves[0]!.windows, halves[1]!.windows) };
}

export function compareWithReference(reference: CorpusFigures, ceiling: Overlaps, systems: readonly CorpusFigures[]): MusicEvaluation {
  return { reference, ceiling, systems: systems.map((figures) => ({ figures, overlap: overlaps(figures.windows, reference.windows) })) };
}
