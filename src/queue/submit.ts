// The batch's queue runner: one BullMQ job per video, then a wait (with a deadline) until every job
// has completed or failed for good, reporting each job's progress (job.updateProgress on the
// worker's side) as it goes.

import { randomBytes } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import type { ScoreOptions } from '../config.js';
import { usageError } from '../errors.js';
import type { BatchInput } from '../batch/inputs.js';
import type { BatchEvents, QueueTarget } from '../batch/run.js';
import { connectedWithin, redisConnection, relativeToData, type QueueJobData, type QueueJobResult } from './connection.js';

const POLL_MS = 1000;

export async function scoreThroughQueue(pending: readonly BatchInput[], outputFolder: string, options: Partial<ScoreOptions>, target: QueueTarget, events: BatchEvents): Promise<void> {
  if (options.soundFont || options.styleFrom) throw usageError('--soundfont and --style-from name files on this machine; through a queue every worker uses its shipped SoundFont and no style file. Leave them out, or score locally without --queue.');
  // Every path is checked before any job is queued: a batch goes in whole or not at all.
  const outputRelative = relativeToData(target.dataFolder, outputFolder, 'The output folder');
  const jobs = pending.map((video) => ({ video, data: { input: relativeToData(target.dataFolder, video.input, 'The video'), outputFolder: outputRelative, stem: video.stem, options } satisfies QueueJobData }));

  const queue = new Queue<QueueJobData, QueueJobResult>(target.queueName, { connection: redisConnection(target.url) });
  try {
    queue.on('error', () => undefined); // reconnects are ioredis's business; the deadline below says when Redis is gone
    await connectedWithin(queue.waitUntilReady(), target.url);
    const batchId = randomBytes(6).toString('hex');
    const added = await queue.addBulk(
      jobs.map(({ video, data }, index) => ({
        name: video.stem,
        data,
        opts: {
          jobId: `batch-${batchId}-${index}`,
          attempts: target.attempts,
          backoff: { type: 'fixed', delay: 1000 },
          // Finished jobs stay a while for whoever looks (a day when done, a week when failed), then Redis forgets them.
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    await waitForJobs(queue, added.map((job, index) => ({ id: job.id!, video: jobs[index]!.video })), target.deadlineMs, events);
  } finally {
    await queue.close();
  }
}

async function waitForJobs(queue: Queue<QueueJobData, QueueJobResult>, jobs: Array<{ id: string; video: BatchInput }>, deadlineMs: number, events: BatchEvents): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const submitted = Date.now();
  let waiting = jobs;
  const seen = new Set<string>();
  while (waiting.length > 0 && Date.now() < deadline) {
    const still: typeof waiting = [];
    for (const entry of waiting) {
      const job = await Job.fromId<QueueJobData, QueueJobResult>(queue, entry.id);
      const state = job ? await job.getState() : 'unknown';
      const seconds = (Date.now() - (job?.processedOn ?? submitted)) / 1000;
      if (state === 'completed' && job) {
        const result = job.returnvalue;
        if (result) events.finished(entry.video, { ok: true, summary: result, seconds: result.seconds ?? seconds });
        else events.finished(entry.video, { ok: false, message: 'its job completed without a result (not a v2m worker?)', seconds });
      } else if (state === 'failed' && job) {
        events.finished(entry.video, { ok: false, message: `${job.failedReason} (after ${job.attemptsMade} attempts)`, seconds });
      } else if (state === 'unknown') {
        events.finished(entry.video, { ok: false, message: 'its job is gone from the queue (removed by someone else)', seconds });
      } else {
        if (state === 'active') {
          if (!seen.has(entry.id)) events.started(entry.video.stem);
          seen.add(entry.id);
          if (typeof job?.progress === 'number') events.progress(entry.video.stem, job.progress);
        }
        still.push(entry);
      }
    }
    waiting = still;
    if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  for (const entry of waiting) {
    // Past the deadline: a job not yet started is taken back; a running one may still finish, and a rerun then skips it.
    await Job.fromId(queue, entry.id).then((job) => job?.remove()).catch(() => undefined);
    events.finished(entry.video, { ok: false, message: `not finished within the deadline (${Math.round(deadlineMs / 1000)} s); no worker took it or it is still running`, seconds: deadlineMs / 1000 });
  }
}
