// Scores one video in a forked score-child process and says how it went; never throws for the
// video's own failure (a bad file, a crash of the process): that is an outcome, not an error.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScoreMessage, ScoreRequest } from './score-child.js';
import type { VideoSummary } from './results.js';

export type ScoreOutcome = { ok: true; summary: VideoSummary } | { ok: false; code: string; message: string };

/** The child next to this file: .js when built, .ts under tsx (whose loader the child inherits). */
function childPath(): string {
  const built = fileURLToPath(new URL('./score-child.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./score-child.ts', import.meta.url));
}

export interface ScoringProcess {
  outcome: Promise<ScoreOutcome>;
  /** Stops the process (SIGKILL); its outcome then says it was killed. */
  kill(): void;
}

export function forkScore(request: ScoreRequest, onProgress: (fraction: number, stage: string) => void): ScoringProcess {
  // A process group of its own: a Ctrl-C meant for the parent does not kill the video half-way (a
  // worker lets its running jobs finish); if the parent dies, the child leaves on its own (see score-child).
  const child: ChildProcess = fork(childPath(), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const outcome = new Promise<ScoreOutcome>((resolve) => {
    let answer: ScoreOutcome | undefined;
    child.on('message', (message: ScoreMessage) => {
      if (message.type === 'progress') onProgress(message.fraction, message.stage);
      else if (message.type === 'done') answer = { ok: true, summary: message.summary };
      else answer = { ok: false, code: message.code, message: message.message };
    });
    child.on('exit', (code, signal) => {
      if (answer) return resolve(answer);
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      resolve({ ok: false, code: 'INTERNAL', message: `The scoring process ${how} before it finished. ${lastLine(stderr)}`.trim() });
    });
  });
  child.send(request);
  return {
    outcome,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
