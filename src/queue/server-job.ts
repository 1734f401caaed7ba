// A job of `v2m serve --queue` as a worker runs it. The server puts the job's record in the BullMQ
// job's data (kind 'server'); the worker finds everything else under the shared data folder by the
// job's id — jobs/<id>/input, analysis.json, poster.jpg — never by a path from Redis. The outputs are
// made in a staging folder of this attempt's own and renamed to jobs/<id>/out/ only when complete;
// BullMQ then records the summary as the job's return value (which only the lock holder can do, so a
// job taken over from a dead worker completes once). Progress is the job's progress
// ({ stage, fraction }), never lower than an earlier attempt's.

import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import { jobFiles, jobFolder } from '../server/job-files.js';
import { scoreOptionsFor } from '../server/job-options.js';
import { forkJobWorker, type JobProcess } from '../server/job-process.js';
import type { JobSummary, NewJob } from '../server/store.js';

export const SERVER_JOB_KIND = 'server';
/** Tries per server job: a second covers a worker that died or a passing fault (a bad video is not tried twice). */
export const SERVER_JOB_ATTEMPTS = 2;

/** The job's record, as the server made it (the fields a SQLite row holds): what the API shows, and nothing that names a path. */
export interface ServerJobData extends NewJob {
  kind: typeof SERVER_JOB_KIND;
  /** Set by DELETE while the job runs: its worker stops it, and the job is then removed. */
  deleted?: boolean;
}

export interface ServerJobProgress {
  stage: string;
  fraction: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXTENSION = /^\.[a-z0-9]{1,5}$/;
/** How often a running job's worker looks whether the job was deleted meanwhile. */
const DELETED_CHECK_MS = 2000;

export function isServerJob(data: unknown): data is ServerJobData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === SERVER_JOB_KIND;
}

/** The job was deleted while it ran: not a failure to retry; the worker removes the job. */
export class JobDeletedError extends UnrecoverableError {
  constructor() {
    super('The job was deleted while it ran.');
    this.name = 'JobDeletedError';
  }
}

export function readProgress(progress: unknown): ServerJobProgress | undefined {
  if (typeof progress !== 'object' || progress === null) return undefined;
  const { stage, fraction } = progress as Partial<ServerJobProgress>;
  return typeof stage === 'string' && typeof fraction === 'number' ? { stage, fraction } : undefined;
}

/** Scores a server job under `dataFolder`; `track` is told of the scoring process while it runs (a forced stop kills it). */
export async function scoreServerJob(
  job: Job<ServerJobData, JobSummary>,
  dataFolder: string,
  me: string,
  log: (line: string) => void,
  track: (process: JobProcess | undefined) => void,
  /** Whether the job still exists and is not deleted (a look at Redis); rejects when Redis does not answer. */
  stillWanted: () => Promise<boolean>,
): Promise<JobSummary> {
  const { id, videoExtension } = job.data;
  // A job's fields come from Redis: one that could lead outside the data folder is refused, never retried.
  if (typeof id !== 'string' || !UUID.test(id) || typeof videoExtension !== 'string' || !EXTENSION.test(videoExtension)) {
    throw new UnrecoverableError('The job is not a v2m server job (its id or extension is malformed); refused.');
  }
  if (job.data.deleted) throw new JobDeletedError();
  const folder = jobFolder(dataFolder, id);
  const files = jobFiles(folder, videoExtension);
  if (!(await stat(files.input).then((info) => info.isFile(), () => false))) {
    throw new UnrecoverableError(`The job's video is not in the shared data folder (jobs/${id}/input): is this worker's --data the folder the server uses?`);
  }
  log(`v2m worker: scoring job ${id} (attempt ${job.attemptsMade + 1})`);
  const staging = await freshStaging(folder, me);
  const floor = readProgress(job.progress)?.fraction ?? 0;
  let reported = floor;
  const scoring = forkJobWorker({ folder, displayName: job.data.name, videoExtension, options: scoreOptionsFor(job.data.options), outputFolder: staging }, (stage, fraction) => {
    // The job-worker sends a stage change or a 1 % step; never lower than what an earlier attempt showed.
    reported = Math.max(reported, fraction);
    void job.updateProgress({ stage, fraction: reported } satisfies ServerJobProgress).catch(() => undefined);
  });
  track(scoring);
  let deleted = false;
  const watch = setInterval(() => {
    void stillWanted().then(
      (wanted) => {
        if (wanted) return;
        deleted = true;
        scoring.kill();
      },
      () => undefined, // Redis unreachable for a moment: the lock, not this check, decides who owns the job
    );
  }, DELETED_CHECK_MS);
  try {
    const outcome = await scoring.outcome;
    if (deleted) throw new JobDeletedError();
    if (!outcome.ok) {
      // A video the pipeline refuses fails the same way every time: say so once, not after every attempt.
      if (outcome.code === 'BAD_INPUT' || outcome.code === 'USAGE') throw new UnrecoverableError(outcome.message);
      throw new Error(outcome.message);
    }
    // The complete set replaces whatever out/ held (an earlier attempt's, or a retried job's).
    await rm(files.outputFolder, { recursive: true, force: true });
    await rename(staging, files.outputFolder);
    return outcome.summary;
  } finally {
    clearInterval(watch);
    track(undefined);
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * A staging folder of this attempt's own in the job's folder (same file system as out/, so the final
 * rename is atomic). What an earlier attempt left (its worker died) is removed: the lock says it is over.
 */
async function freshStaging(folder: string, me: string): Promise<string> {
  const earlier = await readdir(folder).catch(() => [] as string[]);
  await Promise.all(earlier.filter((name) => name.startsWith('.staging-')).map((name) => rm(path.join(folder, name), { recursive: true, force: true })));
  return path.join(folder, `.staging-${me.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
}
