// `v2m batch --queue` and `v2m worker` on a real Redis (V2M_REDIS_URL, or redis://127.0.0.1:6379;
// skipped with one line when none answers): two worker processes share nothing but Redis and the
// data folder. Five jobs — four clips and a file that is no video — go through them; one worker is
// SIGKILLed while it scores, and its job must finish on the other one. Every clip ends with exactly
// one complete output set and one "scored", the poison file fails with its reason after both
// attempts, and no job holds a machine's own path. The queue has a name of its own and is
// obliterated afterwards.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Queue } from 'bullmq';
import { SOME_FAILED_EXIT_CODE } from '../../src/errors.js';
import type { BatchReport } from '../../src/batch/results.js';
import { redisConnection } from '../../src/queue/connection.js';
import { CLI, ROOT, syntheticClip, pollUntil, temporaryFolder, withDeadline } from '../helpers.js';
import { forgetQueue, REDIS_URL, redisSkip, uniqueQueueName } from './queue-helpers.js';

const QUEUE_NAME = uniqueQueueName('batch');
const skip = await redisSkip('queue tests');

interface WorkerProcess {
  child: ChildProcess;
  stderr: () => string;
}

const workers: WorkerProcess[] = [];

/** A `v2m worker` process on the test's queue; resolves once it takes jobs. */
async function startWorker(data: string): Promise<WorkerProcess> {
  // Three-second locks: a dead worker's job is taken over within seconds, not half a minute.
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', REDIS_URL, '--queue-name', QUEUE_NAME, '--data', data, '--concurrency', '1', '--lock-seconds', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const worker = { child, stderr: () => stderr };
  workers.push(worker);
  await withDeadline('a worker to start', 30_000, new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('taking jobs') && resolve());
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}): ${stderr}`)));
  }));
  return worker;
}


after(async () => {
  for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!skip) await forgetQueue(QUEUE_NAME);
});

test('queue: two workers score a batch; a SIGKILLed worker\'s job finishes on the other, once; a poison file fails after its attempts', { skip, timeout: 300_000 }, async () => {
  const data = temporaryFolder('v2m-queue-');
  const videos = path.join(data, 'videos');
  const out = path.join(data, 'out');
  mkdirSync(videos);
  const generators = ['smptehdbars', 'testsrc2', 'mandelbrot', 'rgbtestsrc'];
  const clips = generators.map((generator, i) => syntheticClip(path.join(videos, `clip${i + 1}.mp4`), { seconds: 2, generator, size: '160x90' }));
  writeFileSync(path.join(videos, 'zz-poison.mp4'), 'not a video\n');

  const first = await startWorker(data);
  const second = await startWorker(data);
  const batch = spawn(process.execPath, [CLI, 'batch', videos, '--out', out, '--no-faces', '--queue', REDIS_URL, '--queue-name', QUEUE_NAME, '--data', data, '--attempts', '2', '--deadline', '0.05'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  batch.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  batch.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<number | null>((resolve) => batch.once('exit', resolve));

  // Kill the first worker while it scores: once its job has reported progress.
  const taken = /scoring (\S+) \(job (\S+),/;
  await pollUntil('the first worker to take a job', 60_000, () => taken.test(first.stderr()));
  const [, killedInput, killedJobId] = taken.exec(first.stderr())!;
  const watcher = new Queue(QUEUE_NAME, { connection: redisConnection(REDIS_URL) });
  try {
    await withDeadline('the job to report progress', 60_000, (async () => {
      while (!(Number((await watcher.getJob(killedJobId!))?.progress) > 0)) await new Promise((resolve) => setTimeout(resolve, 50));
    })());
  } finally {
    await watcher.close();
  }
  first.child.kill('SIGKILL');

  const code = await withDeadline('the batch to end', 240_000, finished);
  assert.equal(code, SOME_FAILED_EXIT_CODE, `exit code\n${stdout}\n${stderr}`);
  assert.doesNotMatch(first.stderr(), /scored/, 'the killed worker finished nothing');
  const killedStem = path.basename(killedInput, '.mp4');
  assert.match(second.stderr(), new RegExp(`${killedStem} scored`), 'the other worker finished the killed worker\'s job');

  // Exactly once: one complete output set per clip, nothing half-written, one "scored" per clip in all.
  const stems = clips.map((clip) => path.basename(clip, '.mp4'));
  const expected = stems.flatMap((stem) => ['.v2m.mp4', '.v2m.wav', '.v2m.mid', '.v2m.cues.json', '.v2m.report.html', '.v2m.markers.csv', '.v2m.markers.edl'].map((ending) => `${stem}${ending}`));
  assert.deepEqual(readdirSync(out).sort(), [...expected, 'batch-report.json'].sort());
  for (const stem of stems) {
    const scored = (first.stderr() + second.stderr()).split('\n').filter((line) => line === `v2m worker: ${stem} scored`).length;
    assert.equal(scored, 1, `${stem} scored once`);
  }

  const report = JSON.parse(readFileSync(path.join(out, 'batch-report.json'), 'utf8')) as BatchReport;
  assert.deepEqual(report.counts, { done: 4, skipped: 0, failed: 1 });
  const poison = report.videos.find((video) => video.stem === 'zz-poison')!;
  assert.equal(poison.status, 'failed');
  assert.match(poison.error!, /'videos\/zz-poison\.mp4' is not a video .*\(after 2 attempts\)/, 'the reason, with the path as the client knows it');
  assert.ok(!poison.error!.includes(data), 'no worker path in the reason');

  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(REDIS_URL) });
  try {
    const jobs = await queue.getJobs(['completed', 'failed']);
    assert.equal(jobs.length, 5);
    for (const job of jobs) {
      assert.ok(!path.isAbsolute(job.data.input) && !job.data.input.includes('..'), `job data holds relative paths: ${job.data.input}`);
    }
    const killedJob = jobs.find((job) => job.data.input === killedInput)!;
    assert.match(String(killedJob.returnvalue.worker), new RegExp(`:${second.child.pid}$`), 'the killed job\'s result came from the other worker');
    assert.notEqual(killedJob.returnvalue.alreadyDone, true, 'the other worker scored it (the killed one had not finished it)');
  } finally {
    await queue.close();
  }
  // The killed worker's score process went with it (it ends when its parent's channel closes).
  await pollUntil('the orphaned score process to end', 20_000, () => orphanedScoreProcesses(second.child.pid!).length === 0);
});

/** Score processes of this checkout whose parent is not `parent` (a living worker). */
function orphanedScoreProcesses(parent: number): number[] {
  const child = path.join(ROOT, 'dist', 'batch', 'score-child.js');
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(child)) return false;
        const parentPid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
        return parentPid !== parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}
