// The HTTP API over real HTTP, against a real server with its SQLite store and forked job workers.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { STYLE_CHOICES } from '../../src/config.js';
import { FACE_CLIP, ffprobeStreams, syntheticClip, temporaryFolder, withDeadline } from '../helpers.js';
import { filesUnder, tinyClip, upload, waitForJob, type Job } from './server-helpers.js';

describe('v2m serve: jobs', () => {
  let server: RunningServer;
  let sandbox: string;
  let data: string;
  let clip: string;

  before(async () => {
    sandbox = temporaryFolder('v2m-serve-');
    data = path.join(sandbox, 'data');
    clip = tinyClip(temporaryFolder('v2m-clip-'));
    server = await startServer({ port: 0, dataFolder: data, concurrency: 2 });
  });
  after(() => server.close());

  test('20 concurrent small jobs all finish: none lost, none duplicated', { timeout: 240_000 }, async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(server.url, clip, { faces: 'false', seed: String(i) })));
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(20).fill(202),
    );
    const created = (await Promise.all(responses.map((r) => r.json()))) as Job[];
    const ids = created.map((job) => job.id);
    assert.equal(new Set(ids).size, 20, 'every upload got its own job');

    const finished = await Promise.all(ids.map((id) => waitForJob(server.url, id)));
    assert.deepEqual(
      finished.map((job) => [job.state, job.attempts, job.progress]),
      Array(20).fill(['done', 1, 1]),
      'every job ran exactly once and finished',
    );
    assert.deepEqual(
      finished.map((job) => job.options.seed),
      Array.from({ length: 20 }, (_, i) => i),
    );
    const listed = ((await (await fetch(`${server.url}/jobs`)).json()) as { jobs: Job[] }).jobs.map((job) => job.id);
    assert.deepEqual([...listed].sort(), [...ids].sort(), 'the list holds each job once');
    for (const job of finished) {
      const wav = await fetch(`${server.url}${job.results!.audio}`);
      assert.equal(wav.status, 200);
      const bytes = new Uint8Array(await wav.arrayBuffer());
      assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'RIFF');
      assert.ok(bytes.length > 48_000 * 4 * 0.9, 'about a second of 48 kHz stereo 16-bit audio');
    }
    const health = (await (await fetch(`${server.url}/health`)).json()) as { queued: number; running: number };
    assert.deepEqual([health.queued, health.running], [0, 0]);
  });

  test('progress events only go forward, and regenerate reuses the analysis', { timeout: 120_000 }, async () => {
    const first = (await (await upload(server.url, FACE_CLIP, { faces: 'false', style: 'piano' })).json()) as Job;
    const events = await collectEvents(server.url, first.id);
    assert.ok(events.length >= 3, `several progress events (${events.length})`);
    assert.equal(events.at(-1)!.state, 'done');
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.progress >= events[i - 1]!.progress, 'progress never goes backwards');
    assert.ok(events.some((e) => e.stage === 'analyze'));

    const response = await fetch(`${server.url}/jobs/${first.id}/regenerate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 2, style: 'lofi' }),
    });
    assert.equal(response.status, 202);
    const second = (await response.json()) as Job;
    assert.notEqual(second.id, first.id);
    assert.equal(second.parent, first.id);
    assert.deepEqual(second.options, { ...first.options, seed: 2, style: 'lofi' }, 'unchanged options come from the parent');
    const secondEvents = await collectEvents(server.url, second.id);
    assert.equal(secondEvents.at(-1)!.state, 'done');
    assert.ok(!secondEvents.some((e) => e.stage === 'analyze'), 'no second analysis of the video');
    assert.equal(secondEvents.at(-1)!.reusedAnalysis, true);
    assert.equal(secondEvents.at(-1)!.summary!.style, 'lofi');

    const firstMidi = await (await fetch(`${server.url}/jobs/${first.id}/result/midi`)).arrayBuffer();
    const secondMidi = await (await fetch(`${server.url}/jobs/${second.id}/result/midi`)).arrayBuffer();
    assert.notDeepEqual(new Uint8Array(firstMidi), new Uint8Array(secondMidi), 'new options, new music');
    const cuesText = await (await fetch(`${server.url}/jobs/${second.id}/result/cues`)).text();
    const cues = JSON.parse(cuesText) as { input: { duration: number; path: string }; outputs: { video: string } };
    assert.ok(Math.abs(cues.input.duration - Number(ffprobeStreams(FACE_CLIP).format.duration)) < 0.05);
    assert.equal(cues.input.path, path.basename(FACE_CLIP), 'the cue sheet names the upload as the client did');
    assert.equal(cues.outputs.video, 'scored.mp4');
    assert.ok(!cuesText.includes(data), 'no server path in what the client gets');
    assert.ok(!(await (await fetch(`${server.url}/jobs/${second.id}/result/report`)).text()).includes(data));

    const download = await fetch(`${server.url}/jobs/${second.id}/result/video?download=true`);
    assert.ok((download.headers.get('content-disposition') ?? '').startsWith(`attachment; filename="${path.basename(FACE_CLIP, '.mp4')}.v2m.mp4"`), download.headers.get('content-disposition') ?? 'no content-disposition');
    const partial = await fetch(`${server.url}/jobs/${second.id}/result/video`, { headers: { range: 'bytes=0-99' } });
    assert.equal(partial.status, 206, 'the player can seek (range requests)');
    assert.equal((await partial.arrayBuffer()).byteLength, 100);
  });

  test('DELETE removes the job and its files', { timeout: 60_000 }, async () => {
    const job = (await (await upload(server.url, clip, { faces: 'false' })).json()) as Job;
    await waitForJob(server.url, job.id);
    const folder = path.join(data, 'jobs', job.id);
    assert.ok(existsSync(path.join(folder, 'input')));
    assert.equal((await fetch(`${server.url}/jobs/${job.id}`, { method: 'DELETE' })).status, 204);
    assert.equal(existsSync(folder), false);
    assert.equal((await fetch(`${server.url}/jobs/${job.id}`)).status, 404);
    assert.equal((await fetch(`${server.url}/jobs/${job.id}`, { method: 'DELETE' })).status, 404);
  });
});

describe('v2m serve: bad requests get the right 4xx and write nothing outside the data folder', () => {
  let server: RunningServer;
  let sandbox: string;
  let data: string;
  let inputs: string;

  before(async () => {
    sandbox = temporaryFolder('v2m-serve-bad-');
    data = path.join(sandbox, 'data');
    inputs = temporaryFolder('v2m-serve-inputs-');
    server = await startServer({ port: 0, dataFolder: data, concurrency: 1, uploadLimitBytes: 200_000 });
  });
  after(() => server.close());

  async function expectError(response: Response | Promise<Response>, status: number, pattern: RegExp): Promise<void> {
    const answer = await response;
    const body = (await answer.json()) as { error: string };
    assert.equal(answer.status, status, `status for: ${body.error}`);
    assert.match(body.error, pattern);
  }

  test('uploads that are not videos, too large, or misaddressed', { timeout: 60_000 }, async () => {
    const oneByte = path.join(inputs, 'one.mp4');
    writeFileSync(oneByte, 'x');
    const text = path.join(inputs, 'notes.txt');
    writeFileSync(text, 'these are not moving pictures\n'.repeat(50));
    await expectError(upload(server.url, oneByte), 415, /not a video v2m can read.*one\.mp4/);
    await expectError(upload(server.url, text), 415, /not a video v2m can read/);
    const big = syntheticClip(path.join(inputs, 'big.mp4'), { seconds: 4, generator: 'life=seed=1:ratio=0.5', size: '640x360' });
    assert.ok(statSync(big).size > 200_000, 'over the 200 kB limit set above');
    await expectError(upload(server.url, big), 413, /larger than this server's limit of 200000 bytes/);
    await expectError(fetch(`${server.url}/jobs`, { method: 'POST', body: new FormData() }), 400, /no video/);
    await expectError(fetch(`${server.url}/jobs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 415, /multipart\/form-data/);
    const wrongField = new FormData();
    wrongField.append('file', new Blob(['x']), 'clip.mp4');
    await expectError(fetch(`${server.url}/jobs`, { method: 'POST', body: wrongField }), 400, /field 'video'/);
    assert.deepEqual(filesUnder(path.join(data, 'uploads')), [], 'refused uploads are not kept');
    assert.deepEqual(filesUnder(path.join(data, 'jobs')), [], 'no job was made');
  });

  test('malformed options are refused before the upload is queued, naming the option', async () => {
    const clip = tinyClip(inputs);
    await expectError(upload(server.url, clip, { tempo: '999' }), 400, /Option 'tempo' must be <= 240/);
    await expectError(upload(server.url, clip, { seed: '-3' }), 400, /Option 'seed' must be >= 0/);
    await expectError(upload(server.url, clip, { seed: 'abc' }), 400, /Option 'seed' must be integer/);
    await expectError(upload(server.url, clip, { style: 'polka' }), 400, new RegExp(`Option 'style'.*Choose one of: ${STYLE_CHOICES.join(', ')}`));
    await expectError(upload(server.url, clip, { mood: 'happy' }), 400, /Option 'mood'.*exciting/);
    await expectError(upload(server.url, clip, { key: 'H minor' }), 400, /Unknown key 'H minor'/);
    await expectError(upload(server.url, clip, { primer: 'C Xyz' }), 400, /Unknown chord 'Xyz'/);
    await expectError(upload(server.url, clip, { styleFrom: '/etc/passwd' }), 400, /Unknown option 'styleFrom'/);
    await expectError(upload(server.url, clip, { output: '../../evil.mp4' }), 400, /Unknown option 'output'/);
    assert.deepEqual(filesUnder(path.join(data, 'jobs')), []);
  });

  test('traversal attempts in every id and path parameter', { timeout: 60_000 }, async () => {
    const clip = tinyClip(inputs);
    // A hostile client filename is only a display name: the file is stored under a generated one.
    const created = (await (await upload(server.url, clip, { faces: 'false' }, '../../../evil.mp4')).json()) as Job;
    const job = await waitForJob(server.url, created.id);
    assert.equal(job.state, 'done');
    assert.equal(job.name, 'evil.mp4', 'only the base name is kept, for display');
    const download = await fetch(`${server.url}/jobs/${job.id}/result/audio?download=1`);
    assert.match(download.headers.get('content-disposition') ?? '', /filename="evil\.v2m\.wav"/);

    // (fetch would resolve a literal '..' or '%2e%2e' before sending; those go raw below.)
    const attacks = ['..%2F..%2Fv2m.sqlite', 'x%00', `${job.id}%2F..%2F..`, '..%5C..%5Cv2m.sqlite', '%252e%252e'];
    for (const attack of attacks) {
      await expectError(fetch(`${server.url}/jobs/${attack}`), 400, /not a job id/);
      await expectError(fetch(`${server.url}/jobs/${attack}/events`), 400, /not a job id/);
      await expectError(fetch(`${server.url}/jobs/${attack}/result/video`), 400, /not a job id/);
      await expectError(fetch(`${server.url}/jobs/${attack}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 400, /not a job id/);
      await expectError(fetch(`${server.url}/jobs/${attack}`, { method: 'DELETE' }), 400, /not a job id/);
      await expectError(fetch(`${server.url}/jobs/${job.id}/result/${attack}`), 400, /Unknown result/);
    }
    const rawPaths = ['/..%2Fv2m.sqlite', '/assets/..%2F..%2Fv2m.sqlite', '/%2e%2e/%2e%2e/etc/passwd', '/../v2m.sqlite', '/assets/../../v2m.sqlite', `/jobs/${job.id}/result/../../../v2m.sqlite`];
    for (const rawPath of rawPaths) {
      const { status, body } = await rawGet(server.url, rawPath);
      assert.ok(status >= 400 && status < 500, `${rawPath} → ${status}`);
      assert.doesNotMatch(body, /SQLite format|root:/);
    }
    await expectError(fetch(`${server.url}/jobs/00000000-0000-4000-8000-000000000000`), 404, /No job/);
    await expectError(
      fetch(`${server.url}/jobs/${job.id}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seed": ' }),
      400,
      /JSON/,
    );
    await expectError(
      fetch(`${server.url}/jobs/${job.id}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tempo": 10}' }),
      400,
      /Option 'tempo' must be >= 40/,
    );
    await expectError(
      fetch(`${server.url}/jobs/${job.id}/regenerate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"output": "/tmp/x.mp4"}' }),
      400,
      /Unknown option 'output'/,
    );

    // Everything the server wrote is inside the data folder; the sandbox around it holds nothing else.
    assert.deepEqual(filesUnder(sandbox).filter((file) => !file.startsWith(`data${path.sep}`)), []);
    assert.ok(!filesUnder(sandbox).some((file) => file.includes('evil')));
    mkdirSync(path.join(sandbox, 'probe'), { recursive: true }); // the sandbox itself stays writable and intact
    assert.ok(readFileSync(path.join(data, 'v2m.sqlite')).subarray(0, 15).toString() === 'SQLite format 3');
  });

  test('the API is described as OpenAPI', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.match(document.openapi, /^3\./);
    for (const route of ['/jobs', '/jobs/{id}', '/jobs/{id}/events', '/jobs/{id}/result/{kind}', '/jobs/{id}/regenerate', '/health']) {
      assert.ok(route in document.paths, `${route} is documented`);
    }
    assert.equal((await fetch(`${server.url}/docs/`)).status, 200);
  });
});

