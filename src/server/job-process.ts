// One server job in a forked job-worker process, for a queue worker (`v2m worker`, or the server's
// own worker with --queue): what it reports and how it ended, and a way to stop it. The SQLite
// runner forks the same job-worker itself (runner.ts), with its bookkeeping in the store.

import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerMessage, WorkerRequest } from './job-worker.js';
import type { JobSummary } from './store.js';

export type JobOutcome = { ok: true; summary: JobSummary } | { ok: false; code: string; message: string };

export interface JobProcess {
  outcome: Promise<JobOutcome>;
  /** Stops the process (SIGKILL); its outcome then says it was killed. */
  kill(): void;
}

/** The worker next to this file: .js when built, .ts under tsx (whose loader the child inherits). */
function workerPath(): string {
  const built = fileURLToPath(new URL('./job-worker.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./job-worker.ts', import.meta.url));
}

export function forkJobWorker(request: WorkerRequest, onProgress: (stage: string, fraction: number) => void): JobProcess {
  // Its own process group: a Ctrl-C meant for the worker lets the running job finish (the worker waits for it).
  const child = fork(workerPath(), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const outcome = new Promise<JobOutcome>((resolve) => {
    let answer: JobOutcome | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.stage, message.fraction);
      else if (message.type === 'done') answer = { ok: true, summary: message.summary };
      else answer = { ok: false, code: message.code, message: message.message };
    });
    child.on('exit', (code, signal) => {
      if (answer) return resolve(answer);
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const last = stderr.trim().split('\n').at(-1) ?? '';
      resolve({ ok: false, code: 'INTERNAL', message: `The scoring process ${how} before it finished. ${last.replaceAll(request.folder, '(job)')}`.trim() });
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
