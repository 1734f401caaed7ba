// What a batch scores and where each result goes: the videos of a folder (not its subfolders) or the
// lines of a list file, each given an output name of its own in the output folder. Output names are
// made from the input's file name alone, cleaned to letters, digits and `._-` — whatever a list file
// says (`../../etc/x`, an absolute path), no output ever lands outside the output folder.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';

/** File name endings taken as videos when a folder is given (a list file may name anything). */
export const BATCH_VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.mts', '.m2ts', '.wmv', '.flv', '.3gp', '.ogv'] as const;

/** A scored video v2m wrote (`<name>.v2m.mp4` or `.mkv`). */
const SCORED_VIDEO_NAME = /\.v2m\.(mp4|mkv)$/i;

export interface BatchInput {
  /** The video as given, resolved to an absolute path. */
  input: string;
  /** Its outputs' name in the output folder, without extension: unique within the batch (case-insensitively). */
  stem: string;
}

/** The videos a folder (but v2m's own outputs) or a list file (one path a line, `#` comments, relative to the list's folder) names, in a stable order. */
export async function batchInputs(source: string): Promise<BatchInput[]> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw usageError(`'${source}' does not exist. Give a folder of videos or a text file listing one video a line.`);
  const files = info.isDirectory() ? await videosIn(source) : await listed(source);
  if (files.length === 0) throw usageError(`'${source}' names no video (a folder's videos end in ${BATCH_VIDEO_EXTENSIONS.join(', ')}).`);
  return withStems(files);
}

async function videosIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && (BATCH_VIDEO_EXTENSIONS as readonly string[]).includes(path.extname(entry.name).toLowerCase()))
    // v2m's own scored videos are not inputs: `--out` may be the folder of videos itself.
    .filter((entry) => !SCORED_VIDEO_NAME.test(entry.name))
    .map((entry) => path.resolve(folder, entry.name))
    .sort();
}

async function listed(listFile: string): Promise<string[]> {
  const text = await readFile(listFile, 'utf8');
  const base = path.dirname(path.resolve(listFile));
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  // The same video listed twice is scored once.
  return [...new Set(lines.map((line) => path.resolve(base, line)))];
}

/** Unique output stems, in the order given, so that a rerun over the same list maps every video to the same names. */
function withStems(files: readonly string[]): BatchInput[] {
  const taken = new Set<string>();
  return files.map((input) => {
    const base = safeStem(input);
    let stem = base;
    for (let n = 2; taken.has(stem.toLowerCase()); n++) stem = `${base}-${n}`;
    taken.add(stem.toLowerCase());
    return { input, stem };
  });
}

/** The file name without its extension, with anything but letters, digits, `.`, `_` and `-` made `_`, no leading dot, at most 100 characters. */
export function safeStem(file: string): string {
  const name = path.basename(file, path.extname(file));
  const cleaned = name.normalize('NFC').replace(/[^\p{L}\p{N}._-]/gu, '_').replace(/^[.]+/, '').slice(0, 100);
  return cleaned === '' ? 'video' : cleaned;
}
