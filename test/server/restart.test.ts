// Durable jobs: `v2m serve` killed with SIGKILL mid-job, then started again on the same data folder.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, syntheticClip, temporaryFolder, withDeadline } from '../helpers.js';
import { getJob, upload, waitForJob, type Job } from './server-helpers.js';

/** Starts the built CLI's server and resolves with its URL once it listens. */
function serve(data: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', data, '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const listening = new Promise<{ process: ChildProcess; url: string }>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ process: child, url });
    });
    child.once('exit', (code) => reject(new Error(`v2m serve exited (${code}) before listening: ${output}`)));
  });
  return withDeadline('v2m serve to print that it listens', 30_000, listening).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
}

/** Resolves when the process has exited (at once if it already has), or fails after `ms`. */
function exited(child: ChildProcess, what: string, ms = 30_000): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return withDeadline(what, ms, new Promise((resolve) => child.once('exit', resolve)));
}

/** Processes whose scratch folder is this data folder's: the job workers of that server. */
function workersOf(data: string): number[] {
  const marker = `TMPDIR=${path.join(data, 'tmp')}`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a server killed with SIGKILL mid-job resumes every job after a restart', { timeout: 240_000 }, async () => {
  const data = path.join(temporaryFolder('v2m-serve-kill-'), 'data');
  // Ten seconds of 720p: long enough to catch the first job part-way.
  const clip = syntheticClip(path.join(temporaryFolder('v2m-clip-'), 'pattern-720p.mp4'), { seconds: 10, size: '1280x720' });
  const first = await serve(data);
  const ids: string[] = [];
  for (const seed of [1, 2, 3]) {
    const response = await upload(first.url, clip, { faces: 'false', seed: String(seed) });
    assert.equal(response.status, 202);
    ids.push(((await response.json()) as Job).id);
  }
  const interrupted = await until('a job to be well under way', async () => {
    const job = await getJob(first.url, ids[0]!);
    return job.state === 'running' && job.progress > 0.2 ? job : undefined;
  });
  assert.ok(workersOf(data).length > 0, 'the job runs in a worker process');

  first.process.kill('SIGKILL');
  await exited(first.process, 'the killed server to exit');
  await until('the orphaned job worker to exit', () => (workersOf(data).length === 0 ? true : undefined), 10_000);

  const second = await serve(data);
  try {
    const jobs = ((await (await fetch(`${second.url}/jobs`)).json()) as { jobs: Job[] }).jobs;
    assert.deepEqual(jobs.map((job) => job.id).sort(), [...ids].sort(), 'no job lost, none duplicated');
    for (const job of jobs) assert.ok(['queued', 'running', 'done', 'failed'].includes(job.state));
    const resumed = jobs.find((job) => job.id === interrupted.id)!;
    assert.ok(resumed.progress >= interrupted.progress, 'progress does not go backwards across the restart');

    const finished = await Promise.all(ids.map((id) => waitForJob(second.url, id)));
    assert.deepEqual(
      finished.map((job) => job.state),
      ['done', 'done', 'done'],
    );
    assert.equal(finished[0]!.attempts, 2, 'the interrupted job ran again');
    assert.deepEqual(
      finished.slice(1).map((job) => job.attempts),
      [1, 1],
    );
    const rival = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--data', data], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(rival.status, 2, 'a second server on the same data folder is refused');
    assert.match(rival.stderr, /Another v2m serve \(process \d+\) is using the data folder/);
    const video = await fetch(`${second.url}${finished[0]!.results!.video}`);
    assert.equal(video.status, 200);
    assert.ok((await video.arrayBuffer()).byteLength > 10_000);
  } finally {
    second.process.kill('SIGTERM');
    await exited(second.process, 'the second server to stop on SIGTERM');
  }
  assert.deepEqual(workersOf(data), [], 'a stopped server leaves no worker behind');
});
