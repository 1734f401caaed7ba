// Helpers for the server tests: a tiny clip, uploads over real HTTP, waiting for jobs.

import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { JobView } from '../../src/server/app.js';
import { ffmpeg } from '../helpers.js';

export type Job = JobView;

/** A 1-second 160×90 test pattern (MPEG-4), so that many jobs finish quickly. */
export function tinyClip(folder: string, seconds = 1): string {
  const file = path.join(folder, `tiny-${seconds}s.mp4`);
  ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=160x90:rate=12:duration=${seconds}`, '-c:v', 'mpeg4', '-q:v', '5', file]);
  return file;
}

export async function upload(baseUrl: string, file: string, fields: Record<string, string> = {}, clientName = path.basename(file)): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('video', new Blob([readFileSync(file)]), clientName);
  return fetch(`${baseUrl}/jobs`, { method: 'POST', body: form });
}

/** How long one request to the test server may take before the test says so. */
const REQUEST_TIMEOUT_MS = 15_000;

export async function getJob(baseUrl: string, id: string): Promise<Job> {
  const response = await fetch(`${baseUrl}/jobs/${id}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET /jobs/${id} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Job;
}

/** Polls until the job is done or failed; fails, saying where the job stood, after `timeoutMs`. */
export async function waitForJob(baseUrl: string, id: string, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(baseUrl, id);
    if (job.state === 'done' || job.state === 'failed') return job;
    if (Date.now() > deadline) {
      throw new Error(`Job ${id} was still ${job.state} (progress ${job.progress.toFixed(2)}) after ${timeoutMs / 1000} s of waiting for it to finish.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every file under `folder`, relative to it. */
export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(path.join(folder, name)).isFile())
    .sort();
}

/**
 * The server gives a job only to the token that created it. These tests speak as one client, as the
 * web page does: one token for the test process, sent with every request that brings no
 * Authorization of its own. (test/server/access.test.ts, which checks other clients, does not import this file.)
 */
export const CLIENT_TOKEN = randomBytes(32).toString('base64url');
const fetchWithoutToken = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${CLIENT_TOKEN}`);
  return fetchWithoutToken(input, { ...init, headers });
};