describe('v2m serve: old jobs are cleaned up', () => {
  test('finished jobs past the retention time are deleted with their files', { timeout: 60_000 }, async () => {
    const data = path.join(temporaryFolder('v2m-serve-sweep-'), 'data');
    const server = await startServer({ port: 0, dataFolder: data, retentionMs: 60_000 });
    try {
      const clip = tinyClip(temporaryFolder('v2m-clip-'));
      const job = (await (await upload(server.url, clip, { faces: 'false' })).json()) as Job;
      await waitForJob(server.url, job.id);
      assert.equal(await server.service.sweep(Date.now()), 0, 'a fresh job is kept');
      assert.equal(await server.service.sweep(Date.now() + 61_000), 1);
      assert.equal((await fetch(`${server.url}/jobs/${job.id}`)).status, 404);
      assert.equal(existsSync(path.join(data, 'jobs', job.id)), false);
    } finally {
      await server.close();
    }
  });
});

/** A GET with the path sent exactly as written (no URL normalisation on the client). */
function rawGet(baseUrl: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port, path: rawPath, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Reads the job's server-sent events until it is done or failed. */
async function collectEvents(baseUrl: string, id: string): Promise<Job[]> {
  const response = await fetch(`${baseUrl}/jobs/${id}/events`);
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const text = await withDeadline(`the event stream of job ${id} to end (the server ends it once the job is final)`, 90_000, response.text());
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: job'))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Job);
}
