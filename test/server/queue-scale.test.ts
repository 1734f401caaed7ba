// Scale-out evidence for `v2m serve --queue` on a real Redis (V2M_REDIS_URL, or redis://127.0.0.1:6379;
// skipped with one line when none answers). The server and three `v2m worker`s are separate
// processes that share nothing but Redis and the data folder — each worker in a network namespace of
// its own where the machine allows it (unshare --net: no network, Redis through a Unix socket that
// forwards to it), so that it could not reach the server even if it tried. Twenty clips go in through the HTTP
// API; one worker is SIGKILLed while it scores, and its job must finish on another. Every job ends
// done exactly once ("scored" once in all the workers' logs, BullMQ's completed count), with outputs
// that are its own (its name, seed and length in its cue sheet, a WAV of its length). Around that:
// a job whose video vanished fails at once with its reason and, its video back, is retried to done;
// a queued job and a running one are deleted; a regenerated job reuses its parent's analysis;
// progress streams over server-sent events; another client's token opens nothing. The queue has a
// name of its own and is removed afterwards.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/queue/connection.js';
import { CLI, pollUntil, syntheticClip, temporaryFolder, withDeadline } from '../helpers.js';
import { forgetQueue, isolatedNetworkPrefix, REDIS_URL, redisSkip, redisSocketProxy, uniqueQueueName } from '../cli/queue-helpers.js';
import { getJob, upload, waitForJob, type Job } from './server-helpers.js';

const skip = await redisSkip('the serve --queue scale-out test');
const QUEUE_NAME = uniqueQueueName('serve');
const JOBS = 20;
/** Lengths of the clips the jobs take in turn: a job's outputs must have its own clip's length. */
const CLIP_SECONDS = [2, 2.5, 3, 3.5];

interface Running {
  child: ChildProcess;
  output: () => string;
}
const processes: Running[] = [];

/** A v2m process (after `prefix`, e.g. unshare); resolves once its output says `ready`. */
async function startProcess(args: string[], ready: RegExp, prefix: string[] = []): Promise<Running & { match: RegExpExecArray }> {
  const [command, ...rest] = [...prefix, process.execPath, CLI, ...args];
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const running = { child, output: () => output };
  processes.push(running);
  const match = await withDeadline(`v2m ${args[0]} to start`, 30_000, new Promise<RegExpExecArray>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const found = ready.exec(output);
      if (found) resolve(found);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`v2m ${args[0]} exited (${code}): ${output}`)));
  }));
  return { ...running, match };
}

const workerArgs = (redis: string, data: string) => ['worker', '--queue', redis, '--queue-name', QUEUE_NAME, '--data', data, '--concurrency', '1', '--lock-seconds', '5'];
/** Workers get a network namespace of their own where this machine allows it: no network, Redis through a socket. */
const ISOLATION = skip ? undefined : isolatedNetworkPrefix();
let proxy: Awaited<ReturnType<typeof redisSocketProxy>> | undefined;

