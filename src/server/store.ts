// The job store: one SQLite table in the data folder (node-sqlite3-wasm: real SQLite compiled to
// WebAssembly, writing straight to the file, so nothing native to build). The table IS the queue —
// a job is claimed by flipping it from queued to running in one statement — so a restart finds
// every job where it was left.

import sqlite from 'node-sqlite3-wasm';
import { PROGRESS_STEP } from '../progress.js';
import type { JobOptions } from './job-options.js';

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** How often a job is started again after the server died while it ran, before it is marked failed. */
export const MAX_ATTEMPTS = 2;

export interface JobSummary {
  style: string;
  key: string;
  tempo: number;
  cuts: number;
  duration: number;
  /** True when the job made a browser preview (result kind 'preview'): its scored video's stream does not play in browsers. */
  preview?: boolean;
}

export interface JobRecord {
  id: string;
  state: JobState;
  /** 0–1 over the whole job; never goes backwards, not even when a job is resumed after a restart. */
  progress: number;
  stage: string;
  error: string | null;
  options: JobOptions;
  /** The uploaded file's name as the client gave it — for display only, never a path. */
  name: string;
  /** The job this one was regenerated from (its analysis was reused). */
  parent: string | null;
  attempts: number;
  /** True when the analysis came from the parent job instead of decoding the video again. */
  reusedAnalysis: boolean;
  summary: JobSummary | null;
  /** File extension of the scored video (.mp4 or .mkv), known once the input is probed. */
  videoExtension: string;
  /** SHA-256 (hex) of the token of the client that created it; null for jobs made before tokens (nobody's). Never shown. */
  owner: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

interface JobRow {
  id: string;
  seq: number;
  state: string;
  progress: number;
  stage: string;
  error: string | null;
  options: string;
  name: string;
  parent: string | null;
  attempts: number;
  reused_analysis: number;
  summary: string | null;
  video_extension: string;
  owner: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  progress REAL NOT NULL DEFAULT 0,
  stage TEXT NOT NULL DEFAULT 'queued',
  error TEXT,
  options TEXT NOT NULL,
  name TEXT NOT NULL,
  parent TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  reused_analysis INTEGER NOT NULL DEFAULT 0,
  summary TEXT,
  video_extension TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq);
`;

/** Columns added after the first release; a data folder from before gets them on open. */
const ADDED_COLUMNS: Record<string, string> = { owner: 'ALTER TABLE jobs ADD COLUMN owner TEXT' };

export interface NewJob {
  id: string;
  options: JobOptions;
  /** The client's file name: display only. */
  name: string;
  parent: string | null;
  reusedAnalysis: boolean;
  videoExtension: string;
  /** SHA-256 of the owner's token. */
  owner: string;
}

export class JobStore {
  private readonly db: sqlite.Database;

  constructor(file: string) {
    this.db = new sqlite.Database(file);
    this.db.exec(SCHEMA);
    const columns = new Set((this.db.all('PRAGMA table_info(jobs)') as Array<{ name: string }>).map((column) => column.name));
    for (const [name, statement] of Object.entries(ADDED_COLUMNS)) if (!columns.has(name)) this.db.exec(statement);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  add(job: NewJob, now = Date.now()): JobRecord {
    this.db.run(
      `INSERT INTO jobs (id, state, options, name, parent, reused_analysis, video_extension, owner, created_at, updated_at)
       VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
      [job.id, JSON.stringify(job.options), job.name, job.parent, job.reusedAnalysis ? 1 : 0, job.videoExtension, job.owner, now, now],
    );
    return this.get(job.id)!;
  }

  get(id: string): JobRecord | undefined {
    const row = this.db.get('SELECT * FROM jobs WHERE id = ?', [id]) as JobRow | null;
    return row ? fromRow(row) : undefined;
  }

  /** One owner's jobs, newest first. */
  list(owner: string, limit = 100): JobRecord[] {
    return (this.db.all('SELECT * FROM jobs WHERE owner = ? ORDER BY seq DESC LIMIT ?', [owner, limit]) as unknown as JobRow[]).map(fromRow);
  }

  /** A failed job back in the queue, from the start, as if new (its input is kept). Returns false unless it had failed. */
  retry(id: string, now = Date.now()): boolean {
    return (
      this.db.run(
        `UPDATE jobs SET state = 'queued', stage = 'queued', progress = 0, error = NULL, attempts = 0, finished_at = NULL, updated_at = ? WHERE id = ? AND state = 'failed'`,
        [now, id],
      ).changes > 0
    );
  }

  count(state: JobState): number {
    return Number((this.db.get('SELECT COUNT(*) AS n FROM jobs WHERE state = ?', [state]) as { n: number }).n);
  }

  /** The oldest queued job, now running (one statement, so no job is ever claimed twice). */
  claimNext(now = Date.now()): JobRecord | undefined {
    const row = this.db.get(
      `UPDATE jobs SET state = 'running', stage = 'starting', attempts = attempts + 1, updated_at = ?
       WHERE seq = (SELECT seq FROM jobs WHERE state = 'queued' ORDER BY seq LIMIT 1) RETURNING *`,
      [now],
    ) as JobRow | null;
    return row ? fromRow(row) : undefined;
  }

  /**
   * Records progress of a running job: a new stage, or a step of at least PROGRESS_STEP (each write
   * is synchronous and every request waits behind it). Returns false when nothing was written.
   */
  progress(id: string, stage: string, fraction: number, now = Date.now()): boolean {
    const result = this.db.run(
      `UPDATE jobs SET progress = MAX(progress, ?), stage = ?, updated_at = ?
       WHERE id = ? AND state = 'running' AND (stage != ? OR progress <= ? - ?)`,
      // Half a step: the worker sends whole steps already (rounding must not drop one); this bounds the writes whoever sends.
      [fraction, stage, now, id, stage, fraction, PROGRESS_STEP / 2],
    );
    return result.changes > 0;
  }

  finish(id: string, summary: JobSummary, now = Date.now()): void {
    this.db.run(`UPDATE jobs SET state = 'done', progress = 1, stage = 'done', error = NULL, summary = ?, updated_at = ?, finished_at = ? WHERE id = ?`, [
      JSON.stringify(summary),
      now,
      now,
      id,
    ]);
  }

  fail(id: string, error: string, now = Date.now()): void {
    this.db.run(`UPDATE jobs SET state = 'failed', stage = 'failed', error = ?, updated_at = ?, finished_at = ? WHERE id = ?`, [error, now, now, id]);
  }

  /** Puts a running job back in the queue (the server is stopping, or stopped without warning). */
  requeue(id: string, now = Date.now()): void {
    this.db.run(`UPDATE jobs SET state = 'queued', stage = 'queued', updated_at = ? WHERE id = ? AND state = 'running'`, [now, id]);
  }

  /**
   * After a start: jobs left "running" by a server that died are queued again, or failed with the
   * reason once they have been tried MAX_ATTEMPTS times (a job that kills the server must not do it forever).
   */
  recoverInterrupted(now = Date.now()): { requeued: number; failed: number } {
    const failed = this.db.run(
      `UPDATE jobs SET state = 'failed', stage = 'failed', updated_at = ?, finished_at = ?,
         error = 'The server stopped ' || attempts || ' times while this job was running, so it was not tried again. Retry it (POST /jobs/:id/retry) to run it once more.'
       WHERE state = 'running' AND attempts >= ?`,
      [now, now, MAX_ATTEMPTS],
    ).changes;
    const requeued = this.db.run(`UPDATE jobs SET state = 'queued', stage = 'queued', updated_at = ? WHERE state = 'running'`, [now]).changes;
    return { requeued, failed };
  }

  /** Finished jobs last changed before `cutoff` (ms since the epoch). */
  finishedBefore(cutoff: number): string[] {
    return (this.db.all(`SELECT id FROM jobs WHERE state IN ('done', 'failed') AND updated_at < ?`, [cutoff]) as Array<{ id: string }>).map((row) => row.id);
  }

  remove(id: string): boolean {
    return this.db.run('DELETE FROM jobs WHERE id = ?', [id]).changes > 0;
  }
}

function fromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    state: row.state as JobState,
    progress: row.progress,
    stage: row.stage,
    error: row.error,
    options: JSON.parse(row.options) as JobOptions,
    name: row.name,
    parent: row.parent,
    attempts: row.attempts,
    reusedAnalysis: row.reused_analysis === 1,
    summary: row.summary ? (JSON.parse(row.summary) as JobSummary) : null,
    videoExtension: row.video_extension,
    owner: row.owner,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
