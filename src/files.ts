// Writing outputs safely: to a hidden temporary name beside the target, then renamed, so a reader
// never sees half a file and a failure never clobbers an existing one. Every temporary path is
// known to this module while it exists, so an interrupted run can remove them all, and its names
// (`.v2m-tmp-<pid>-…` beside the outputs, `v2m-<pid>-…` in the temp folder) let the next run
// recognise what a run killed without warning (SIGKILL, power loss) left behind.

import { constants, rmSync } from 'node:fs';
import { access, lstat, open, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { diskFull, usageError } from './errors.js';

const TEMPORARY_PREFIX = '.v2m-tmp-';
const WORK_FOLDER_PREFIX = 'v2m-';
/** `.v2m-tmp-<pid>-<tag>-<name>` and `v2m-<pid>-<random>`: the pid of the run that made them. */
const TEMPORARY_NAME = /^\.v2m-tmp-(\d+)-[0-9a-z]+-/;
const WORK_FOLDER_NAME = /^v2m-(\d+)-[A-Za-z0-9]{6}$/;

let sequence = 0;

export function temporaryPathFor(target: string): string {
  // The sequence keeps two temporaries of the same target made in the same millisecond apart.
  const tag = `${Date.now().toString(36)}${(sequence++).toString(36)}`;
  return path.join(path.dirname(target), `${TEMPORARY_PREFIX}${process.pid}-${tag}-${path.basename(target)}`);
}

/** The prefix of this run's work folder in the temp folder (for fs.mkdtemp). */
export function workFolderPrefix(): string {
  return path.join(os.tmpdir(), `${WORK_FOLDER_PREFIX}${process.pid}-`);
}

/** Temporary files and folders that exist now and must go if the run is interrupted. */
const pending = new Set<string>();

export function trackTemporary(...paths: string[]): void {
  for (const file of paths) pending.add(file);
}

export async function removeTemporary(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((file) => rm(file, { recursive: true, force: true })));
  for (const file of paths) pending.delete(file);
}

/** Removes every tracked temporary at once (a signal handler, just before the process exits). */
export function removeAllTemporarySync(): void {
  for (const file of pending) rmSync(file, { recursive: true, force: true });
  pending.clear();
}

export async function writeFileAtomically(target: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(target);
  trackTemporary(temporary);
  try {
    await writeFile(temporary, data);
    await rename(temporary, target);
  } finally {
    await removeTemporary(temporary);
  }
}

export interface Move {
  from: string;
  to: string;
}

/**
 * Renames every `from` to its `to`, all or nothing: files already at the targets are first moved
 * aside, and if any rename fails, the ones done are undone and the old files put back, so the
 * folder holds either the complete new set or exactly what it held before.
 */
export async function renameAllOrNothing(moves: readonly Move[]): Promise<void> {
  const setAside: Move[] = [];
  const placed: string[] = [];
  try {
    for (const move of moves) {
      if (!(await exists(move.to))) continue;
      const aside = temporaryPathFor(move.to);
      await rename(move.to, aside);
      setAside.push({ from: aside, to: move.to });
    }
    for (const move of moves) {
      await rename(move.from, move.to);
      placed.push(move.to);
    }
  } catch (error) {
    await Promise.all(placed.map((file) => rm(file, { force: true })));
    for (const old of setAside) await rename(old.from, old.to).catch(() => undefined);
    throw error;
  }
  await Promise.all(setAside.map((old) => rm(old.from, { force: true })));
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Refuses, before any work, an output set that could not be written: a folder where a file must go,
 * a folder v2m may not write, or too little free space for `bytesNeeded` (beside the outputs) and
 * `scratchBytes` (in the temp folder). Every refusal is a usage error naming the fix.
 */
export async function checkOutputsWritable(targets: readonly string[], bytesNeeded: number, scratchBytes: number): Promise<void> {
  for (const target of targets) {
    const info = await lstat(target).catch(() => undefined);
    if (info?.isDirectory()) throw usageError(`'${target}' is a folder, and v2m would write a file there. Remove or rename it, or choose another output path with -o.`);
    if (info && !info.isFile() && !info.isSymbolicLink()) throw usageError(`'${target}' is not a regular file, and v2m would replace it. Choose another output path with -o.`);
  }
  const folders = [...new Set(targets.map((target) => path.dirname(target)))];
  for (const folder of folders) {
    await checkWritable(folder, 'output folder');
    await checkFreeSpace(folder, bytesNeeded, 'the outputs');
  }
  await checkWritable(os.tmpdir(), 'temp folder');
  await checkFreeSpace(os.tmpdir(), scratchBytes, 'the raw synthesizer output in the temp folder');
}

async function checkWritable(folder: string, what: string): Promise<void> {
  const probe = temporaryPathFor(path.join(folder, 'write-check'));
  try {
    await access(folder, constants.W_OK | constants.X_OK);
    // access() does not see a read-only mount everywhere; creating a file does.
    await (await open(probe, 'wx')).close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOSPC' || code === 'EDQUOT') throw diskFull(`The disk holding the ${what} '${folder}' is full. Free some space, or write elsewhere with -o.`);
    const why = code === 'EROFS' ? 'it is on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'you may not write there' : code;
    const fix = what === 'temp folder' ? 'Set TMPDIR to a folder you can write to.' : 'Choose another output path with -o.';
    throw usageError(`The ${what} '${folder}' cannot be written (${why}). ${fix}`);
  } finally {
    await rm(probe, { force: true });
  }
}

async function checkFreeSpace(folder: string, bytesNeeded: number, what: string): Promise<void> {
  const space = await statfs(folder).catch(() => undefined);
  if (!space) return; // not every file system says; the write itself will tell
  const free = space.bavail * space.bsize;
  if (free < bytesNeeded) {
    throw usageError(
      `Not enough free space for ${what} in '${folder}': about ${megabytes(bytesNeeded)} needed, ${megabytes(free)} free. Free some space, or choose another place${what === 'the outputs' ? ' with -o' : ' (TMPDIR)'}.`,
    );
  }
}

function megabytes(bytes: number): string {
  return `${Math.max(1, Math.ceil(bytes / 1024 ** 2))} MB`;
}

/** When this process started, in ms since the epoch: anything older that a dead run left is garbage. */
const STARTED_AT = Date.now() - process.uptime() * 1000;

/**
 * Removes what earlier runs that were killed left behind: temporaries beside the outputs in
 * `outputFolder` and work folders in the temp folder — only names v2m makes, only of processes
 * that no longer run, and only older than this process. Returns how many were removed.
 */
export async function removeLeftovers(outputFolder: string): Promise<number> {
  const found = [
    ...(await leftoversIn(outputFolder, TEMPORARY_NAME)),
    ...(await leftoversIn(os.tmpdir(), WORK_FOLDER_NAME)),
  ];
  await Promise.all(found.map((file) => rm(file, { recursive: true, force: true }).catch(() => undefined)));
  return found.length;
}

async function leftoversIn(folder: string, pattern: RegExp): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    const file = path.join(folder, name);
    const info = await stat(file).catch(() => undefined);
    if (info && info.mtimeMs < STARTED_AT) found.push(file);
  }
  return found;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