after(async () => {
  for (const { child } of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await proxy?.close();
  if (!skip) await forgetQueue(QUEUE_NAME);
});

test('serve --queue: 20 jobs through the API on three workers, one SIGKILLed mid-job; every job done once with its own outputs', { skip, timeout: 300_000 }, async () => {
  const data = temporaryFolder('v2m-serve-queue-');
  const clipFolder = temporaryFolder('v2m-serve-clips-');
  const clips = CLIP_SECONDS.map((seconds, index) => syntheticClip(path.join(clipFolder, `clip${index}.mp4`), { seconds, size: '160x90', rate: 12, generator: ['testsrc2', 'smptebars', 'mandelbrot', 'rgbtestsrc'][index] }));

  const server = await startProcess(['serve', '--port', '0', '--data', data, '--queue', REDIS_URL, '--queue-name', QUEUE_NAME], /listening on (http:\/\/\S+)/);
  const base = server.match[1]!;
  // The workers share nothing with the server but Redis and the data folder: each in a network namespace of
  // its own (it cannot reach 127.0.0.1:6379 or the server's port), Redis through a socket in a folder.
  let workerRedis = REDIS_URL;
  if (ISOLATION) {
    proxy = await redisSocketProxy(temporaryFolder('v2m-redis-socket-'));
    workerRedis = proxy.url;
    const probe = spawnSync(ISOLATION[0]!, [...ISOLATION.slice(1), process.execPath, '-e', `require('net').connect(${new URL(base).port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(3))`], { timeout: 20_000 });
    assert.equal(probe.status, 3, 'a process in the workers\' namespace cannot reach the server over the network');
  } else {
    console.log('# serve --queue test: unshare --net is not allowed here; the workers are separate processes on the same network');
  }
  const workers: Running[] = [];
  for (let index = 0; index < 3; index += 1) workers.push(await startProcess(workerArgs(workerRedis, data), /taking jobs/, ISOLATION));
  const health = (await (await fetch(`${base}/health`)).json()) as { backend: string; workers: number; concurrency: number };
  assert.deepEqual([health.backend, health.workers, health.concurrency], ['redis', 3, 0], 'the server scores nothing itself; three workers');

  // Twenty jobs, each with its own name and seed, taking the four clips in turn.
  const submitted: Job[] = [];
  for (let index = 0; index < JOBS; index += 1) {
    const response = await upload(base, clips[index % clips.length]!, { seed: String(index), faces: 'false' }, `job-${String(index).padStart(2, '0')}.mp4`);
    assert.equal(response.status, 202, await response.clone().text());
    submitted.push((await response.json()) as Job);
  }
  // Behind them in the queue: a job whose video vanishes from the shared folder, and one deleted while queued.
  const vanishing = (await (await upload(base, clips[0]!, { faces: 'false' }, 'vanishing.mp4')).json()) as Job;
  rmSync(path.join(data, 'jobs', vanishing.id, 'input'));
  const deletedQueued = (await (await upload(base, clips[0]!, { faces: 'false' }, 'deleted-queued.mp4')).json()) as Job;
  assert.equal((await fetch(`${base}/jobs/${deletedQueued.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(`${base}/jobs/${deletedQueued.id}`)).status, 404);

  // The last job's progress, streamed (server-sent events from BullMQ's own event stream) from while it waits until it is done.
  const streamed = readEventsUntilDone(`${base}/jobs/${submitted.at(-1)!.id}/events`);

  // Kill a worker while it scores: a job some worker has started, seen over the API half-way (0 < progress < 0.6).
  const owner = (id: string) => workers.findIndex((worker) => worker.output().includes(`scoring job ${id}`));
  const scoredBy = (id: string) => workers.filter((worker) => worker.output().split('\n').includes(`v2m worker: ${id} scored`)).length;
  let victim: { job: string; worker: number } | undefined;
  await withDeadline('a job half-way on some worker', 90_000, (async () => {
    while (!victim) {
      if (workers.some((worker) => / failed \(attempt/.test(worker.output()))) throw new Error(`a job failed:\n${workers.map((worker) => worker.output()).join('\n')}`);
      for (const job of submitted) {
        const worker = owner(job.id);
        if (worker < 0 || scoredBy(job.id) > 0) continue;
        const seen = await getJob(base, job.id);
        if (seen.state === 'running' && seen.progress > 0 && seen.progress < 0.6) victim = { job: job.id, worker };
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  })());
  const killed = workers[victim!.worker]!;
  killed.child.kill('SIGKILL');

  const finished = await withDeadline('all jobs to finish', 240_000, Promise.all(submitted.map((job) => waitForJob(base, job.id, 240_000))));
  for (const job of finished) assert.equal(job.state, 'done', `${job.name}: ${job.error}`);

  // Exactly once: one "scored" per job in all the workers' logs, none for the killed job from the killed worker.
  for (const job of submitted) assert.equal(scoredBy(job.id), 1, `job ${job.name} scored once`);
  assert.ok(!killed.output().includes(`${victim!.job} scored`), 'the killed worker did not finish its job');
  const victimJob = finished.find((job) => job.id === victim!.job)!;
  assert.ok(victimJob.attempts >= 2, `the killed worker's job was started again (attempts ${victimJob.attempts})`);

  // Each job's outputs are its own: its name, seed and length in its cue sheet, a WAV of its length, nothing half-made left.
  for (const [index, job] of finished.entries()) {
    const seconds = CLIP_SECONDS[index % CLIP_SECONDS.length]!;
    assert.equal(job.name, `job-${String(index).padStart(2, '0')}.mp4`);
    assert.ok(Math.abs(job.summary!.duration - seconds) < 0.1, `${job.name}: summary duration ${job.summary!.duration}, clip ${seconds}`);
    const cues = (await (await fetch(`${base}${job.results!.cues}`)).json()) as { seed: number; input: { path: string; duration: number } };
    assert.deepEqual([cues.input.path, cues.seed], [job.name, index], `${job.name}: its own cue sheet`);
    const wav = Buffer.from(await (await fetch(`${base}${job.results!.audio}`)).arrayBuffer());
    assert.ok(Math.abs(wavSeconds(wav) - seconds) < 0.15, `${job.name}: WAV of ${wavSeconds(wav)} s for a ${seconds} s clip`);
    assert.equal((await fetch(`${base}${job.results!.video}`, { method: 'HEAD' })).status, 200);
    assert.deepEqual(readdirSync(path.join(data, 'jobs', job.id)).filter((name) => name.startsWith('.staging-')), [], `${job.name}: no staging folder left`);
  }

  // The vanished video fails for good with the reason; its retry is refused (no video); the queued deletion is gone from Redis.
  const failed = await waitForJob(base, vanishing.id, 60_000);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error!, /video is not in the shared data folder/);
  assert.equal(failed.attempts, 1, 'a job that cannot succeed is not tried again');
  assert.equal((await fetch(`${base}/jobs/${vanishing.id}/retry`, { method: 'POST' })).status, 409);
  // With its video back in the shared folder, a retry runs it again from the start (attempts reset) and it is done.
  copyFileSync(clips[0]!, path.join(data, 'jobs', vanishing.id, 'input'));
  assert.equal((await fetch(`${base}/jobs/${vanishing.id}/retry`, { method: 'POST' })).status, 202);
  const retried = await waitForJob(base, vanishing.id, 60_000);
  assert.deepEqual([retried.state, retried.error, retried.attempts], ['done', null, 1], 'the retried job is done');

  const stream = await withDeadline('the event stream to end', 10_000, streamed);
  assert.match(stream, /"state":"running","progress":0\.\d*[1-9]/, 'the stream showed the job running, with its progress');
  assert.match(stream, /"state":"done"/);

  // Another client's token opens nothing; the owner's list holds every job it made.
  assert.equal((await fetch(`${base}/jobs/${submitted[0]!.id}`, { headers: { authorization: `Bearer ${'x'.repeat(43)}` } })).status, 404);
  const listed = (await (await fetch(`${base}/jobs`)).json()) as { jobs: Job[] };
  assert.deepEqual(listed.jobs.map((job) => job.id).sort(), [...submitted.map((job) => job.id), vanishing.id].sort());

  // Regenerate reuses the analysis (made by some worker, read by another from the shared folder).
  const regenerated = (await (await fetch(`${base}/jobs/${submitted[1]!.id}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ style: 'piano' }) })).json()) as Job;
  const regeneratedDone = await waitForJob(base, regenerated.id, 60_000);
  assert.equal(regeneratedDone.state, 'done', String(regeneratedDone.error));
  assert.equal(regeneratedDone.reusedAnalysis, true);
  assert.equal(regeneratedDone.summary!.style, 'piano');

  // A running job deleted: gone at once for the client, stopped by its worker, removed from Redis, never scored.
  const longClip = syntheticClip(path.join(clipFolder, 'long.mp4'), { seconds: 8, size: '160x90', rate: 12 });
  const running = (await (await upload(base, longClip, { faces: 'false' }, 'deleted-running.mp4')).json()) as Job;
  await pollUntilAsync('the job to run', 60_000, async () => (await getJob(base, running.id)).progress > 0);
  assert.equal((await fetch(`${base}/jobs/${running.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(`${base}/jobs/${running.id}`)).status, 404);
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(REDIS_URL) });
  try {
    await pollUntilAsync('the deleted running job to leave Redis', 30_000, async () => (await queue.getJob(running.id)) === undefined);
    assert.equal(await queue.getJob(deletedQueued.id), undefined);
    assert.equal(scoredBy(running.id), 0, 'the deleted job was stopped, not finished');
    const counts = await queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
    assert.deepEqual(counts, { completed: JOBS + 2, failed: 0, active: 0, waiting: 0, delayed: 0 }, 'no job lost or duplicated');
  } finally {
    await queue.close();
  }
  assert.ok(!existsSync(path.join(data, 'jobs', running.id)), 'the deleted job\'s folder is gone');

  // A clean stop: the server and the workers leave on SIGTERM.
  for (const { child } of [server, ...workers.filter((worker) => worker !== killed)]) child.kill('SIGTERM');
  await withDeadline('the server and workers to stop', 30_000, Promise.all([server, ...workers.filter((worker) => worker !== killed)].map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))))));
});

