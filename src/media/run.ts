// Runs ffmpeg/ffprobe with an argument array (never a shell string) and turns a failure into a
// V2mError that carries ffmpeg's own last lines of stderr, so the user sees what ffmpeg said.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { diskFull, internalError, usageError, V2mError } from '../errors.js';
import { toolPath, type MediaTool } from './tools.js';

/**
 * A file path as ffmpeg/ffprobe must receive it: with the `file:` protocol and absolute, so that a
 * name such as `-report` is never read as an option and one such as `concat:a|b` or `http:x` never
 * as another protocol. ffmpeg still picks formats by the extension after the prefix.
 */
export function mediaPath(file: string): string {
  return `file:${path.resolve(file)}`;
}

/** Every tool process still running, so an interrupted run can end them (by their own pids). */
const liveChildren = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => liveChildren.delete(child));
  return child;
}

/** Kills every running tool process and resolves once each has exited (or after `deadlineMs`). */
export async function stopAllTools(deadlineMs = 2000): Promise<void> {
  const children = [...liveChildren];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
          const timer = setTimeout(resolve, deadlineMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            clearTimeout(timer);
            resolve(); // already gone
          }
        }),
    ),
  );
}

/** The pids of the tool processes still running (tests and diagnostics). */
export function runningToolPids(): number[] {
  return [...liveChildren].map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
}

/**
 * What the machine, not the input, got wrong while a tool wrote a file: a full disk or a folder it
 * may not write to. Such failures are the environment's, whatever step hit them.
 */
export function environmentFailure(tool: MediaTool, stderr: string): V2mError | undefined {
  // ffmpeg says so where the write fails, often lines before its last ones: look at all it said.
  const said = (pattern: RegExp) => stderr.split(/\r?\n/).find((line) => pattern.test(line))?.trim();
  const noSpace = said(/No space left on device|Disk quota exceeded/i);
  if (noSpace) return diskFull(`The disk is full: ${tool} could not finish writing (${noSpace}). Free some space, or write the outputs elsewhere with -o.`);
  const refused = said(/Read-only file system|Permission denied/i);
  if (refused) return usageError(`${tool} was refused access to a file (${refused}). Check the permissions of the video and the output folder, or choose another output with -o.`);
  return undefined;
}

/** How much of ffmpeg's stderr we keep for error messages: enough for the last few lines. */
const STDERR_TAIL_CHARS = 4000;

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** Runs `tool args…` to completion; rejects with `onFailure(stderrTail)` if it exits non-zero. */
export function runTool(
  tool: MediaTool,
  args: readonly string[],
  onFailure: (stderrTail: string) => V2mError = (tail) => internalError(`${tool} failed: ${tail}`),
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTool(tool, args, ['ignore', 'pipe', 'pipe']);
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = keepTail(stderr + chunk.toString('utf8'));
    });
    child.on('error', (error) => reject(internalError(`could not start ${tool}: ${error.message}`, error)));
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr });
      else reject(environmentFailure(tool, stderr) ?? onFailure(lastLines(stderr)));
    });
  });
}

let refusing = false;
let started = 0;

/** How many ffmpeg/ffprobe processes this process has started so far (each start costs 2–90 ms; see README). */
export function toolStarts(): number {
  return started;
}

/** After this, no tool is started any more (the run is being stopped). */
export function refuseNewTools(): void {
  refusing = true;
}

function startTool(tool: MediaTool, args: readonly string[], stdio: Array<'ignore' | 'pipe'>): ChildProcess {
  if (refusing) throw internalError(`not starting ${tool}: v2m is stopping.`);
  started += 1;
  return track(spawn(toolPath(tool), args, { stdio, windowsHide: true }));
}

export function spawnTool(
  tool: MediaTool,
  args: readonly string[],
  stdio: ['ignore' | 'pipe', 'ignore' | 'pipe', 'ignore' | 'pipe'],
): ChildProcess {
  return startTool(tool, args, stdio);
}

/** A tool whose stdout is read as a stream (frames, samples), with its stderr kept for messages. */
export interface StreamingTool {
  stdout: AsyncIterable<Buffer>;
  /** Further output pipes, file descriptors 3, 4…, when asked for (ffmpeg writes them as pipe:3…). */
  extraOutputs: Array<AsyncIterable<Buffer>>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stderrTail: () => string;
  /** Stops the tool early (the reader broke out of its loop). */
  stop: () => void;
}

export function streamTool(tool: MediaTool, args: readonly string[], extraOutputs = 0): StreamingTool {
  const child = startTool(tool, args, ['ignore', 'pipe', 'pipe', ...new Array<'pipe'>(extraOutputs).fill('pipe')]);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = keepTail(stderr + chunk.toString('utf8'));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.on('error', () => undefined); // reported through `exited` and the empty stream
  const extra = child.stdio.slice(3, 3 + extraOutputs) as unknown as Array<AsyncIterable<Buffer>>;
  return { stdout: child.stdout! as AsyncIterable<Buffer>, extraOutputs: extra, exited, stderrTail: () => stderr, stop: () => child.kill('SIGKILL') };
}

export function keepTail(text: string): string {
  return text.length > STDERR_TAIL_CHARS ? text.slice(-STDERR_TAIL_CHARS) : text;
}

/** The last meaningful lines of ffmpeg's stderr, on one line, for an error message. */
export function lastLines(stderr: string, count = 3): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.slice(-count).join(' | ') || '(no message)';
}
