// The page's client of the v2m HTTP API (the same routes /docs describes).

import type { JobView } from '../../src/server/app.js';
import type { CueSheet } from '../../src/report/cues.js';
import type { OptionSpec } from '../../src/config.js';

export type Job = JobView;

export interface Choices {
  /** The option table (src/config.ts): the page's controls are made from it. */
  controls: OptionSpec[];
  defaults: Record<string, string | number | boolean>;
  uploadLimitBytes: number;
}

/** Options as the controls hold them: the server checks them (and says what is wrong), not the page. */
export type JobOptions = Record<string, string | number | boolean>;

/**
 * This browser's capability token: made here once (256 random bits) and kept in localStorage. The
 * server gives a job only to the token that created it, so every request about jobs carries it —
 * as a header, or as ?token= on the links the browser opens itself (player, downloads, report).
 */
const TOKEN_KEY = 'v2m-token';
let memoryToken: string | undefined;

function clientToken(): string {
  const stored = safeStorage(() => localStorage.getItem(TOKEN_KEY)) ?? memoryToken;
  if (stored) return stored;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  memoryToken = token;
  safeStorage(() => localStorage.setItem(TOKEN_KEY, token));
  return token;
}

/** localStorage throws where storage is off (some private windows): the token then lasts as long as the page. */
function safeStorage<T>(use: () => T): T | undefined {
  try {
    return use();
  } catch {
    return undefined;
  }
}

const authorized = (): Record<string, string> => ({ authorization: `Bearer ${clientToken()}` });

/** A link the browser opens by itself (no headers): the token goes in the query. */
export function withToken(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(clientToken())}`;
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `The server answered ${response.status}.`);
  return body;
}

export const api = {
  choices: () => fetch('/options').then((r) => json<Choices>(r)),
  jobs: () => fetch('/jobs', { headers: authorized() }).then((r) => json<{ jobs: Job[] }>(r)).then((r) => r.jobs),
  job: (id: string) => fetch(`/jobs/${encodeURIComponent(id)}`, { headers: authorized() }).then((r) => json<Job>(r)),
  cues: (job: Job) => fetch(job.results!.cues, { headers: authorized() }).then((r) => json<CueSheet>(r)),
  regenerate: (id: string, options: JobOptions) =>
    fetch(`/jobs/${encodeURIComponent(id)}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorized() }, body: JSON.stringify(options) }).then((r) => json<Job>(r)),

  /** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
  upload(file: File, options: JobOptions, onProgress: (fraction: number) => void): Promise<Job> {
    const form = new FormData();
    for (const [name, value] of Object.entries(options)) if (value !== undefined && value !== '') form.append(name, String(value));
    form.append('video', file, file.name);
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', '/jobs');
      request.setRequestHeader('authorization', authorized().authorization!);
      request.responseType = 'json';
      request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
      request.onload = () => {
        const body = request.response as (Job & { error?: string }) | null;
        if (request.status === 202 && body) resolve(body);
        else reject(new Error(body?.error ?? `The upload failed (${request.status}).`));
      };
      request.onerror = () => reject(new Error('The upload failed: the server could not be reached.'));
      request.send(form);
    });
  },

  /** Follows a job over server-sent events until it is done, failed or deleted. */
  follow(id: string, onJob: (job: Job) => void): () => void {
    const source = new EventSource(withToken(`/jobs/${encodeURIComponent(id)}/events`));
    source.addEventListener('job', (event) => {
      const job = JSON.parse((event as MessageEvent<string>).data) as Job;
      onJob(job);
      if (job.state === 'done' || job.state === 'failed') source.close();
    });
    source.addEventListener('deleted', () => source.close());
    return () => source.close();
  },
};
