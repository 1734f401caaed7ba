// eval/music: `v2m eval music` — EVALUATION.md §6 and §7. v2m's MIDI for a folder of clips (every
// style, seeds 1…n) against the POP909 songs held out of all training (Wang et al. 2020, MIT):
// per-window corpus statistics compared as overlapped areas, POP909 against itself as the ceiling,
// clashes per minute, tempo steadiness and diversity across clips — beside the previous composer's
// figures, stored once in docs/eval-music-baseline.json.

import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeVideo, DEFAULT_ANALYSIS } from '../analysis/index.js';
import { compose } from '../compose/index.js';
import { DEFAULT_OPTIONS, type StyleChoice } from '../config.js';
import { pop909Split } from '../data/pop909-split.js';
import { badInput, usageError } from '../errors.js';
import { probe } from '../media/probe.js';
import { findClashes } from '../measure/clashes.js';
import { FEATURE_LABELS, FEATURE_NAMES, median, pieceWindows, type FeatureName, type WindowFeatures } from '../measure/corpus-stats.js';
import { diversity, pieceCharacter, type Diversity, type PieceCharacter } from '../measure/diversity.js';
import { keyLabel } from '../measure/key.js';
import { readMidi, type MidiNote } from '../measure/midi.js';
import { overlappedArea, spread } from '../measure/overlap.js';
import { tempoSteadiness, type TempoSteadiness } from '../measure/tempo-steadiness.js';
import { learnedModels } from '../options.js';
import { scoreToMidi } from '../render/midi.js';

/** The previous composer's figures, shipped with v2m. */
export const SHIPPED_MUSIC_BASELINE = fileURLToPath(new URL('../../docs/eval-music-baseline.json', import.meta.url));
const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi'];

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
export function v2mPiece(name: string, group: string, bytes: Uint8Array, seed?: number): MusicPiece {
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
  };
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
    const measured = pieceWindows({ beats: piece.beats, melody: piece.melody, pitched: piece.parts.flat() });
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
    });
  }
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

// ---- v2m's side -----------------------------------------------------------------------------------

export interface V2mMusicOptions {
  styles: StyleChoice[];
  seeds: number;
  onProgress?: (message: string) => void;
}

/**
 * v2m's pieces for every clip of a folder: each clip analysed once, then composed for every style
 * and seed; the MIDI file is written in memory exactly as `v2m score` writes it, and read back.
 */
export async function v2mPieces(folder: string, options: V2mMusicOptions): Promise<MusicPiece[]> {
  const clips = await filesIn(folder, VIDEO_EXTENSIONS, 'video');
  const learned = await learnedModels(DEFAULT_OPTIONS);
  const pieces: MusicPiece[] = [];
  for (const clip of clips) {
    options.onProgress?.(`${path.basename(clip)}: analysing`);
    const timeline = await analyzeVideo(await probe(clip), DEFAULT_ANALYSIS);
    for (const style of options.styles) {
      for (let seed = 1; seed <= options.seeds; seed++) {
        const composition = compose(timeline, { style, seed, learned });
        const bytes = scoreToMidi(composition.score, path.basename(clip));
        pieces.push(v2mPiece(`${path.basename(clip)} ${style} seed ${seed}`, style, bytes, seed));
      }
    }
  }
  return pieces;
}

/**
 * Pieces from MIDI files v2m wrote (any version that writes the role of each track), named
 * `<clip>.<style>.mid` or `<clip>.<style>.seed<n>.mid`; other names count as style 'all', seed 1.
 */
export async function midiFolderPieces(folder: string): Promise<MusicPiece[]> {
  const files = await filesIn(folder, ['.mid', '.midi'], 'MIDI file');
  return Promise.all(
    files.map(async (file) => {
      const parts = path.basename(file, path.extname(file)).split('.');
      const seedPart = /^seed(\d+)$/.exec(parts[parts.length - 1] ?? '');
      if (seedPart) parts.pop();
      const style = parts.length > 1 ? parts.pop()! : 'all';
      return v2mPiece(path.basename(file), style, await readFile(file), seedPart ? Number(seedPart[1]) : 1);
    }),
  );
}

