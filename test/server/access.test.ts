// The server as an attacker meets it: a job belongs to the token that created it (another client
// gets 404 on every route and never sees it listed), requests must name this server (Host) and
// come from its pages (Origin), every answer says nosniff and refuses framing, and the report has a
// CSP. Also the hygiene around it: a failed job can be retried, scratch folders go with their job,
// multipart mistakes are 400s that say what to send, and `serve` setup mistakes are usage errors.
// (This file does not import server-helpers.ts, whose fetch speaks with a token of its own.)

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { ffmpeg, runCli, temporaryFolder, withDeadline } from '../helpers.js';

const folder = temporaryFolder('v2m-access-');
const data = path.join(folder, 'data');
let server: RunningServer;

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/** Every answer the server gave in this file, to check the headers all of them must carry. */
const answers: Array<{ what: string; headers: Headers }> = [];

async function call(what: string, url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  answers.push({ what, headers: response.headers });
  // An event stream never ends on its own: its status and headers are all a test needs.
  const body = response.headers.get('content-type')?.startsWith('text/event-stream') ? (await response.body?.cancel(), '') : await response.text();
  return { status: response.status, headers: response.headers, body };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function clip(name: string, seconds = 1): string {
  const file = path.join(folder, name);
  ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=160x90:rate=12:duration=${seconds}`, '-c:v', 'mpeg4', '-q:v', '5', file]);
  return file;
}

async function upload(file: string, headers: Record<string, string> = {}, fields: Record<string, string> = {}): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ faces: 'false', ...fields })) form.append(name, value);
  form.append('video', new Blob([readFileSync(file)]), path.basename(file));
  return call('POST /jobs', `${server.url}/jobs`, { method: 'POST', body: form, headers });
}

async function waitUntilFinished(id: string, token: string, timeoutMs = 120_000): Promise<{ state: string; error: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call('GET /jobs/:id', `${server.url}/jobs/${id}`, { headers: bearer(token) });
    assert.equal(answer.status, 200, answer.body);
    const job = JSON.parse(answer.body) as { state: string; error: string | null };
    if (job.state === 'done' || job.state === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A raw request with a Host header of our choosing (fetch sets its own). */
function rawRequest(hostHeader: string, method = 'GET', urlPath = '/health'): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(server.url);
  return withDeadline(
    `${method} ${urlPath} with Host ${hostHeader}`,
    15_000,
    new Promise((resolve, reject) => {
      const request = http.request({ host: hostname, port, path: urlPath, method, headers: { host: hostHeader } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      });
      request.on('error', reject);
      request.end();
    }),
  );
}

describe('access to jobs', { timeout: 240_000 }, () => {
  let owner: string;
  let jobId: string;
  const stranger = randomBytes(32).toString('base64url');

  before(async () => {
    server = await startServer({ port: 0, dataFolder: data, concurrency: 1 });
    const created = await upload(clip('mine.mp4'));
    assert.equal(created.status, 202, created.body);
    const job = JSON.parse(created.body) as { id: string; token: string };
    assert.match(job.token, /^[A-Za-z0-9_-]{43}$/, 'a new client gets a 256-bit token');
    owner = job.token;
    jobId = job.id;
    assert.equal((await waitUntilFinished(jobId, owner)).state, 'done');
  });
  after(async () => {
    await server?.close();
  });

  test('another client gets 404 on every route of the job, as if it did not exist', async () => {
    const routes: Array<[string, string, RequestInit?]> = [
      ['GET job', `/jobs/${jobId}`],
      ['GET events', `/jobs/${jobId}/events`],
      ...['video', 'audio', 'midi', 'cues', 'report'].map((kind): [string, string] => [`GET result ${kind}`, `/jobs/${jobId}/result/${kind}`]),
      ['GET download', `/jobs/${jobId}/result/video?download=1`],
      ['POST regenerate', `/jobs/${jobId}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seed": 9}' }],
      ['POST retry', `/jobs/${jobId}/retry`, { method: 'POST' }],
      ['DELETE', `/jobs/${jobId}`, { method: 'DELETE' }],
    ];
    for (const [what, route, init] of routes) {
      for (const [who, headers, query] of [
        ['no token', {}, ''],
        ['a stranger', bearer(stranger), ''],
        ['a stranger in the query', {}, `${route.includes('?') ? '&' : '?'}token=${stranger}`],
      ] as const) {
        const answer = await call(`${what} (${who})`, `${server.url}${route}${query}`, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } });
        assert.equal(answer.status, 404, `${what} with ${who}: ${answer.status} ${answer.body}`);
        assert.match(answer.body, /No job/);
      }
    }
    // Nothing above touched the job: its owner still has it, whole.
    const still = await call('GET job (owner)', `${server.url}/jobs/${jobId}`, { headers: bearer(owner) });
    assert.equal(still.status, 200);
    assert.equal((JSON.parse(still.body) as { state: string }).state, 'done');
  });

  test('GET /jobs lists only the caller’s jobs, and nothing without a token', async () => {
    const theirs = await call('GET /jobs (stranger)', `${server.url}/jobs`, { headers: bearer(stranger) });
    assert.deepEqual(JSON.parse(theirs.body), { jobs: [] });
    const anonymous = await call('GET /jobs (none)', `${server.url}/jobs`);
    assert.deepEqual(JSON.parse(anonymous.body), { jobs: [] });
    const mine = await call('GET /jobs (owner)', `${server.url}/jobs`, { headers: bearer(owner) });
    assert.deepEqual((JSON.parse(mine.body) as { jobs: Array<{ id: string }> }).jobs.map((job) => job.id), [jobId]);
    assert.ok(!mine.body.includes('owner') && !mine.body.includes(owner), 'neither the token nor its hash is ever shown');
  });

  test('the owner reads, streams and downloads with the header or ?token=, and the report is locked down', async () => {
    assert.equal((await call('GET video (query token)', `${server.url}/jobs/${jobId}/result/video?token=${owner}`)).status, 200);
    assert.equal((await call('GET download (query token)', `${server.url}/jobs/${jobId}/result/audio?download=1&token=${owner}`)).status, 200);
    assert.equal((await call('GET events (query token)', `${server.url}/jobs/${jobId}/events?token=${owner}`)).status, 200);
    const report = await call('GET report', `${server.url}/jobs/${jobId}/result/report?token=${owner}`);
    assert.equal(report.status, 200);
    const csp = report.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/, 'the report runs only its own script, pinned by hash');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(report.body.includes(`src="video?token=${owner}"`), 'the report’s player opens the video with the token it was opened with');
    // A malformed token is refused, not silently replaced by a new one.
    const badToken = await upload(path.join(folder, 'mine.mp4'), { authorization: 'Bearer short' });
    assert.equal(badToken.status, 400);
    assert.match(badToken.body, /token/);
  });

  test('requests for another host name get 421; cross-site changes get 403', async () => {
    for (const host of ['evil.example', 'evil.example:80', `evil.example:${new URL(server.url).port}`]) {
      const answer = await rawRequest(host);
      assert.ok([400, 421].includes(answer.status), `Host ${host} → ${answer.status}`);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    }
    assert.equal((await rawRequest(`localhost:${new URL(server.url).port}`)).status, 200);
    const crossSite = await upload(path.join(folder, 'mine.mp4'), { origin: 'http://evil.example' });
    assert.equal(crossSite.status, 403, crossSite.body);
    const crossDelete = await call('DELETE (cross-site)', `${server.url}/jobs/${jobId}`, { method: 'DELETE', headers: { ...bearer(owner), origin: 'http://evil.example' } });
    assert.equal(crossDelete.status, 403);
    assert.equal((await call('GET job (owner)', `${server.url}/jobs/${jobId}`, { headers: bearer(owner) })).status, 200, 'the cross-site DELETE deleted nothing');
  });

  test('a failed job can be retried, and no job leaves a scratch folder', async () => {
    // An MP4 with its index first, cut at 90 %: it probes, then fails on decode errors.
    const whole = path.join(folder, 'whole.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=2', '-c:v', 'mpeg4', '-movflags', '+faststart', whole]);
    const bytes = readFileSync(whole);
    const damaged = path.join(folder, 'damaged.mp4');
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
    const created = await upload(damaged, bearer(owner));
    assert.equal(created.status, 202, created.body);
    const { id } = JSON.parse(created.body) as { id: string };
    const failed = await waitUntilFinished(id, owner);
    assert.equal(failed.state, 'failed');
    assert.match(failed.error ?? '', /damaged|truncated|corrupt/);
    const retried = await call('POST retry', `${server.url}/jobs/${id}/retry`, { method: 'POST', headers: bearer(owner) });
    assert.equal(retried.status, 202, retried.body);
    assert.equal((await waitUntilFinished(id, owner)).state, 'failed', 'the same damaged input fails again, the same way');
    assert.equal((await call('POST retry (done job)', `${server.url}/jobs/${jobId}/retry`, { method: 'POST', headers: bearer(owner) })).status, 409);
    // v2m's work folders are v2m-<pid>-…; under tsx, the job processes also keep tsx's cache there.
    const workFolders = () => readdirSync(path.join(data, 'tmp')).filter((name) => name.startsWith('v2m-'));
    await withDeadline(`the scratch folders to go (left: ${workFolders().join(', ')})`, 10_000, (async () => {
      while (workFolders().length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    })());
    assert.equal((await call('DELETE failed job', `${server.url}/jobs/${id}`, { method: 'DELETE', headers: bearer(owner) })).status, 204);
    assert.deepEqual(workFolders(), []);
  });

  test('a job deleted while it renders leaves no scratch folder and no half-written output', async () => {
    const created = await upload(clip('longer.mp4', 8), bearer(owner));
    const { id } = JSON.parse(created.body) as { id: string };
    const workFolders = () => readdirSync(path.join(data, 'tmp')).filter((name) => name.startsWith('v2m-'));
    await withDeadline('the job to be rendering (its work folder made)', 120_000, (async () => {
      while (workFolders().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    })());
    assert.equal((await call('DELETE rendering job', `${server.url}/jobs/${id}`, { method: 'DELETE', headers: bearer(owner) })).status, 204);
    await withDeadline('the deleted job’s work folder to go', 10_000, (async () => {
      while (workFolders().length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    })());
    assert.deepEqual(readdirSync(path.join(data, 'jobs')).sort(), [jobId].sort(), 'only the first job’s folder is left');
  });

  test('multipart mistakes are 400s that say what to send', async () => {
    const form = new FormData();
    form.append('video', new Blob([readFileSync(path.join(folder, 'mine.mp4'))]), 'a.mp4');
    form.append('video', new Blob([readFileSync(path.join(folder, 'mine.mp4'))]), 'b.mp4');
    const twoFiles = await call('POST two files', `${server.url}/jobs`, { method: 'POST', body: form, headers: bearer(owner) });
    assert.equal(twoFiles.status, 400, twoFiles.body);
    assert.match(twoFiles.body, /more than one file.*field 'video'/);
    const cutShort = await call('POST malformed multipart', `${server.url}/jobs`, {
      method: 'POST',
      headers: { ...bearer(owner), 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n\r\nnot finished',
    });
    assert.equal(cutShort.status, 400, cutShort.body);
    assert.match(cutShort.body, /field 'video'/);
  });

  test('the page and every answer carry nosniff and refuse framing; the page has a CSP', async () => {
    const page = await call('GET /', `${server.url}/`);
    if (page.status === 200) {
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'.*frame-ancestors 'none'/);
    }
    await call('GET unknown route', `${server.url}/no-such-route`);
    await call('GET bad id', `${server.url}/jobs/not-an-id`);
    await call('GET /health', `${server.url}/health`);
    await call('GET /options', `${server.url}/options`);
    assert.ok(answers.length > 40);
    for (const { what, headers } of answers) {
      assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what} lacks nosniff`);
      assert.equal(headers.get('x-frame-options'), 'DENY', `${what} may be framed`);
    }
  });
});

describe('serve setup mistakes are usage errors', { timeout: 60_000 }, () => {
  test('a --data that is a file: exit 2, one line, no stack', () => {
    const file = path.join(folder, 'a-file');
    writeFileSync(file, 'not a folder');
    const run = runCli(['serve', '--port', '0', '--data', file]);
    assert.equal(run.code, EXIT_CODES.USAGE, run.stderr);
    assert.match(run.stderr, /data folder .* cannot be used: it is a file/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.ok(statSync(file).isFile());
  });
});
