// The one interface between the job service and where its jobs live and run. Two backends:
//   - SQLite (default, nothing to install): a table in the data folder is the queue, and this server
//     scores its jobs in forked processes (store.ts + runner.ts).
//   - Redis (`v2m serve --queue redis://…`): each job is a BullMQ job — its record is the job's data,
//     its progress the job's progress, its summary the job's return value — scored by `v2m worker`
//     processes on any machine that mounts the data folder (redis-backend.ts).
// The HTTP API sees the same records, states, progress and results from both.

import { EventEmitter } from 'node:events';
import { JobRunner } from './runner.js';
import { JobStore, type JobRecord, type NewJob } from './store.js';

export interface BackendEvents {
  /** The job changed (state, progress, deleted): open progress streams read it again. */
  change: [id: string];
}

export interface BackendHealth {
  backend: 'sqlite' | 'redis';
  /** Jobs this server process scores at the same time (0: only workers elsewhere do). */
  concurrency: number;
  queued: number;
  running: number;
  /** Redis: the workers connected to the queue (this server's own included). */
  workers?: number;
}

export interface JobBackend {
  readonly events: EventEmitter<BackendEvents>;
  /** Takes back what a previous run left (SQLite: jobs left running) and starts scoring. */
  start(): Promise<void>;
  add(job: NewJob): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  /** One owner's jobs, newest first. */
  list(owner: string, limit?: number): Promise<JobRecord[]>;
  /** A failed job back in the queue from the start, as if new. False unless it had failed. */
  retry(id: string): Promise<boolean>;
  /** Stops the job wherever it runs and forgets it (its files are the service's business). */
  remove(id: string): Promise<void>;
  /** Finished jobs last changed before `cutoff` (ms since the epoch). */
  finishedBefore(cutoff: number): Promise<string[]>;
  health(): Promise<BackendHealth>;
  /** Stops scoring here; jobs running here go back to the queue. */
  close(): Promise<void>;
}

/** The embedded backend: the SQLite store is the queue, the runner scores jobs in forked processes. */
export class SqliteBackend implements JobBackend {
  readonly store: JobStore;
  readonly runner: JobRunner;

  constructor(databaseFile: string, dataFolder: string, concurrency: number) {
    this.store = new JobStore(databaseFile);
    this.runner = new JobRunner(this.store, dataFolder, concurrency);
  }

  get events(): EventEmitter<BackendEvents> {
    return this.runner;
  }

  async start(): Promise<void> {
    this.store.recoverInterrupted();
    this.runner.poke();
  }

  async add(job: NewJob): Promise<JobRecord> {
    const record = this.store.add(job);
    this.runner.poke();
    return record;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.store.get(id);
  }

  async list(owner: string, limit?: number): Promise<JobRecord[]> {
    return this.store.list(owner, limit);
  }

  async retry(id: string): Promise<boolean> {
    if (!this.store.retry(id)) return false;
    this.runner.emit('change', id);
    this.runner.poke();
    return true;
  }

  async remove(id: string): Promise<void> {
    await this.runner.cancel(id);
    this.store.remove(id);
  }

  async finishedBefore(cutoff: number): Promise<string[]> {
    return this.store.finishedBefore(cutoff);
  }

  async health(): Promise<BackendHealth> {
    return { backend: 'sqlite', concurrency: this.runner.concurrency, queued: this.store.count('queued'), running: this.store.count('running') };
  }

  async close(): Promise<void> {
    await this.runner.stop();
    this.store.close();
  }
}