/** The length of a PCM WAV in seconds, from its header (fmt and data chunks). */
function wavSeconds(wav: Buffer): number {
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  let offset = 12;
  let bytesPerSecond = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') bytesPerSecond = wav.readUInt32LE(offset + 16);
    if (id === 'data') return size / bytesPerSecond;
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk in the WAV');
}

/** The text of a server-sent event stream until an event shows the job done or failed. */
async function readEventsUntilDone(url: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (/"state":"(done|failed)"/.test(text)) break;
    }
  } finally {
    controller.abort();
  }
  return text;
}

/** pollUntil for a check that has to ask over the network. */
async function pollUntilAsync(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  let answer = false;
  let asking = false;
  await pollUntil(what, ms, () => {
    if (!asking) {
      asking = true;
      void check().then(
        (value) => ((answer = value), (asking = false)),
        () => (asking = false),
      );
    }
    return answer;
  });
}

test('serve --queue with a Redis that does not answer ends with exit 2 and says so (no hang)', { timeout: 90_000 }, async () => {
  const data = temporaryFolder('v2m-serve-noredis-');
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', data, '--queue', 'redis://127.0.0.1:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push({ child, output: () => '' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await withDeadline('serve to give up on Redis', 60_000, new Promise<number | null>((resolve) => child.once('exit', resolve)));
  assert.equal(code, 2, stderr);
  assert.match(stderr, /Redis at redis:\/\/127\.0\.0\.1:1 does not answer \(waited 15 s\)\. Start it, or give its address with --queue/);
});
