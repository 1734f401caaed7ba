// The Redis backend of the job service (`v2m serve --queue redis://…`): every job is a BullMQ job on
// the queue `v2m worker`s take from. Its record is the BullMQ job's data (ServerJobData), its state
// BullMQ's (waiting/delayed → queued, active → running, completed → done, failed → failed), its
// progress the job's progress, its summary the job's return value, its error the failed reason,
// its attempts BullMQ's. Nothing about a job is kept anywhere else — beside one sorted set per
// owner (the job ids, newest first), the index GET /jobs needs, since BullMQ cannot list by owner.
// Changes come from BullMQ's own event stream (QueueEvents), whichever machine made them.

import { EventEmitter } from 'node:events';
import { Job, Queue, QueueEvents, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import { connectedWithin, onceAMinute, redisConnection } from '../queue/connection.js';
import { readProgress, SERVER_JOB_ATTEMPTS, SERVER_JOB_KIND, isServerJob, type ServerJobData, type ServerJobProgress } from '../queue/server-job.js';
import { startWorker, type RunningWorker } from '../queue/worker.js';
import type { BackendEvents, BackendHealth, JobBackend } from './backend.js';
import type { JobRecord, JobState, JobSummary, NewJob } from './store.js';

export interface RedisBackendOptions {
  url: string;
  queueName: string;
  /** The shared data folder (this server's --data), as the server's own worker sees it. */
  dataFolder: string;
  /** Jobs this server scores itself, beside the workers (0: only `v2m worker`s score). */
  concurrency: number;
  lockSeconds: number;
}

const STATE_OF: Partial<Record<string, JobState>> = {
  waiting: 'queued',
  wait: 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  paused: 'queued',
  'waiting-children': 'queued',
  active: 'running',
  completed: 'done',
  failed: 'failed',
};

/** BullMQ's events that change what a client sees of a job. */
const CHANGE_EVENTS = ['added', 'waiting', 'active', 'progress', 'completed', 'failed', 'removed', 'stalled', 'delayed', 'retries-exhausted'] as const;

/** How long a stop waits for BullMQ's connections to close. */
const CLOSE_DEADLINE_MS = 5000;

export class RedisBackend implements JobBackend {
  readonly events = new EventEmitter<BackendEvents>();
  // Made once Redis answers (start): BullMQ's connections that never connected neither close nor let the process end.
  private queue!: Queue<ServerJobData, JobSummary>;
  private queueEvents!: QueueEvents;
  /** For the owner index only (BullMQ's connections are its own). */
  private readonly redis: Redis;
  private worker: RunningWorker | undefined;
  private readonly onError: (error: Error) => void;

  constructor(private readonly options: RedisBackendOptions) {
    this.events.setMaxListeners(0); // one listener per open progress stream
    // Reconnects are ioredis's business: each kind of error is logged once a minute, not once per try.
    const log = onceAMinute((line) => console.error(line));
    this.onError = (error) => log(`v2m serve: Redis at ${options.url}: ${error.message}`);
    this.redis = new Redis({ ...(redisConnection(options.url) as object) });
    this.redis.on('error', this.onError);
  }

  async start(): Promise<void> {
    await connectedWithin(this.redis.ping(), this.options.url);
    const connection = redisConnection(this.options.url);
    this.queue = new Queue(this.options.queueName, { connection });
    this.queueEvents = new QueueEvents(this.options.queueName, { connection });
    this.queue.on('error', this.onError);
    this.queueEvents.on('error', this.onError);
    for (const name of CHANGE_EVENTS) this.queueEvents.on(name, ({ jobId }: { jobId: string }) => this.events.emit('change', jobId));
    await connectedWithin(Promise.all([this.queue.waitUntilReady(), this.queueEvents.waitUntilReady()]), this.options.url);
    if (this.options.concurrency > 0) {
      this.worker = await startWorker({
        url: this.options.url,
        queueName: this.options.queueName,
        dataFolder: this.options.dataFolder,
        concurrency: this.options.concurrency,
        lockSeconds: this.options.lockSeconds,
        log: (line) => console.error(line.replace(/^v2m worker:/, 'v2m serve (worker):')),
      });
    }
  }

  async add(job: NewJob): Promise<JobRecord> {
    const data: ServerJobData = { kind: SERVER_JOB_KIND, ...job };
    const added = await this.queue.add(job.id, data, {
      jobId: job.id,
      attempts: SERVER_JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 1000 },
      // Finished jobs stay until the server's retention sweep removes them with their files.
      removeOnComplete: false,
      removeOnFail: false,
    });
    await this.redis.zadd(this.ownerKey(job.owner), added.timestamp, job.id);
    return (await this.get(job.id))!;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = await this.serverJob(id);
    if (!job) return undefined;
    const state = await job.getState();
    // The job may have finished between the two reads (seen running, then completed with no return
    // value yet): BullMQ writes the result and the state in one step, so a second read of a finished
    // job has the result its state says.
    const finished = state === 'completed' || state === 'failed' ? await this.serverJob(id) : job;
    return finished ? recordOf(finished, state) : undefined;
  }

  async list(owner: string, limit = 100): Promise<JobRecord[]> {
    const ids = await this.redis.zrevrange(this.ownerKey(owner), 0, limit - 1);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    const gone = ids.filter((_, index) => !records[index]);
    if (gone.length > 0) await this.redis.zrem(this.ownerKey(owner), ...gone);
    return records.filter((record): record is JobRecord => record !== undefined && record.owner === owner);
  }

  async retry(id: string): Promise<boolean> {
    const job = await this.serverJob(id);
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.updateProgress({ stage: 'queued', fraction: 0 } satisfies ServerJobProgress);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    this.events.emit('change', id);
    return true;
  }

  async remove(id: string): Promise<void> {
    const job = await Job.fromId<ServerJobData, JobSummary>(this.queue, id);
    if (!job || !isServerJob(job.data)) return;
    await this.redis.zrem(this.ownerKey(job.data.owner), id);
    // A running job is locked by its worker: it is marked deleted (hidden from now on), its worker
    // stops it within seconds and removes it; the sweep removes any such job left behind.
    await job.remove().catch(() => job.updateData({ ...job.data, deleted: true }));
    this.events.emit('change', id);
  }

  async finishedBefore(cutoff: number): Promise<string[]> {
    const finished = await this.queue.getJobs(['completed', 'failed']);
    return finished
      .filter((job) => isServerJob(job.data) && (job.data.deleted || (job.finishedOn ?? job.timestamp) < cutoff))
      .map((job) => job.id!)
      .filter(Boolean);
  }

  async health(): Promise<BackendHealth> {
    const types: JobType[] = ['waiting', 'prioritized', 'delayed', 'active'];
    const [counts, workers] = await Promise.all([this.queue.getJobCounts(...types), this.queue.getWorkersCount()]);
    const queued = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
    return { backend: 'redis', concurrency: this.options.concurrency, queued, running: counts.active ?? 0, workers };
  }

  async close(): Promise<void> {
    // This server's own running jobs are abandoned, not waited for: their locks lapse and a worker takes them over.
    // A Redis that went away must not hold the stop up: a few seconds, then the connections are dropped.
    const closing = Promise.allSettled([this.worker?.close(true), this.queueEvents?.close(), this.queue?.close()]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([closing, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_DEADLINE_MS)))]);
    clearTimeout(timer);
    // Not closed in time (Redis unreachable): drop the connections, or their reconnect attempts keep the process alive.
    // (Not awaited: a disconnect waits for a connection that never came.)
    if (!closed) for (const client of [this.queueEvents, this.queue]) void client?.disconnect().catch(() => undefined);
    this.redis.disconnect();
  }

  /** The BullMQ job of a server job that is not deleted; undefined for anything else (a batch job, a deleted one). */
  private async serverJob(id: string): Promise<Job<ServerJobData, JobSummary> | undefined> {
    const job = await Job.fromId<ServerJobData, JobSummary>(this.queue, id);
    return job && isServerJob(job.data) && !job.data.deleted ? job : undefined;
  }

  private ownerKey(owner: string): string {
    return `${this.queue.qualifiedName}:v2m-owner:${owner}`;
  }
}

function recordOf(job: Job<ServerJobData, JobSummary>, bullState: string): JobRecord {
  const state = STATE_OF[bullState] ?? 'queued';
  const progress = readProgress(job.progress);
  const data = job.data;
  const updatedAt = Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0);
  return {
    id: data.id,
    state,
    progress: state === 'done' ? 1 : (progress?.fraction ?? 0),
    stage: state === 'running' ? (progress?.stage ?? 'starting') : state,
    error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
    options: data.options,
    name: data.name,
    parent: data.parent,
    attempts: job.attemptsStarted ?? job.attemptsMade,
    reusedAnalysis: data.reusedAnalysis,
    summary: state === 'done' ? (job.returnvalue ?? null) : null,
    videoExtension: data.videoExtension,
    owner: data.owner,
    createdAt: job.timestamp,
    updatedAt,
    finishedAt: state === 'done' || state === 'failed' ? (job.finishedOn ?? updatedAt) : null,
  };
}
