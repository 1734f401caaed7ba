// How long a plain `GET /jobs/:id` waits while a job runs (issue 17: 11–15 s when every analysed frame
// was a synchronous store write; the goal is < 1 s). The built server on a temporary data folder, one
// upload, then a GET every 100 ms until the job ends; the slowest GET is the figure.
//
//   node --import tsx bench/server-latency.ts [FILE]    default: ../shared/media/people-one-by-one-139s.mp4
//   (npm run bench prints it too, after its table, when that clip is there)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LATENCY_CLIP = path.resolve(root, '..', 'shared', 'media', 'people-one-by-one-139s.mp4');

/** Any single request slower than this is a hung server, not a figure. */
const REQUEST_DEADLINE_MS = 60_000;
/** A whole job on the 139 s clip takes about a minute alone; a loaded machine gets ample room. */
const JOB_DEADLINE_MS = 15 * 60_000;
const POLL_EVERY_MS = 100;

export interface PollLatency {
  clip: string;
  /** GETs answered while the job was queued or running. */
  requests: number;
  maxMs: number;
  medianMs: number;
  jobSeconds: number;
  state: string;
}

interface JobAnswer {
  id: string;
  state: string;
  token?: string;
  error?: string | null;
}

export async function measurePollLatency(clip: string): Promise<PollLatency> {
  // The built server (npm run bench builds first), as `v2m serve` runs it.
  const { startServer } = (await import(pathToFileURL(path.join(root, 'dist', 'server', 'index.js')).href)) as typeof import('../src/server/index.js');
  const dataFolder = mkdtempSync(path.join(os.tmpdir(), 'v2m-bench-server-'));
  const server = await startServer({ port: 0, dataFolder });
  try {
    const form = new FormData();
    form.append('video', new Blob([readFileSync(clip)]), path.basename(clip));
    const created = (await (await fetch(`${server.url}/jobs`, { method: 'POST', body: form, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) })).json()) as JobAnswer;
    if (!created.token) throw new Error(`The upload was refused: ${JSON.stringify(created)}`);
    const headers = { authorization: `Bearer ${created.token}` };
    const started = performance.now();
    const latencies: number[] = [];
    let job = created;
    while (job.state === 'queued' || job.state === 'running') {
      if (performance.now() - started > JOB_DEADLINE_MS) throw new Error(`The job was still ${job.state} after ${JOB_DEADLINE_MS / 60_000} minutes.`);
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
      const sent = performance.now();
      const response = await fetch(`${server.url}/jobs/${created.id}`, { headers, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });
      job = (await response.json()) as JobAnswer;
      latencies.push(performance.now() - sent);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      clip,
      requests: latencies.length,
      maxMs: sorted.at(-1) ?? 0,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      jobSeconds: (performance.now() - started) / 1000,
      state: job.state === 'failed' ? `failed: ${job.error}` : job.state,
    };
  } finally {
    await server.close();
    rmSync(dataFolder, { recursive: true, force: true });
  }
}

export function pollLatencyLine(result: PollLatency): string {
  return (
    `GET /jobs/:id while a job runs on ${path.basename(result.clip)}: slowest ${result.maxMs.toFixed(0)} ms, median ${result.medianMs.toFixed(0)} ms ` +
    `over ${result.requests} GETs every ${POLL_EVERY_MS} ms; the job took ${result.jobSeconds.toFixed(1)} s (${result.state})`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(pollLatencyLine(await measurePollLatency(process.argv[2] ?? LATENCY_CLIP)));
}
