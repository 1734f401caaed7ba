// The web page in a real browser: Debian's Chromium, driven by playwright-core (never a browser
// download). Upload a clip through the page, watch it finish, regenerate, download the WAV. Without a
// Chromium (tiers.ts: V2M_CHROMIUM or the PATH) the tests skip, saying how to install one.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { STYLE_CHOICES } from '../../src/config.js';
import { FACE_CLIP, ffprobeStreams, temporaryFolder } from '../helpers.js';
import { findChromium, needsChromium } from '../tiers.js';

const CHROMIUM = findChromium();
const BROWSER_TIER = needsChromium();
const CLIP = FACE_CLIP;

let server: RunningServer;
let browser: Browser;
let outputs: string;
/** Where the screenshots go: a temporary folder, or V2M_SCREENSHOTS (e.g. docs, for the README). */
let screenshots: string;

before(async () => {
  if (!CHROMIUM) return; // the tests skip (BROWSER_TIER)
  outputs = temporaryFolder('v2m-browser-');
  screenshots = process.env.V2M_SCREENSHOTS ?? outputs;
  server = await startServer({ port: 0, dataFolder: path.join(outputs, 'data') });
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Text on the page below WCAG AA contrast (4.5:1; 3:1 for large text), as "text: ratio". A string, not
 * a function: tsx would wrap a function's inner names in a helper the page does not have.
 */
const LOW_CONTRAST_TEXT = `(() => {
  const channels = (color) => (color.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((v) => v / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const rgba = channels(getComputedStyle(node).backgroundColor);
      if (rgba.length === 3 || (rgba.length === 4 && rgba[3] > 0.9)) return rgba;
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const element of document.querySelectorAll('body *')) {
    const ownText = [...element.childNodes].filter((node) => node.nodeType === 3).map((node) => node.textContent.trim()).join(' ').trim();
    if (!ownText || element.closest('svg, video, option, [hidden], :disabled') || element.getClientRects().length === 0) continue;
    const style = getComputedStyle(element);
    const [fg, bg] = [luminance(channels(style.color)), luminance(background(element))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(ownText.slice(0, 40) + ': ' + ratio.toFixed(2));
  }
  return problems;
})()`;

test('score a clip through the page, regenerate it and download the WAV', { ...BROWSER_TIER, timeout: 180_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  let refusalExpected = false; // the browser logs the 400 the test asks for
  page.on('console', (message) => message.type() === 'error' && !(refusalExpected && /status of 400/.test(message.text())) && problems.push(message.text()));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready=true]');
  assert.deepEqual(await page.$$eval('#style option', (options) => options.map((o) => (o as HTMLOptionElement).value)), [...STYLE_CHOICES]);

  await page.setInputFiles('#file', CLIP);
  await page.selectOption('#style', 'piano');
  await page.click('#score');
  await page.waitForSelector('#result:not([hidden])', { timeout: 120_000 });
  assert.equal(await page.textContent('#job-title'), path.basename(CLIP));
  assert.equal(await page.$$eval('#stages li.finished', (items) => items.length), 6, 'every stage ticked off');

  const clipDuration = Number(ffprobeStreams(CLIP).format.duration);
  const playerDuration = await page.waitForFunction(() => {
    const player = document.querySelector<HTMLVideoElement>('#player');
    return player && Number.isFinite(player.duration) && player.duration > 0 ? player.duration : undefined;
  });
  assert.ok(Math.abs((await playerDuration.jsonValue())! - clipDuration) < 0.1, `the player's duration matches the clip (${clipDuration} s)`);
  const lanes = await page.$$eval('#timeline svg.lane', (svgs) => svgs.map((svg) => svg.getAttribute('data-feature')));
  assert.deepEqual(lanes, ['cuts', 'visual-beats', 'motion', 'emotion', 'tempo', 'chords']);

  // The cursor follows playback.
  const cursorAt = () => page.$eval('#timeline svg.lane .cursor', (line) => Number(line.getAttribute('x1')));
  const start = await cursorAt();
  await page.$eval('#player', (player) => {
    (player as HTMLVideoElement).currentTime = 2;
  });
  await page.waitForFunction((x) => Number(document.querySelector('#timeline svg.lane .cursor')!.getAttribute('x1')) > x + 100, start);

  // A laptop screen shows the video, its whole timeline and the options side by side, above the fold.
  // (No functions declared inside evaluate: tsx would wrap them in a helper the page does not have.)
  const layout = await page.evaluate(() =>
    Object.fromEntries(['#player', '#timeline', '#options-panel'].map((selector) => [selector, document.querySelector(selector)!.getBoundingClientRect().toJSON() as DOMRect])),
  );
  const { '#player': player, '#timeline': lastLane, '#options-panel': options } = layout as Record<string, DOMRect>;
  assert.ok(lastLane!.bottom <= 900, `the timeline ends at ${lastLane!.bottom}px, below the fold`);
  assert.ok(options!.left >= player!.right && options!.top < player!.bottom, 'the options are beside the video');
  // The timeline seeks from the keyboard, and progress is announced.
  const timeNow = () => page.$eval('#player', (player) => (player as HTMLVideoElement).currentTime);
  const before = await timeNow();
  await page.focus('#timeline');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((t) => Math.abs((document.querySelector('#player') as HTMLVideoElement).currentTime - (t + 1)) < 0.2, before);
  assert.equal(await page.getAttribute('#job-status', 'aria-live'), 'polite');
  assert.ok(await page.getAttribute('#job-progress', 'aria-label'), 'the progress bar has a name');
  assert.deepEqual(await page.evaluate(LOW_CONTRAST_TEXT), [], 'all text on the page is at least 4.5:1 on its background (WCAG AA)');
  await page.screenshot({ path: path.join(screenshots, 'web.png'), fullPage: true });

  const firstId = (await page.evaluate(() => location.hash)).replace('#job=', '');
  await page.click('#new-seed');
  await page.waitForFunction((first) => location.hash !== `#job=${first}`, firstId);
  await page.waitForSelector('#result:not([hidden])', { timeout: 120_000 });
  assert.match((await page.textContent('#job-status')) ?? '', /done \(seed 2, analysis reused\)/);
  assert.equal(await page.$$eval('#jobs li', (items) => items.length), 2, 'both jobs are listed');

  // A value the server refuses is shown in its words, never quietly replaced.
  await page.fill('#seed', '-1');
  refusalExpected = true;
  await page.click('#apply-options');
  await page.waitForSelector('#options-error:not([hidden])');
  refusalExpected = false;
  assert.match((await page.textContent('#options-error')) ?? '', /Option 'seed' must be >= 0/);
  // Opening the first job again puts its options back into the controls, so a regenerate starts from them.
  await page.click(`#jobs li:last-child button`);
  await page.waitForFunction((first) => location.hash === `#job=${first}`, firstId);
  assert.equal(await page.inputValue('#seed'), '1');
  assert.equal(await page.inputValue('#style'), 'piano');
  // An advanced option changed and regenerated: the new job is made with it, and shows it when opened.
  await page.click('#advanced summary');
  await page.selectOption('#chords', 'rules');
  await page.fill('#intensity', '0.8');
  await page.click('#apply-options');
  await page.waitForFunction((first) => location.hash !== `#job=${first}`, firstId);
  await page.waitForSelector('#result:not([hidden])', { timeout: 120_000 });
  assert.match((await page.textContent('#job-status')) ?? '', /done \(seed 1, analysis reused\)/);
  const thirdId = (await page.evaluate(() => location.hash)).replace('#job=', '');
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.evaluate(() => location.hash), `#job=${thirdId}`);
  assert.deepEqual([await page.inputValue('#chords'), await page.inputValue('#intensity'), await page.inputValue('#style')], ['rules', '0.8', 'piano']);
  assert.ok(await page.$eval('#advanced', (details) => (details as HTMLDetailsElement).open), 'More options unfolds for a job that uses them');

  const kinds = await page.$$eval('#downloads a', (links) => links.map((link) => (link as HTMLElement).dataset.kind));
  assert.deepEqual(kinds, ['video', 'audio', 'midi', 'cues', 'report', 'markers'], 'every result offered, and no stems for a job scored without them');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a[data-kind=audio]')]);
  assert.equal(download.suggestedFilename(), `${path.basename(CLIP, '.mp4')}.v2m.wav`);
  const wav = path.join(outputs, download.suggestedFilename());
  await download.saveAs(wav);
  assert.equal(readFileSync(wav).subarray(0, 4).toString(), 'RIFF');
  assert.ok(Math.abs(Number(ffprobeStreams(wav).format.duration) - clipDuration) < 0.1, 'the WAV is as long as the clip');
  assert.deepEqual(problems, [], 'no errors in the page');
});

test('the page fits a phone-sized screen', { ...BROWSER_TIER, timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready=true]');
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `no sideways scrolling (${scrollWidth} > ${innerWidth})`);
  const drop = await page.$eval('#drop', (element) => element.getBoundingClientRect().width);
  assert.ok(drop > 300, 'the drop zone spans the screen');
  await page.screenshot({ path: path.join(screenshots, 'web-phone.png'), fullPage: true });
});
