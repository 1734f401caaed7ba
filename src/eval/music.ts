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
import { badInput, usageError } from '../errors.js';
import { probe } from '../media/probe.js';
import { rootPitchClass } from '../music/theory.js';
import { learnedModels } from '../options.js';
import { scoreToMidi } from '../render/midi.js';
import { compareWithReference, corpusFigures, pop909Reference, v2mPiece, type MusicEvaluation, type MusicPiece } from './music-corpus.js';
import { readBaselineFile } from './music-report.js';

export * from './music-corpus.js';
export * from './music-report.js';

/** The previous composer's figures, shipped with v2m. */
export const SHIPPED_MUSIC_BASELINE = fileURLToPath(new URL('../../docs/eval-music-baseline.json', import.meta.url));
const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi'];

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
        const key = { tonicPitchClass: rootPitchClass(composition.plan.key.tonic), mode: composition.plan.key.mode };
        pieces.push(v2mPiece(`${path.basename(clip)} ${style} seed ${seed}`, style, bytes, seed, key));
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