async function filesIn(folder: string, extensions: readonly string[], what: string): Promise<string[]> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw usageError(`'${folder}' is not a folder.`);
  const names = (await readdir(folder)).filter((name) => extensions.includes(path.extname(name).toLowerCase())).sort();
  if (names.length === 0) throw badInput(`The folder '${folder}' holds no ${what} (${extensions.join(', ')}).`);
  return names.map((name) => path.join(folder, name));
}

// ---- the baseline file ----------------------------------------------------------------------------

export interface MusicBaselineFile {
  description: string;
  /** How the MIDI files were made. */
  source: string;
  figures: CorpusFigures;
}

export function baselineFile(figures: CorpusFigures, source: string): MusicBaselineFile {
  return {
    description: "v2m eval music: a composer's figures on the shared clips (statistics of its own MIDI output only; no data set content)",
    source,
    figures: rounded(figures),
  };
}

/** The baseline file's text: indented, but each list of numbers on one line. */
export function baselineFileText(figures: CorpusFigures, source: string): string {
  const text = JSON.stringify(baselineFile(figures, source), null, 2);
  return `${text.replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, numbers: string) => `[${numbers.split(/,\s*/).join(', ')}]`)}\n`;
}

export async function readBaselineFile(file: string): Promise<CorpusFigures> {
  let parsed: MusicBaselineFile;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as MusicBaselineFile;
  } catch (error) {
    throw usageError(`Could not read the baseline '${file}' (${(error as Error).message}).`);
  }
  const windows = parsed?.figures?.windows;
  if (!windows || !WINDOW_SETS.every((set) => FEATURE_NAMES.every((name) => Array.isArray(windows[set]?.[name])))) {
    throw usageError(`'${file}' is not a baseline written by 'v2m eval music --save-baseline'.`);
  }
  return parsed.figures;
}

/** Four decimals are plenty for figures read by eye and by KDE, and keep the file small. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v))) as T;
}

// ---- printing -------------------------------------------------------------------------------------

const SET_TITLES: Record<WindowSet, string> = { melody: 'Melody (the melody part; POP909: MELODY)', all: 'All pitched parts (POP909: MELODY + BRIDGE + PIANO)' };

export function musicText(evaluation: MusicEvaluation): string {
  const { reference, ceiling, systems } = evaluation;
  const lines: string[] = [];
  for (const set of WINDOW_SETS) {
    const header = [
      SET_TITLES[set],
      'POP909',
      ...systems.flatMap(({ figures }) => [figures.label, 'overlap']),
      'ceiling',
    ];
    const rows = FEATURE_NAMES.map((name) => [
      FEATURE_LABELS[name],
      meanSd(reference.windows[set][name]),
      ...systems.flatMap(({ figures, overlap }) => [meanSd(figures.windows[set][name]), fixed(overlap[set][name], 2)]),
      fixed(ceiling[set][name], 2),
    ]);
    const windowsRow = ['windows', String(reference.windows[set].pitchRange.length), ...systems.flatMap(({ figures }) => [String(figures.windows[set].pitchRange.length), '']), ''];
    const meanRow = ['mean overlap', '', ...systems.flatMap(({ overlap }) => ['', fixed(overlap[set].mean, 2)]), fixed(ceiling[set].mean, 2)];
    lines.push(table([header, ...rows, windowsRow, meanRow]), '');
  }
  lines.push(
    table([
      ['', reference.label, ...systems.map(({ figures }) => figures.label)],
      ['clashes per minute (all minutes)', fixed(reference.clashesPerMinute, 2), ...systems.map(({ figures }) => fixed(figures.clashesPerMinute, 2))],
      ['clashes per minute (median piece)', fixed(reference.clashesPerMinuteMedian, 2), ...systems.map(({ figures }) => fixed(figures.clashesPerMinuteMedian, 2))],
      ['minutes of music', fixed(reference.minutes, 1), ...systems.map(({ figures }) => fixed(figures.minutes, 1))],
      ['largest tempo step %', '–', ...systems.map(({ figures }) => fixed(figures.tempo?.largestStepPercent, 1))],
      ['tempo changes in the busiest minute', '–', ...systems.map(({ figures }) => fixed(figures.tempo?.tempoChangesPerMinute, 2))],
      ['shortest section (beats)', '–', ...systems.map(({ figures }) => fixed(figures.tempo?.shortestSectionBeats, 1))],
    ]),
  );
  for (const { figures } of systems) {
    if (figures.diversity.length === 0) continue;
    lines.push(
      '',
      `Diversity across clips, ${figures.label} (one seed):`,
      table([
        ['style', 'clips', 'tonics', 'modes', 'tempo sd', 'density sd', 'register sd', 'keys'],
        ...figures.diversity.map((d) => [d.style, String(d.pieces), String(d.tonics), String(d.modes), fixed(d.tempoSdBpm, 1), fixed(d.densitySdNotesPerSecond, 2), fixed(d.registerSdSemitones, 1), summarizeKeys(d.keys)]),
      ]),
    );
  }
  return lines.join('\n');
}

/** Keys with their counts, most frequent first: "G major ×4, E minor ×2". */
function summarizeKeys(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => (count > 1 ? `${key} ×${count}` : key))
    .join(', ');
}

