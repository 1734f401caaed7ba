// Runs ffmpeg/ffprobe with an argument array (never a shell string) and turns a failure into a
// V2mError that carries ffmpeg's own last lines of stderr, so the user sees what ffmpeg said.

import { spawn, type ChildProcess } from 'node:child_process';
import { internalError, V2mError } from '../errors.js';
import { toolPath, type MediaTool } from './tools.js';

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
      else reject(onFailure(lastLines(stderr)));
    });
  });
}

export function spawnTool(
  tool: MediaTool,
  args: readonly string[],
  stdio: ['ignore' | 'pipe', 'ignore' | 'pipe', 'ignore' | 'pipe'],
): ChildProcess {
  return spawn(toolPath(tool), args, { stdio, windowsHide: true });
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
  const child = spawn(toolPath(tool), args, { stdio: ['ignore', 'pipe', 'pipe', ...new Array<'pipe'>(extraOutputs).fill('pipe')], windowsHide: true });
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
