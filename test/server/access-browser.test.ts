// Access control as a browser lives it: the page keeps its token in localStorage and opens its own
// jobs (player, report, downloads) under the page's CSP without a single violation; the report runs
// under its own CSP and plays the video; a second browser (its own storage: another client) sees no
// job and cannot open the first one's. Without a Chromium (tiers.ts) the tests skip.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { ffmpeg, temporaryFolder } from '../helpers.js';
import { findChromium, needsChromium } from '../tiers.js';

const CHROMIUM = findChromium();
const BROWSER_TIER = needsChromium();

let server: RunningServer;
let browser: Browser;
let clip: string;

before(async () => {
  if (!CHROMIUM) return; // the tests skip (BROWSER_TIER)
  const folder = temporaryFolder('v2m-access-browser-');
  clip = path.join(folder, 'pattern.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=2', '-c:v', 'mpeg4', '-q:v', '5', clip]);
  server = await startServer({ port: 0, dataFolder: path.join(folder, 'data'), concurrency: 1 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Console errors and page errors, CSP violations among them (Chromium reports those on the console). */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  return problems;
}

test('the owner’s browser opens its job under the CSP; another browser sees nothing of it', { ...BROWSER_TIER, timeout: 180_000 }, async () => {
  const owner = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await owner.newPage();
  const problems = watchProblems(page);
  const answer = await page.goto(server.url);
  assert.match(answer?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  await page.waitForSelector('body[data-ready=true]');
  if (await page.$('#faces')) await page.uncheck('#faces');
  await page.setInputFiles('#file', clip);
  await page.click('#score');
  await page.waitForSelector('#result:not([hidden])', { timeout: 120_000 });
  const token = await page.evaluate(() => localStorage.getItem('v2m-token'));
  assert.match(token ?? '', /^[A-Za-z0-9_-]{43}$/, 'the page keeps a 256-bit token');
  await page.waitForFunction(() => (document.querySelector('#player') as HTMLVideoElement).readyState >= 1, undefined, { timeout: 30_000 });
  const jobId = (await page.evaluate(() => location.hash)).replace('#job=', '');

  // The report, opened as the page links it: its own CSP, its script allowed, its video playing.
  const reportHref = await page.getAttribute('#downloads a[data-kind=report]', 'href');
  const report = await owner.newPage();
  const reportProblems = watchProblems(report);
  const reportAnswer = await report.goto(new URL(reportHref!, server.url).href);
  assert.equal(reportAnswer?.status(), 200);
  assert.match(reportAnswer?.headers()['content-security-policy'] ?? '', /default-src 'none'; script-src 'sha256-/);
  await report.waitForFunction(() => (document.querySelector('#player') as HTMLVideoElement | null)?.readyState! >= 1, undefined, { timeout: 30_000 });
  assert.deepEqual(reportProblems, [], 'the report runs under its CSP without a violation');
  assert.deepEqual(problems, [], 'the page runs under its CSP without a violation');

  // Another browser: its own storage, so another client.
  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await other.goto(`${server.url}/#job=${jobId}`);
  await other.waitForSelector('body[data-ready=true]');
  assert.equal(await other.$$eval('#jobs li button', (items) => items.length), 0, 'no job of another client is listed');
  assert.match((await other.textContent('#jobs')) ?? '', /none yet/);
  assert.ok(await other.isHidden('#result'), 'the other client’s job does not open');
  assert.notEqual(await other.evaluate(() => localStorage.getItem('v2m-token')), token);
  const direct = await other.goto(`${server.url}/jobs/${jobId}/result/video`);
  assert.equal(direct?.status(), 404);
  await owner.close();
  await stranger.close();
});
