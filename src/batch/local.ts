// The local runner of a batch: a pool of `concurrency` slots, each scoring one video at a time in
// its own process (score-child), taking the next video when it is done, until none is left.

import { performance } from 'node:perf_hooks';
import type { ScoreOptions } from '../config.js';
import { forkScore } from './fork-score.js';
import type { BatchInput } from './inputs.js';
import type { BatchEvents } from './run.js';

export async function scoreLocally(pending: readonly BatchInput[], outputFolder: string, options: Partial<ScoreOptions>, concurrency: number, events: BatchEvents): Promise<void> {
  let next = 0;
  const slot = async () => {
    while (next < pending.length) {
      const video = pending[next++]!;
      const started = performance.now();
      events.started(video.stem);
      const { outcome } = forkScore({ input: video.input, outputFolder, stem: video.stem, options }, (fraction) => events.progress(video.stem, fraction));
      const result = await outcome;
      const seconds = (performance.now() - started) / 1000;
      events.finished(video, result.ok ? { ok: true, summary: result.summary, seconds } : { ok: false, message: result.message, seconds });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, pending.length)) }, slot));
}
