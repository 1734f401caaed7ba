// The CLI's progress bar: redrawn at most ~10 times a second however often progress comes, with an ETA.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { progressPrinter, timeLeft } from '../../src/cli/progress.js';
import { progressReporter, type Stage } from '../../src/progress.js';

function terminal(): { stream: PassThrough & { isTTY: boolean }; redraws: () => string[] } {
  const stream = Object.assign(new PassThrough(), { isTTY: true });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, redraws: () => text.split('\r').filter(Boolean) };
}

test('a bar fed every frame for 10 s redraws about 10 times a second, each stage and the end included', { timeout: 10_000 }, () => {
  const { stream, redraws } = terminal();
  let now = 0;
  const report = progressReporter(progressPrinter(stream, false, { now: () => now }));
  // 250 analysed frames over 8 s (a frame every 32 ms), then the other stages.
  for (let frame = 0; frame < 250; frame++, now += 32) report('analyze', frame / 250);
  for (const stage of ['compose', 'synthesize', 'master', 'mux'] as Stage[]) report(stage, (now += 500) && 0);
  report('done', 1);
  const drawn = redraws();
  assert.ok(drawn.length <= 8 * 10 + 6, `${drawn.length} redraws in 10 s`);
  assert.ok(drawn.length >= 40, `the bar still moves during analysis (${drawn.length} redraws)`);
  for (const stage of ['analyze', 'compose', 'synthesize', 'master', 'mux', 'done']) assert.ok(drawn.some((line) => line.includes(stage)), `${stage} is drawn`);
  assert.match(drawn.at(-1)!, /100% done/);
  assert.ok(drawn.some((line) => /ETA \d+s/.test(line)), 'an ETA is shown while it runs');
});

test('the ETA is the pace so far, shown only once it is more than a guess', () => {
  assert.equal(timeLeft(500, 0.5), '');
  assert.equal(timeLeft(10_000, 0.01), '');
  assert.equal(timeLeft(10_000, 0.5), 'ETA 10s');
  assert.equal(timeLeft(30_000, 0.25), 'ETA 1m30s');
});
