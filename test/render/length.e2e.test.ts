// End to end: a --loop renders so that two copies back to back have no seam — no sample-to-sample jump
// at the join beyond the largest the music makes inside the loop, and no dip in level there — while
// the ordinary render (a fade and an ending) does dip; then the whole pipeline on the sample clip:
// --duration shorter and longer, --from/--to and --loop give music files of the right length, a
// scored video that keeps the video's length, and a cue sheet that says where the music sits.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { compose } from '../../src/compose/index.js';
import { EXIT_CODES } from '../../src/errors.js';
import { toolPath } from '../../src/media/tools.js';
import { scoreVideo } from '../../src/pipeline.js';
import { renderAudio } from '../../src/render/index.js';
import type { CueSheet } from '../../src/report/cues.js';
import { ffprobeStreams, SAMPLE_CLIP, syntheticTimeline, temporaryFolder } from '../helpers.js';

const RATE = 48000;
/** Windows for the level around the seam: 50 ms. */
const WINDOW = RATE / 20;
/** Neither 50 ms beside the seam may be more than this far under the loop's median 50 ms level. */
const MAX_SEAM_DIP_DB = 6;

function decode(file: string): Float32Array {
  const result = spawnSync(toolPath('ffmpeg'), ['-v', 'error', '-i', file, '-f', 'f32le', '-ac', '2', '-ar', String(RATE), 'pipe:1'], { maxBuffer: 1 << 28, timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr?.toString());
  return new Float32Array(result.stdout.buffer, result.stdout.byteOffset, result.stdout.length / 4);
}

interface Seam {
  /** The largest step between consecutive samples across the join (either channel). */
  jump: number;
  /** The largest step anywhere inside the loop: the music's own. */
  largestInside: number;
  /** Level of the 50 ms before and after the join, dB against the median 50 ms window. */
  beforeDb: number;
  afterDb: number;
}

/** Two copies of the stereo `samples` back to back: what happens at the join. */
function seamOf(samples: Float32Array): Seam {
  const frames = samples.length / 2;
  const at = (frame: number, channel: number) => samples[2 * (((frame % frames) + frames) % frames) + channel]!;
  let largestInside = 0;
  for (let i = 1; i < frames; i++) largestInside = Math.max(largestInside, Math.abs(at(i, 0) - at(i - 1, 0)), Math.abs(at(i, 1) - at(i - 1, 1)));
  const jump = Math.max(Math.abs(at(0, 0) - at(-1, 0)), Math.abs(at(0, 1) - at(-1, 1)));
  const rms = (start: number) => {
    let sum = 0;
    for (let i = start; i < start + WINDOW; i++) sum += at(i, 0) ** 2 + at(i, 1) ** 2;
    return Math.sqrt(sum / (2 * WINDOW));
  };
  const windows: number[] = [];
  for (let start = 0; start + WINDOW <= frames; start += WINDOW) windows.push(rms(start));
  const median = windows.sort((a, b) => a - b)[Math.floor(windows.length / 2)]!;
  const db = (value: number) => 20 * Math.log10(value / median);
  return { jump, largestInside, beforeDb: db(rms(-WINDOW)), afterDb: db(rms(0)) };
}

describe('--loop has no seam (slow)', () => {
  const folder = temporaryFolder('v2m-loop-');
  after(() => rmSync(folder, { recursive: true, force: true }));
  const motion = Array.from({ length: 12 }, (_, s) => (s < 5 ? 4 : 14));
  const timeline = syntheticTimeline(motion, [5.1], 0.5);

  for (const style of ['band', 'cinematic', 'ambient'] as const) {
    it(`${style}: two copies back to back join with no click and no dip; the same music with an ending dips`, { timeout: 120_000 }, async (t) => {
      const seams: Record<string, Seam> = {};
      for (const loop of [true, false]) {
        const { produced, plan } = compose(timeline, { style, seed: 2, loop });
        const file = path.join(folder, `${style}-${loop ? 'loop' : 'ending'}.wav`);
        await renderAudio({ score: produced, title: style, audioPath: file, workFolder: folder, loop });
        const samples = decode(file);
        if (loop) {
          // Whole 4/4 bars at one tempo.
          const bars = produced.duration / ((plan.beatsPerBar * 60) / plan.sections[0]!.tempoBpm);
          assert.ok(Math.abs(bars - Math.round(bars)) < 1e-9, `${bars} bars`);
          // The file is the music's whole bars, to the synthesizer's 128-sample quantum.
          assert.ok(Math.abs(samples.length / 2 - produced.duration * RATE) <= 64, `${samples.length / 2} frames for ${produced.duration} s`);
        }
        seams[loop ? 'loop' : 'ending'] = seamOf(samples);
      }
      const { loop, ending } = seams as Record<'loop' | 'ending', Seam>;
      const figures = `loop: jump ${loop.jump.toFixed(3)} (largest inside ${loop.largestInside.toFixed(3)}), ${loop.beforeDb.toFixed(1)} / ${loop.afterDb.toFixed(1)} dB; ending: ${ending.beforeDb.toFixed(1)} / ${ending.afterDb.toFixed(1)} dB`;
      t.diagnostic(figures);
      assert.ok(loop.jump <= loop.largestInside, `a click at the seam: ${figures}`);
      assert.ok(loop.beforeDb > -MAX_SEAM_DIP_DB && loop.afterDb > -MAX_SEAM_DIP_DB, `a dip at the seam: ${figures}`);
      // The check can fail: the ordinary render fades out to its end, and that is a dip.
      assert.ok(Math.min(ending.beforeDb, ending.afterDb) < -MAX_SEAM_DIP_DB, `the ending does not dip: ${figures}`);
    });
  }
});

describe('--loop --stems (slow)', () => {
  const folder = temporaryFolder('v2m-loop-stems-');
  after(() => rmSync(folder, { recursive: true, force: true }));
  const motion = Array.from({ length: 10 }, (_, s) => (s < 4 ? 6 : 16));

  for (const style of ['cinematic', 'band'] as const) {
    it(`${style}: the stems are cut from the same middle cycle and add up to the loop within −60 dB`, { timeout: 120_000 }, async (t) => {
      const { produced } = compose(syntheticTimeline(motion, [4.2], 0.5), { style, seed: 5, loop: true });
      const file = path.join(folder, `${style}.wav`);
      const { stems, loudness } = await renderAudio({ score: produced, title: style, audioPath: file, workFolder: folder, loop: true, stemsFolder: path.join(folder, `${style}.stems`) });
      const mix = decode(file);
      const decoded = stems.map((stem) => decode(stem.path));
      assert.ok(decoded.length >= 3, `${decoded.length} stems`);
      const difference = new Float64Array(mix.length);
      for (const stem of decoded) {
        assert.equal(stem.length, mix.length, 'aligned, the same length');
        for (let i = 0; i < mix.length; i++) difference[i]! += stem[i]!;
      }
      let residual = 0;
      let power = 0;
      for (let i = 0; i < mix.length; i++) {
        residual += (difference[i]! - mix[i]!) ** 2;
        power += mix[i]! ** 2;
      }
      const residualDb = 10 * Math.log10(residual / power);
      t.diagnostic(`${style} loop: ${decoded.length} stems, residual ${residualDb.toFixed(1)} dB, limiter ${loudness.limiter ? 'on' : 'off'}`);
      assert.ok(residualDb <= -60, `the stems add up to the loop within ${residualDb.toFixed(1)} dB`);
    });
  }
});

describe('--duration, --from/--to and --loop through the pipeline (slow)', () => {
  const folder = temporaryFolder('v2m-length-');
  after(() => rmSync(folder, { recursive: true, force: true }));
  const VIDEO_SECONDS = 10;
  const seconds = (file: string) => decode(file).length / 2 / RATE;
  const run = async (name: string, options: Parameters<typeof scoreVideo>[1]) => {
    const result = await scoreVideo(SAMPLE_CLIP, { output: path.join(folder, `${name}.mp4`), faces: false, chords: 'rules', dynamics: 'motion', ...options });
    const cues = JSON.parse(readFileSync(result.outputs.cues, 'utf8')) as CueSheet;
    const video = ffprobeStreams(result.outputs.video);
    return { result, cues, videoSeconds: Number(video.format.duration), musicSeconds: seconds(result.outputs.audio), inVideo: seconds(result.outputs.video) };
  };

  for (const duration of [6, 16]) {
    it(`--duration ${duration}: a ${duration} s music file; the scored video keeps its ${VIDEO_SECONDS} s`, { timeout: 180_000 }, async () => {
      const { cues, videoSeconds, musicSeconds, inVideo } = await run(`duration-${duration}`, { duration });
      assert.ok(Math.abs(musicSeconds - duration) < 0.01, `${musicSeconds} s of music`);
      assert.ok(Math.abs(videoSeconds - VIDEO_SECONDS) < 0.1, `a ${videoSeconds} s video`);
      assert.ok(Math.abs(inVideo - VIDEO_SECONDS) < 0.1, `${inVideo} s of sound in the video`);
      assert.equal(cues.audio.duration, duration);
      assert.equal(cues.placement?.musicSeconds, duration);
      assert.match(cues.placement!.inVideo, duration < VIDEO_SECONDS ? /ending at 6\.00 s, then silence/ : /up to the video's end .* all 16\.00 s/);
    });
  }

  it('--from 2 --to 8: six seconds of music scored to that span, placed at 2 s in the whole video', { timeout: 180_000 }, async () => {
    const { cues, musicSeconds, videoSeconds, inVideo } = await run('span', { from: 2, to: 8 });
    assert.ok(Math.abs(musicSeconds - 6) < 0.01, `${musicSeconds} s of music`);
    assert.ok(Math.abs(videoSeconds - VIDEO_SECONDS) < 0.1 && Math.abs(inVideo - VIDEO_SECONDS) < 0.1);
    assert.deepEqual([cues.placement?.from, cues.placement?.to], [2, 8]);
    const sections = cues.sections;
    assert.ok(Math.abs(sections[sections.length - 1]!.end - 6) < 1e-6, 'the sheet counts from the music start');
    // The marker files sit on the video's clock: the first section marker is at 2 s, 00:00:02:00.
    const markers = readFileSync(path.join(folder, 'span.markers.csv'), 'utf8').trim().split('\n');
    assert.match(markers[1]!, /^section 1,00:00:02:00,2\.000,section,/);
    // The report's lanes run for the music's six seconds, and its cursor starts at the video's 2 s.
    const report = readFileSync(path.join(folder, 'span.report.html'), 'utf8');
    assert.match(report, /<video id="player" data-music-from="2"/);
    assert.deepEqual([...new Set([...report.matchAll(/data-duration="([^"]+)"/g)].map((match) => match[1]))], ['6']);
    // Silence in the video before the span, music inside it.
    const sound = decode(path.join(folder, 'span.mp4'));
    const level = (from: number, to: number) => Math.sqrt(sound.slice(2 * from * RATE, 2 * to * RATE).reduce((sum, x) => sum + x * x, 0) / (2 * (to - from) * RATE));
    assert.ok(level(0, 1.9) < 1e-3, `sound before the span: ${level(0, 1.9)}`);
    assert.ok(level(2.5, 7) > 0.01, `no music in the span: ${level(2.5, 7)}`);
  });

  it('--loop: whole bars, repeated under the whole video', { timeout: 180_000 }, async () => {
    const { cues, musicSeconds, inVideo } = await run('loop', { loop: true, duration: 5 });
    const barSeconds = (4 * 60) / cues.tempoMap[0]!.tempo;
    assert.ok(Math.abs(musicSeconds / barSeconds - Math.round(musicSeconds / barSeconds)) < 0.01, `${musicSeconds} s is not whole bars of ${barSeconds} s`);
    assert.ok(Math.abs(inVideo - VIDEO_SECONDS) < 0.1);
    assert.equal(cues.placement?.loop, true);
    assert.equal(cues.tempoMap.length, 1, 'one tempo');
  });

  it('bad spans are usage errors (exit 2) before any work', async () => {
    assert.equal(EXIT_CODES.USAGE, 2);
    const refused = (options: Parameters<typeof scoreVideo>[1], pattern: RegExp) =>
      assert.rejects(scoreVideo(SAMPLE_CLIP, { output: path.join(folder, 'refused.mp4'), ...options }), (error: Error & { code?: string }) => error.code === 'USAGE' && pattern.test(error.message));
    await refused({ from: 8, to: 4 }, /--to \(4 s\) must come after --from \(8 s\)/);
    await refused({ from: 12 }, /--from 12 s is beyond the end of the video, which is 10\.00 s long/);
    await refused({ to: 25 }, /--to 25 s is beyond the end of the video/);
    await refused({ from: 9 }, /The span from 9 s to 10\.00 s .* is shorter than the 2 s v2m scores at least/);
    await refused({ duration: -3 }, /--duration must be between 2 and 3600 s, not '-3'/);
  });
});
