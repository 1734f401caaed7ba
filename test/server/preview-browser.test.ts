// Previews that play: a video whose stream browsers do not decode (MPEG-4 Part 2 here) gets an H.264
// preview from the server, and the page's player plays it; a browser-ready H.264 clip gets none.
// The browser part skips without a Chromium (tiers.ts), the API part always runs.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { isBrowserPlayable } from '../../src/media/preview.js';
import { ffmpeg, ffprobeStreams, temporaryFolder } from '../helpers.js';
import { findChromium, needsChromium } from '../tiers.js';
import { upload, waitForJob } from './server-helpers.js';

const CHROMIUM = findChromium();

let server: RunningServer;
let folder: string;
/** 3 s of MPEG-4 Part 2 in AVI: Chromium shows only a poster for this stream as it is. */
let mpeg4Clip: string;

before(async () => {
  folder = temporaryFolder('v2m-preview-');
  mpeg4Clip = path.join(folder, 'part2.avi');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=12:duration=3', '-c:v', 'mpeg4', '-q:v', '5', mpeg4Clip]);
  server = await startServer({ port: 0, dataFolder: path.join(folder, 'data') });
});

after(async () => {
  await server?.close();
});

test('browser codecs in browser containers play as they are; the rest need a preview', () => {
  assert.equal(isBrowserPlayable('h264', '.mp4'), true);
  assert.equal(isBrowserPlayable('vp9', '.webm'), true);
  for (const codec of ['mpeg4', 'mpeg2video', 'theora', 'cinepak', 'msmpeg4v3', 'vp8']) assert.equal(isBrowserPlayable(codec, '.mkv'), false, codec);
  assert.equal(isBrowserPlayable('mpeg4', '.mp4'), false);
});

test('an MPEG-4 Part 2 upload gets an H.264 preview of its length; the scored video is unchanged', { timeout: 180_000 }, async () => {
  const created = (await (await upload(server.url, mpeg4Clip)).json()) as { id: string };
  const job = await waitForJob(server.url, created.id, 150_000);
  assert.equal(job.state, 'done', job.error ?? '');
  assert.ok(job.results?.preview, 'the job lists a preview');
  const preview = path.join(folder, 'preview.mp4');
  const scored = path.join(folder, 'scored.mp4');
  for (const [kind, file] of [['preview', preview], ['video', scored]] as const) {
    const response: Response = await fetch(`${server.url}${job.results[kind]}`);
    assert.equal(response.status, 200, kind);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  }
  const probed = ffprobeStreams(preview);
  assert.equal(probed.streams.find((s) => s.codec_type === 'video')?.codec_name, 'h264');
  assert.equal(probed.streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
  const clipDuration = Number(ffprobeStreams(mpeg4Clip).format.duration);
  assert.ok(Math.abs(Number(probed.format.duration) - clipDuration) <= 0.1, `preview ${probed.format.duration} s, clip ${clipDuration} s`);
  assert.equal(ffprobeStreams(scored).streams.find((s) => s.codec_type === 'video')?.codec_name, 'mpeg4', 'the download keeps the copied stream');
});

test('an H.264 upload has no preview', { timeout: 180_000 }, async () => {
  const clip = path.join(folder, 'ready.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=12:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  const created = (await (await upload(server.url, clip)).json()) as { id: string };
  const job = await waitForJob(server.url, created.id, 150_000);
  assert.equal(job.state, 'done', job.error ?? '');
  assert.equal(job.results?.preview, undefined);
  assert.equal((await fetch(`${server.url}/jobs/${job.id}/result/preview`)).status, 404);
});

test("the page's player plays an MPEG-4 Part 2 upload (through its preview)", { ...needsChromium(), timeout: 180_000 }, async () => {
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready=true]');
    await page.setInputFiles('#file', mpeg4Clip);
    await page.click('#score');
    await page.waitForSelector('#result:not([hidden])', { timeout: 150_000 });
    assert.match((await page.getAttribute('#player', 'src')) ?? '', /\/result\/preview/);
    // The picture decodes (a poster-only player has no width) and playback moves on.
    await page.waitForFunction(() => (document.querySelector('#player') as HTMLVideoElement).videoWidth > 0, undefined, { timeout: 15_000 });
    await page.$eval('#player', (player) => {
      (player as HTMLVideoElement).muted = true;
      void (player as HTMLVideoElement).play();
    });
    await page.waitForFunction(() => (document.querySelector('#player') as HTMLVideoElement).currentTime > 0.3, undefined, { timeout: 15_000 });
  } finally {
    await browser?.close();
  }
});
