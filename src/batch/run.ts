// `v2m batch`: scores every video of a folder or list into one output folder, locally (a pool of
// processes) or through a Redis queue (workers on any machine that sees the shared folder). Videos
// whose whole output set is already there are skipped, so a batch that was stopped resumes where it
// stopped; one video's failure is recorded and the others go on.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ScoreOptions } from '../config.js';
import { batchInputs, type BatchInput } from './inputs.js';
import { countByStatus, finishedSummary, progressLine, writeReport, type BatchReport, type VideoResult, type VideoSummary } from './results.js';

export type VideoOutcome = { ok: true; summary: VideoSummary; seconds: number } | { ok: false; message: string; seconds: number };

/** What a runner reports as it goes. */
export interface BatchEvents {
  started(stem: string): void;
  progress(stem: string, fraction: number): void;
  finished(video: BatchInput, outcome: VideoOutcome): void;
}

export interface QueueTarget {
  /** redis://host:port[/db] */
  url: string;
  queueName: string;
  /** The shared folder every worker sees; inputs and the output folder must lie under it. */
  dataFolder: string;
  /** How long to wait for the jobs before giving up on the unfinished ones. */
  deadlineMs: number;
  attempts: number;
}

export interface BatchOptions {
  source: string;
  outputFolder: string;
  options: Partial<ScoreOptions>;
  concurrency: number;
  queue?: QueueTarget;
  /** Progress lines for stderr; none when undefined. */
  log?: (line: string, final: boolean) => void;
}

export async function runBatch(batch: BatchOptions): Promise<{ report: BatchReport; reportFile: string }> {
  const startedAt = new Date();
  const started = performance.now();
  const inputs = await batchInputs(batch.source);
  const outputFolder = path.resolve(batch.outputFolder);
  await mkdir(outputFolder, { recursive: true });

  const results = new Map<string, VideoResult>();
  const pending: BatchInput[] = [];
  for (const video of inputs) {
    const summary = await finishedSummary(outputFolder, video.stem);
    if (summary) results.set(video.stem, { input: video.input, stem: video.stem, status: 'skipped', seconds: 0, ...short(summary) });
    else pending.push(video);
  }

  const running = new Map<string, number>();
  let scored = 0;
  const elapsed = () => (performance.now() - started) / 1000;
  const say = (final: boolean) => batch.log?.(progressLine(results.size, inputs.length, [...running.values()], scored, elapsed(), pending.length), final);
  let lastSaid = 0;
  const events: BatchEvents = {
    started: (stem) => running.set(stem, 0),
    progress: (stem, fraction) => {
      running.set(stem, fraction);
      if (performance.now() - lastSaid > 1000) {
        lastSaid = performance.now();
        say(false);
      }
    },
    finished: (video, outcome) => {
      running.delete(video.stem);
      scored += 1;
      results.set(video.stem, outcome.ok
        ? { input: video.input, stem: video.stem, status: 'done', seconds: round(outcome.seconds), ...short(outcome.summary) }
        : { input: video.input, stem: video.stem, status: 'failed', seconds: round(outcome.seconds), error: outcome.message });
      batch.log?.(`v2m batch: ${video.stem} ${outcome.ok ? 'scored' : `failed: ${outcome.message}`}`, true);
      say(true);
    },
  };
  if (pending.length < inputs.length) batch.log?.(`v2m batch: ${inputs.length - pending.length} of ${inputs.length} videos already scored in ${outputFolder}, skipped`, true);
  if (pending.length > 0) {
    if (batch.queue) await (await import('../queue/submit.js')).scoreThroughQueue(pending, outputFolder, batch.options, batch.queue, events);
    else await (await import('./local.js')).scoreLocally(pending, outputFolder, batch.options, batch.concurrency, events);
  }

  const videos = inputs.map((video) => results.get(video.stem)!);
  const report: BatchReport = {
    version: 1,
    startedAt: startedAt.toISOString(),
    seconds: round(elapsed()),
    outputFolder,
    runner: batch.queue ? redactedUrl(batch.queue.url) : 'local',
    counts: countByStatus(videos),
    videos,
  };
  return { report, reportFile: await writeReport(outputFolder, report) };
}

function short(summary: VideoSummary): Pick<VideoResult, 'style' | 'key' | 'tempo'> {
  return { style: summary.style, key: summary.key, tempo: round(summary.tempo) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The Redis address without its password, for the report. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