function meanSd(values: readonly number[]): string {
  const { mean, sd } = spread(values);
  return values.length === 0 ? '–' : `${mean.toFixed(2)}±${sd.toFixed(2)}`;
}

function fixed(value: number | undefined | null, digits: number): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** What `--json` prints: the figures without the per-window samples. */
export function musicJson(evaluation: MusicEvaluation): unknown {
  const summary = (figures: CorpusFigures) => ({
    ...figures,
    windows: Object.fromEntries(
      WINDOW_SETS.map((set) => [set, Object.fromEntries(FEATURE_NAMES.map((name) => [name, { ...spread(figures.windows[set][name]) }]))]),
    ),
  });
  return {
    reference: summary(evaluation.reference),
    ceiling: evaluation.ceiling,
    systems: evaluation.systems.map(({ figures, overlap }) => ({ figures: summary(figures), overlap })),
  };
}

// ---- the command ----------------------------------------------------------------------------------

/** The repository's sibling `shared/` folder (clips and data sets), where it exists. */
const SHARED_FOLDER = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** Default clips: `../shared/media` beside the repository, when it is there. */
export function defaultClipsFolder(): string | undefined {
  const folder = path.join(SHARED_FOLDER, 'media');
  return existsSync(folder) ? folder : undefined;
}

/** Default POP909: `$V2M_DATA/pop909`, else `../shared/data/pop909`, when it is there. */
export function defaultPop909Folder(): string | undefined {
  const folder = process.env.V2M_DATA ? path.join(path.resolve(process.env.V2M_DATA), 'pop909') : path.join(SHARED_FOLDER, 'data', 'pop909');
  return existsSync(folder) ? folder : undefined;
}

export interface MusicCommandOptions {
  /** Clips to score (ignored with `midiFolder`). */
  clips?: string;
  /** Measure these MIDI files instead of scoring clips. */
  midiFolder?: string;
  pop909: string;
  styles: StyleChoice[];
  seeds: number;
  /** The previous composer's figures; none when undefined. */
  baseline?: string;
  onProgress?: (message: string) => void;
}

/** v2m (or a folder of MIDI files) and the baseline, against held-out POP909. */
export async function evaluateMusic(options: MusicCommandOptions): Promise<MusicEvaluation> {
  const { reference, ceiling } = await pop909Reference(options.pop909, options.onProgress);
  const measured = options.midiFolder
    ? (await midiFolderPieces(options.midiFolder)).filter((piece) => (options.styles as string[]).includes(piece.group) || piece.group === 'all')
    : await v2mPieces(requiredClips(options.clips), options);
  if (measured.length === 0) throw badInput(`No MIDI file in '${options.midiFolder}' is of the styles ${options.styles.join(', ')}.`);
  const systems = [corpusFigures(options.midiFolder ? path.basename(path.resolve(options.midiFolder)) : 'v2m', measured)];
  if (options.baseline) systems.push({ ...(await readBaselineFile(options.baseline)), label: 'previous' });
  return compareWithReference(reference, ceiling, systems);
}

function requiredClips(clips: string | undefined): string {
  if (!clips) throw usageError("Give the folder of clips to score: 'v2m eval music <folder>' (the shared clips are not beside this install).");
  return clips;
}
