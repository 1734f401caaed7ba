// The runner: starts queued jobs, at most `concurrency` at a time, each in its own forked process
// (job-worker), and writes what they report into the store. It keeps no queue of its own — the
// store is the queue — so whatever it was doing when the process died is found again on start.

import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobFolder } from './job-files.js';
import { scoreOptionsFor } from './job-options.js';
import type { WorkerMessage, WorkerRequest } from './job-worker.js';
import type { JobRecord, JobStore } from './store.js';

/** The worker next to this file: .js when built, .ts under tsx (whose loader the child inherits). */
function workerPath(): string {
  const built = fileURLToPath(new URL('./job-worker.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./job-worker.ts', import.meta.url));
}

export interface RunnerEvents {
  change: [id: string];
}

export class JobRunner extends EventEmitter<RunnerEvents> {
  private readonly running = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly store: JobStore,
    private readonly dataFolder: string,
    readonly concurrency: number,
  ) {
    super();
    this.setMaxListeners(0); // one listener per open progress stream
  }

  /** Starts as many queued jobs as there are free slots. */
  poke(): void {
    while (!this.stopping && this.running.size < this.concurrency) {
      const job = this.store.claimNext();
      if (!job) return;
      this.start(job);
    }
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Stops a running job's process (DELETE of a running job). */
  async cancel(id: string): Promise<void> {
    const child = this.running.get(id);
    if (!child) return;
    this.running.delete(id);
    await stopChild(child);
    this.poke();
  }

  /**
   * Removes what a job process left in the scratch folder: its work folders are named after its pid
   * (`v2m-<pid>-…`, see files.ts), so they go when it ends, however it ended.
   */
  private async removeScratch(pid: number | undefined): Promise<void> {
    if (pid === undefined) return;
    const scratch = path.join(this.dataFolder, 'tmp');
    const names = await readdir(scratch).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.startsWith(`v2m-${pid}-`)).map((name) => rm(path.join(scratch, name), { recursive: true, force: true })));
  }

  /** Stops every job process and puts their jobs back in the queue for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    const children = [...this.running.entries()];
    this.running.clear();
    for (const [id] of children) this.store.requeue(id);
    await Promise.all(children.map(([, child]) => stopChild(child)));
  }

  private start(job: JobRecord): void {
    const folder = jobFolder(this.dataFolder, job.id);
    // Scratch files (the renderer's work folder) go under the data folder too, removed when the process ends.
    const env = { ...process.env, TMPDIR: path.join(this.dataFolder, 'tmp') };
    const child = fork(workerPath(), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
    this.running.set(job.id, child);
    this.emit('change', job.id);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let answered = false;
    child.on('message', (message: WorkerMessage) => {
      if (this.running.get(job.id) !== child) return;
      if (message.type === 'progress') {
        if (this.store.progress(job.id, message.stage, message.fraction)) this.emit('change', job.id);
        return;
      }
      answered = true;
      if (message.type === 'done') this.store.finish(job.id, message.summary);
      else this.store.fail(job.id, message.message);
      this.emit('change', job.id);
    });
    child.on('exit', (code, signal) => {
      // Whatever ended the process (done, failed, crashed, killed, deleted), its scratch space goes with it.
      void this.removeScratch(child.pid);
      if (this.running.get(job.id) !== child) return; // cancelled or stopping: already handled
      this.running.delete(job.id);
      if (!answered) {
        // A process that died mid-run may leave half-written outputs (.v2m-tmp-…): none of them is a result.
        rmSync(path.join(folder, 'out'), { recursive: true, force: true });
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        this.store.fail(job.id, `The scoring process ${how} before it finished. ${lastLine(stderr)}`.trim());
        this.emit('change', job.id);
      }
      this.poke();
    });
    const request: WorkerRequest = { folder, displayName: job.name, videoExtension: job.videoExtension, options: scoreOptionsFor(job.options) };
    child.send(request);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
