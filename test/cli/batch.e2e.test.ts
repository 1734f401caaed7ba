// `v2m batch` through the built CLI on three tiny generated clips and one broken file: the good ones
// are scored, the broken one is reported failed with its reason while the others go on, the exit code
// says some failed, the JSON report holds every video, and a rerun skips the finished ones without
// touching their files.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { EXIT_CODES, SOME_FAILED_EXIT_CODE } from '../../src/errors.js';
import type { BatchReport } from '../../src/batch/results.js';
import { CLI, ROOT, syntheticClip, pollUntil, temporaryFolder, withDeadline } from '../helpers.js';

const root = temporaryFolder('v2m-batch-');
const videos = path.join(root, 'videos');
const out = path.join(root, 'out');
const GOOD = ['bars', 'pattern', 'zoom'];
const resumeVideos = path.join(root, 'resume-videos');
const OUTPUT_ENDINGS = ['.v2m.mp4', '.v2m.wav', '.v2m.mid', '.v2m.cues.json', '.v2m.report.html', '.v2m.markers.csv', '.v2m.markers.edl'];

before(() => {
  mkdirSync(videos);
  syntheticClip(path.join(videos, 'bars.mp4'), { seconds: 2, generator: 'smptehdbars', size: '160x90' });
  syntheticClip(path.join(videos, 'pattern.mov'), { seconds: 2, generator: 'testsrc2', size: '160x90', toneHz: 440 });
  syntheticClip(path.join(videos, 'zoom.mkv'), { seconds: 2, generator: 'mandelbrot', size: '160x90' });
  writeFileSync(path.join(videos, 'broken.mp4'), 'this is not a video, only text with a video name\n');
  mkdirSync(resumeVideos);
  for (const name of ['bars.mp4', 'pattern.mov', 'zoom.mkv']) copyFileSync(path.join(videos, name), path.join(resumeVideos, name));
});

function batch(args: string[]) {
  // Two processes at a time: the machine is shared.
  const run = spawnSync(process.execPath, [CLI, 'batch', videos, '--out', out, '--concurrency', '2', '--no-faces', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function readReport(): BatchReport {
  return JSON.parse(readFileSync(path.join(out, 'batch-report.json'), 'utf8')) as BatchReport;
}

function modificationTimes(): Record<string, number> {
  return Object.fromEntries(readdirSync(out).filter((name) => name !== 'batch-report.json').map((name) => [name, statSync(path.join(out, name)).mtimeMs]));
}

test('batch: every good clip scored, the broken one failed with its reason, exit code 6; a rerun skips the finished ones', { timeout: 600_000 }, () => {
  const first = batch([]);
  assert.equal(first.code, SOME_FAILED_EXIT_CODE, `exit code\n${first.stderr}`);
  const expected = GOOD.flatMap((stem) => OUTPUT_ENDINGS.map((ending) => `${stem}${ending}`));
  assert.deepEqual(readdirSync(out).sort(), [...expected, 'batch-report.json'].sort(), 'only complete output sets and the report, no temporaries');

  const report = readReport();
  assert.deepEqual(report.counts, { done: 3, skipped: 0, failed: 1 });
  assert.deepEqual(report.videos.map((video) => video.stem), ['bars', 'broken', 'pattern', 'zoom'], 'videos in the folder\'s order');
  for (const video of report.videos.filter((v) => v.stem !== 'broken')) {
    assert.equal(video.status, 'done');
    assert.ok(video.seconds > 0, `${video.stem}: seconds`);
    const cues = JSON.parse(readFileSync(path.join(out, `${video.stem}.v2m.cues.json`), 'utf8')) as { key: string; style: string; tempo: number };
    assert.deepEqual({ key: video.key, style: video.style }, { key: cues.key, style: cues.style }, `${video.stem}: key and style as in its cue sheet`);
    assert.ok(Math.abs(video.tempo! - cues.tempo) < 0.01, `${video.stem}: tempo`);
  }
  const broken = report.videos.find((video) => video.stem === 'broken')!;
  assert.equal(broken.status, 'failed');
  assert.match(broken.error!, /broken\.mp4/, 'the reason names the file');
  assert.doesNotMatch(broken.error!, /\n|internal error/, 'one line, not a bug');
  assert.match(first.stdout, /^broken +failed/m, 'the summary table shows the failure');
  assert.match(first.stdout, /4 videos: 3 scored, 0 already done, 1 failed/);
  assert.match(first.stderr, /4\/4 videos done/, 'overall progress on stderr');

  const times = modificationTimes();
  const second = batch([]);
  assert.equal(second.code, SOME_FAILED_EXIT_CODE, `rerun exit code\n${second.stderr}`);
  assert.deepEqual(readReport().counts, { done: 0, skipped: 3, failed: 1 });
  assert.deepEqual(modificationTimes(), times, 'the finished outputs are not written again');
  assert.ok(readReport().videos.filter((v) => v.status === 'skipped').every((v) => v.key && v.style && v.tempo), 'skipped videos keep their key, style and tempo');

  rmSync(path.join(videos, 'broken.mp4'));
  const third = batch(['--quiet']);
  assert.equal(third.code, EXIT_CODES.OK, `all done: exit 0\n${third.stderr}`);
  assert.equal(third.stderr, '', '--quiet: nothing on stderr');
  assert.deepEqual(readReport().counts, { done: 0, skipped: 3, failed: 0 });
});

test('batch: SIGKILLed mid-video, it leaves no half-written output and no score process; the rerun scores only what is missing', { timeout: 300_000 }, async () => {
  const resumeOut = path.join(root, 'resume-out');
  const child = spawn(process.execPath, [CLI, 'batch', resumeVideos, '--out', resumeOut, '--concurrency', '1', '--no-faces'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  // Killed while the second video is being scored: after the first is done.
  await pollUntil('the first video to be scored', 120_000, () => /bars scored/.test(stderr));
  child.kill('SIGKILL');
  assert.equal(await withDeadline('the batch to die', 10_000, exited), 'SIGKILL');

  // Its score process notices its parent is gone, ends its tools and removes its temporaries.
  await pollUntil('the orphaned score process to clean up and leave', 30_000, () => scoreProcesses().length === 0 && readdirSync(resumeOut).every((name) => !name.startsWith('.')));
  assert.ok(OUTPUT_ENDINGS.every((ending) => existsSync(path.join(resumeOut, `bars${ending}`))), 'the finished video stays');
  assert.ok(!existsSync(path.join(resumeOut, 'batch-report.json')), 'no report from a killed run');

  const rerun = spawnSync(process.execPath, [CLI, 'batch', resumeVideos, '--out', resumeOut, '--concurrency', '1', '--no-faces'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(rerun.status, EXIT_CODES.OK, rerun.stderr);
  const report = JSON.parse(readFileSync(path.join(resumeOut, 'batch-report.json'), 'utf8')) as BatchReport;
  assert.deepEqual(report.videos.map((video) => [video.stem, video.status]), [['bars', 'skipped'], ['pattern', 'done'], ['zoom', 'done']]);
});


/** Running score processes of this checkout. */
function scoreProcesses(): string[] {
  const script = path.join(ROOT, 'dist', 'batch', 'score-child.js');
  return readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false;
    }
  });
}
