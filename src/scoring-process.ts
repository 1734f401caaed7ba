// scoring-process: one score run in a forked child process (batch/score-child for `v2m batch` and the
// queue worker, server/job-worker for the server's jobs) — what it reports, how it ended, and a way to
// stop it. Never throws for the video's own failure (a bad file, a crash of the process): that is an
// outcome, not an error.

import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Serializable } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a scoring child sends its parent. */
export type ScoringMessage<Summary> =
  | { type: 'progress'; stage: string; fraction: number }
  | { type: 'done'; summary: Summary }
  | { type: 'failed'; code: string; message: string };

export type ScoringOutcome<Summary> = { ok: true; summary: Summary } | { ok: false; code: string; message: string };

export interface ScoringProcess<Summary> {
  outcome: Promise<ScoringOutcome<Summary>>;
  /** Stops the process (SIGKILL); its outcome then says it was killed. */
  kill(): void;
}

/** The child module at `builtUrl` (its .js): or, under tsx (whose loader the child inherits), its .ts. */
function childPath(builtUrl: URL): string {
  const built = fileURLToPath(builtUrl);
  return existsSync(built) ? built : built.replace(/\.js$/, '.ts');
}

/**
 * Forks the child at `childUrl`, sends it `request` and follows it. `redact` cleans the last line of its
 * standard error (quoted when it dies without saying why) of anything a reader must not see, e.g. paths.
 */
export function forkScoring<Summary>(
  childUrl: URL,
  request: Serializable,
  onProgress: (stage: string, fraction: number) => void,
  redact: (text: string) => string = (text) => text,
): ScoringProcess<Summary> {
  // A process group of its own: a Ctrl-C meant for the parent does not kill the video half-way (a
  // worker lets its running jobs finish); if the parent dies, the child leaves on its own.
  const child = fork(childPath(childUrl), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const outcome = new Promise<ScoringOutcome<Summary>>((resolve) => {
    let answer: ScoringOutcome<Summary> | undefined;
    child.on('message', (message: ScoringMessage<Summary>) => {
      if (message.type === 'progress') onProgress(message.stage, message.fraction);
      else if (message.type === 'done') answer = { ok: true, summary: message.summary };
      else answer = { ok: false, code: message.code, message: message.message };
    });
    child.on('exit', (code, signal) => {
      if (answer) return resolve(answer);
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const last = redact(stderr.trim().split('\n').at(-1) ?? '');
      resolve({ ok: false, code: 'INTERNAL', message: `The scoring process ${how} before it finished. ${last}`.trim() });
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
