// Progress of a job as the API reports it: cheap to write (a bounded number of store writes, so no
// request waits behind them), in stage order, never going back.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { ffmpeg, temporaryFolder, withDeadline } from '../helpers.js';
import { upload, type Job } from './server-helpers.js';

const STAGES_IN_ORDER = ['analyze', 'compose', 'synthesize', 'master', 'mux', 'done'];

/** A GET while a job runs answers within this: generous, since the test machine is shared. */
const GET_DEADLINE_MS = 2_000;

describe('v2m serve: progress', () => {
  let server: RunningServer;
  let clip: string;

  before(async () => {
    const sandbox = temporaryFolder('v2m-progress-');
    // 300 analysed frames: one progress message per frame unless the worker and the store thin them out.
    clip = path.join(sandbox, 'clip-12s.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=25:duration=12', '-c:v', 'mpeg4', '-q:v', '5', clip]);
    server = await startServer({ port: 0, dataFolder: path.join(sandbox, 'data'), concurrency: 1 });
  });
  after(() => server.close());

  test('a job reports each stage in order with monotone progress, in a bounded number of writes, and GETs stay fast', { timeout: 180_000 }, async () => {
    const response = await upload(server.url, clip, { faces: 'false' });
    assert.equal(response.status, 202, await response.clone().text());
    const { id } = (await response.json()) as Job;

    const events = collectEvents(server.url, id);
    let finished = false;
    void events.finally(() => (finished = true));
    const latencies: number[] = [];
    while (!finished) {
      const started = performance.now();
      const answer = await fetch(`${server.url}/jobs/${id}`, { signal: AbortSignal.timeout(30_000) });
      await answer.json();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobs = await events;

    assert.equal(jobs.at(-1)?.state, 'done', JSON.stringify(jobs.at(-1)));
    const slowest = Math.max(...latencies);
    assert.ok(slowest < GET_DEADLINE_MS, `GET /jobs/${id} took ${slowest.toFixed(0)} ms while the job ran (${latencies.length} requests)`);
    // One write per 1 % step plus one per stage: never one per frame.
    assert.ok(jobs.length <= 120, `${jobs.length} progress events for one job (one per frame would be ~300)`);
    for (let i = 1; i < jobs.length; i++) assert.ok(jobs[i]!.progress >= jobs[i - 1]!.progress, `progress went back at event ${i}`);
    const stages = [...new Set(jobs.map((job) => job.stage))].filter((stage) => STAGES_IN_ORDER.includes(stage));
    assert.deepEqual(stages, STAGES_IN_ORDER, 'every stage arrives, in order');
    // The weights follow the time: analysis is reported as it goes, not as one jump at its end.
    const analysing = jobs.filter((job) => job.stage === 'analyze').map((job) => job.progress);
    assert.ok(analysing.length >= 10, `analysis reported in steps (${analysing.length} events)`);
  });
});

/** Reads the job's server-sent events until it is done or failed. */
async function collectEvents(baseUrl: string, id: string): Promise<Job[]> {
  const response = await fetch(`${baseUrl}/jobs/${id}/events`);
  const text = await withDeadline(`the event stream of job ${id} to end`, 150_000, response.text());
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: job'))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Job);
}
