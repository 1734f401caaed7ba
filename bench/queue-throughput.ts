// Throughput of `v2m serve --queue` with 1 and then 2 `v2m worker` processes (--concurrency 1 each),
// and what each job costs the shared parts: Redis commands (the Redis's own counter, before and
// after) and bytes in the shared data folder (the job's folder: its input, analysis, poster, outputs).
// The built CLI, a Redis (V2M_REDIS_URL or redis://127.0.0.1:6379; skipped with one line when none
// answers), a queue of its own per run (removed afterwards), and a synthetic clip made with ffmpeg.
//
//   node --import tsx bench/queue-throughput.ts [JOBS] [CLIP_SECONDS]      defaults: 12 jobs of a 6 s clip
//   (npm run bench prints it too, after its table)
//
// The Redis counter is the server's as a whole: anything else using that Redis at the same time counts
// too. The bench's own waiting is one GET /health a second (a few commands), included.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_LOCK_SECONDS, redisConnection } from '../src/queue/connection.js';
import { toolPath } from '../src/media/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(root, 'dist', 'cli', 'main.js');
const REDIS_URL = process.env.V2M_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** No run of a dozen short jobs takes this long, however loaded the machine. */
const RUN_DEADLINE_MS = 15 * 60_000;
const START_DEADLINE_MS = 30_000;

export interface ThroughputRun {
  workers: number;
  jobs: number;
  seconds: number;
  jobsPerMinute: number;
  redisCommandsPerJob: number;
  /** Bytes of a job's folder once done: the upload, analysis, poster and outputs. */
  bytesPerJob: number;
  inputBytes: number;
}

export interface Throughput {
  clipSeconds: number;
  runs: ThroughputRun[];
}

async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (answer: boolean) => (socket.destroy(), resolve(answer));
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Why the bench cannot run here, or undefined. */
export async function queueBenchSkipped(): Promise<string | undefined> {
  return (await redisAnswers(REDIS_URL)) ? undefined : `queue throughput skipped: no Redis answers at ${REDIS_URL} (set V2M_REDIS_URL)`;
}

function start(args: string[], ready: RegExp, children: ChildProcess[]): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`v2m ${args[0]} did not start within ${START_DEADLINE_MS / 1000} s: ${output}`)), START_DEADLINE_MS);
    const look = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const found = ready.exec(output);
      if (found) (clearTimeout(timer), resolve(found));
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`v2m ${args[0]} exited (${code}): ${output}`))));
  });
}

async function totalCommands(redis: Redis): Promise<number> {
  const stats = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? NaN);
}

function folderBytes(folder: string): number {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => statSync(path.join(folder, name)))
    .filter((info) => info.isFile())
    .reduce((sum, info) => sum + info.size, 0);
}

async function runWith(workers: number, jobs: number, clip: string): Promise<ThroughputRun> {
  const queueName = `v2m-bench-${process.pid}-${workers}-${Date.now().toString(36)}`;
  const data = mkdtempSync(path.join(os.tmpdir(), 'v2m-bench-queue-'));
  const children: ChildProcess[] = [];
  const redis = new Redis({ ...(redisConnection(REDIS_URL) as object), maxRetriesPerRequest: 3 });
  try {
    const [, base] = await start(['serve', '--port', '0', '--data', data, '--queue', REDIS_URL, '--queue-name', queueName], /listening on (http:\/\/\S+)/, children);
    for (let index = 0; index < workers; index += 1) {
      await start(['worker', '--queue', REDIS_URL, '--queue-name', queueName, '--data', data, '--concurrency', '1', '-q'], /taking jobs/, children);
    }
    const video = new Blob([readFileSync(clip)]);
    const before = await totalCommands(redis);
    const started = performance.now();
    let token: string | undefined;
    const ids: string[] = [];
    for (let index = 0; index < jobs; index += 1) {
      const form = new FormData();
      form.append('seed', String(index));
      form.append('video', video, `bench-${index}.mp4`);
      const response = await fetch(`${base}/jobs`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(60_000) });
      const job = (await response.json()) as { id: string; token: string };
      if (response.status !== 202) throw new Error(`upload refused: ${JSON.stringify(job)}`);
      token = job.token;
      ids.push(job.id);
    }
    for (;;) {
      if (performance.now() - started > RUN_DEADLINE_MS) throw new Error(`the jobs were not done after ${RUN_DEADLINE_MS / 60_000} minutes`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const health = (await (await fetch(`${base}/health`, { signal: AbortSignal.timeout(30_000) })).json()) as { queued: number; running: number };
      if (health.queued === 0 && health.running === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await totalCommands(redis);
    const listed = (await (await fetch(`${base}/jobs`, { headers: { authorization: `Bearer ${token}` } })).json()) as { jobs: Array<{ id: string; state: string; error: string | null }> };
    const failed = listed.jobs.filter((job) => job.state !== 'done');
    if (failed.length > 0 || listed.jobs.length !== jobs) throw new Error(`${failed.length} of ${listed.jobs.length} jobs not done: ${failed[0]?.error}`);
    const bytes = ids.map((id) => folderBytes(path.join(data, 'jobs', id)));
    return {
      workers,
      jobs,
      seconds,
      jobsPerMinute: (jobs / seconds) * 60,
      redisCommandsPerJob: (after - before) / jobs,
      bytesPerJob: bytes.reduce((sum, value) => sum + value, 0) / jobs,
      inputBytes: statSync(clip).size,
    };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const queue = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${queueName}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    redis.disconnect();
    rmSync(data, { recursive: true, force: true });
  }
}

export async function measureQueueThroughput(jobs = 12, clipSeconds = 6): Promise<Throughput> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'v2m-bench-clip-'));
  try {
    const clip = path.join(folder, 'clip.mp4');
    const made = spawnSync(toolPath('ffmpeg'), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25`, '-t', String(clipSeconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip], { encoding: 'utf8', timeout: 60_000 });
    if (made.status !== 0) throw new Error(`ffmpeg could not make the clip: ${made.stderr}`);
    const runs = [await runWith(1, jobs, clip), await runWith(2, jobs, clip)];
    return { clipSeconds, runs };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function throughputLines(result: Throughput): string[] {
  const [one, two] = result.runs as [ThroughputRun, ThroughputRun];
  const megabytes = (bytes: number) => (bytes / 1024 ** 2).toFixed(2);
  return [
    `queue throughput (serve --queue, ${one.jobs} jobs of a ${result.clipSeconds} s 320x180 clip, workers --concurrency 1, ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}): ` +
      `1 worker ${one.jobsPerMinute.toFixed(1)} jobs/min, 2 workers ${two.jobsPerMinute.toFixed(1)} jobs/min, ratio ${(two.jobsPerMinute / one.jobsPerMinute).toFixed(2)}`,
    `  per job: ~${Math.round((one.redisCommandsPerJob + two.redisCommandsPerJob) / 2)} Redis commands (1 worker ${Math.round(one.redisCommandsPerJob)}, 2 workers ${Math.round(two.redisCommandsPerJob)}; locks renewed every ${DEFAULT_LOCK_SECONDS / 2} s, progress per stage and 1 % step), ` +
      `${megabytes(one.bytesPerJob)} MB in the shared folder (upload ${megabytes(one.inputBytes)} MB written by the server and read by a worker; analysis, poster and outputs written by the worker)`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const skipped = await queueBenchSkipped();
  if (skipped) console.log(skipped);
  else for (const line of throughputLines(await measureQueueThroughput(Number(process.argv[2] ?? 12), Number(process.argv[3] ?? 6)))) console.log(line);
}
