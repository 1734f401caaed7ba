// `v2m worker`: takes scoring jobs from the Redis queue and scores each in its own process, on any
// machine that mounts the shared data folder. The scoring runs in a child process so that this one
// stays free to renew the job's lock; if this process dies (SIGKILL, a lost machine), the lock
// lapses and another worker's stalled-job check hands the job to a worker that is alive. Outputs are
// renamed into place only when complete, and a job whose complete output set is already there
// (its first worker died after the rename) is reported done without scoring it again.

import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { forkScore } from '../batch/fork-score.js';
import { finishedSummary } from '../batch/results.js';
import type { JobProcess } from '../server/job-process.js';
import type { JobSummary } from '../server/store.js';
import { connectedWithin, insideData, onceAMinute, redisConnection, type QueueJobData, type QueueJobResult } from './connection.js';
import { isServerJob, scoreServerJob, type ServerJobData } from './server-job.js';

/** Hidden folder under the output folder where each job's outputs are made before they are moved into place. */
const STAGING_FOLDER = '.v2m-staging';

export interface WorkerOptions {
  url: string;
  queueName: string;
  dataFolder: string;
  concurrency: number;
  lockSeconds: number;
  log: (line: string) => void;
}

export interface RunningWorker {
  /**
   * Stops taking jobs and waits for the running ones to finish; with `abandon`, stops them at once
   * instead: their locks lapse and another worker (or this one, started again) takes them over.
   */
  close(abandon?: boolean): Promise<void>;
}

/** The two kinds of job one queue carries: a video of `v2m batch --queue`, or a job of `v2m serve --queue`. */
type AnyJobData = QueueJobData | ServerJobData;
type AnyJobResult = QueueJobResult | JobSummary;

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const dataFolder = path.resolve(options.dataFolder);
  const me = `${os.hostname()}:${process.pid}`;
  const running = new Set<JobProcess>();
  // For a running server job's check that it was not deleted meanwhile (a worker has no lookups of its own).
  const lookups = new Queue<ServerJobData>(options.queueName, { connection: redisConnection(options.url) });
  lookups.on('error', () => undefined); // the worker's own error log says when Redis is away
  const stillWanted = (id: string) => Job.fromId<ServerJobData>(lookups, id).then((job) => job !== undefined && !job.data.deleted);
  const processor = (job: Job<AnyJobData, AnyJobResult>): Promise<AnyJobResult> => {
    if (!isServerJob(job.data)) return scoreJob(job as Job<QueueJobData, QueueJobResult>, dataFolder, me, options.log);
    let mine: JobProcess | undefined;
    return scoreServerJob(job as Job<ServerJobData, JobSummary>, dataFolder, me, options.log, (process) => {
      if (mine) running.delete(mine);
      mine = process;
      if (process) running.add(process);
    }, () => stillWanted(job.id!));
  };
  const worker = new Worker<AnyJobData, AnyJobResult>(options.queueName, processor, {
    connection: redisConnection(options.url),
    concurrency: options.concurrency,
    lockDuration: options.lockSeconds * 1000,
    stalledInterval: options.lockSeconds * 1000,
    // A job may lose its worker once and be taken over; a second loss fails it (a video that kills its worker every time).
    maxStalledCount: 1,
  });
  worker.on('failed', (job, error) => {
    // A server job deleted while it ran is forgotten now that it no longer runs (the server answered the DELETE already).
    if (job && error.name === 'JobDeletedError') return void job.remove().catch(() => undefined);
    options.log(`v2m worker: ${job?.name ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`);
  });
  worker.on('completed', (job) => options.log(`v2m worker: ${job.name} scored`));
  const logError = onceAMinute(options.log);
  worker.on('error', (error) => logError(`v2m worker: ${error.message}`));
  try {
    await connectedWithin(worker.waitUntilReady(), options.url);
  } catch (error) {
    await worker.close(true);
    await lookups.close();
    throw error;
  }
  return {
    close: async (abandon = false) => {
      await worker.close(abandon);
      await lookups.close();
      if (!abandon) return;
      // Closed first, so that the killed jobs are not recorded as failed: they stay active until their locks lapse.
      for (const process of running) process.kill();
    },
  };
}

async function scoreJob(job: Job<QueueJobData, QueueJobResult>, dataFolder: string, me: string, log: (line: string) => void): Promise<QueueJobResult> {
  const input = insideData(dataFolder, job.data.input);
  const outputFolder = insideData(dataFolder, job.data.outputFolder);
  const stem = job.data.stem;
  // A job's paths come from Redis: one that leads outside the data folder is refused, never retried.
  if (!input || !outputFolder || typeof stem !== 'string' || stem !== path.basename(stem) || stem.startsWith('.')) {
    throw new UnrecoverableError('The job names a path outside the shared data folder; refused.');
  }
  const started = performance.now();
  const already = await finishedSummary(outputFolder, stem);
  if (already) return { ...already, seconds: 0, worker: me, alreadyDone: true };
  log(`v2m worker: scoring ${job.data.input} (job ${job.id}, attempt ${job.attemptsMade + 1})`);
  const staging = await freshStaging(outputFolder, job.id!, me);
  try {
    let reported = 0;
    const scoring = forkScore({ input, outputFolder: staging, stem, options: job.data.options, publicName: job.data.input }, (fraction) => {
      if (fraction - reported < 0.02 && fraction < 1) return;
      reported = fraction;
      void job.updateProgress(Math.round(fraction * 100) / 100).catch(() => undefined);
    });
    const outcome = await scoring.outcome;
    // The reason goes back to the client: paths in it are said relative to the shared folder, as the client knows them.
    if (!outcome.ok) throw new Error(outcome.message.replaceAll(`${dataFolder}${path.sep}`, ''));
    await publish(staging, outputFolder, stem);
    return { ...outcome.summary, seconds: Math.round((performance.now() - started) / 10) / 100, worker: me };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rmdir(path.dirname(staging)).catch(() => undefined); // only when no other job stages there
  }
}

/**
 * A staging folder of this job's own under the output folder (same file system: the final renames
 * are atomic). The pipeline clears temporaries it takes for a dead run's by their pid, which says
 * nothing across machines, so no two workers ever score into the same folder. What an earlier
 * attempt of the same job left (its worker died) is removed: the lock says that attempt is over.
 */
async function freshStaging(outputFolder: string, jobId: string, me: string): Promise<string> {
  const root = path.join(outputFolder, STAGING_FOLDER);
  const tag = jobId.replace(/[^A-Za-z0-9_-]/g, '_');
  const earlier = await readdir(root).catch(() => [] as string[]);
  await Promise.all(earlier.filter((name) => name.startsWith(`${tag}@`)).map((name) => rm(path.join(root, name), { recursive: true, force: true })));
  const staging = path.join(root, `${tag}@${me.replace(/[^A-Za-z0-9_.:-]/g, '_')}`);
  await mkdir(staging, { recursive: true });
  return staging;
}

/** Moves a scored set into the output folder, its cue sheet last: the set counts as finished only once all five are there. */
async function publish(staging: string, outputFolder: string, stem: string): Promise<void> {
  const names = (await readdir(staging)).filter((name) => name.startsWith(`${stem}.v2m.`));
  const cueSheet = `${stem}.v2m.cues.json`;
  for (const name of [...names.filter((n) => n !== cueSheet), cueSheet]) await rename(path.join(staging, name), path.join(outputFolder, name));
}

