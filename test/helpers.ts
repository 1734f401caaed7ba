// Shared by the tests: the fixtures in the repository, how to run the built CLI, synthetic clips made with
// ffmpeg's own generators (lavfi), so that the suite needs nothing beside the clone.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolPath } from '../src/media/tools.js';
import { fixedEmotion } from '../src/analysis/emotion.js';
import type { VideoTimeline } from '../src/analysis/timeline.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
/** Small licensed clips kept in the repository (credits in test/fixtures/CREDITS.md). */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** The sample clip v2m ships (Big Buck Bunny, 320×180 VP9, 10 s, no audio). */
export const SAMPLE_CLIP = path.join(ROOT, 'samples', 'bbb-180p-10s.webm');
/** A real face: 3.6 s of Intel's sign-language sample, 320×240 (test/fixtures/CREDITS.md). */
export const FACE_CLIP = path.join(FIXTURES, 'sign-language-320.mp4');

const madeFolders: string[] = [];

/** A fresh temporary folder, removed when the test file's process ends (each test file runs in its own). */
export function temporaryFolder(prefix = 'v2m-test-'): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (madeFolders.length === 0) process.once('exit', removeTemporaryFolders);
  madeFolders.push(folder);
  return folder;
}

function removeTemporaryFolders(): void {
  for (const folder of madeFolders) {
    try {
      // Retries: a worker process that has just exited may still be releasing its files.
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      console.error(`Could not remove the temporary folder ${folder}: ${String(error)}`);
    }
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** How long ffmpeg or ffprobe may take to make or read a fixture. */
const TOOL_TIMEOUT_MS = 120_000;

/** Runs ffmpeg for a fixture; throws with ffmpeg's stderr if it fails or overruns its deadline. */
export function ffmpeg(args: string[]): void {
  const result = spawnSync(toolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { encoding: 'utf8', timeout: TOOL_TIMEOUT_MS });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed${result.signal ? ` (stopped after ${TOOL_TIMEOUT_MS / 1000} s)` : ''}: ${result.stderr}`);
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  duration?: string;
}

export function ffprobeStreams(file: string): { streams: ProbedStream[]; format: { duration: string } } {
  const result = spawnSync(toolPath('ffprobe'), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8', timeout: TOOL_TIMEOUT_MS });
  if (result.status !== 0) throw new Error(`ffprobe failed on ${file}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { streams: ProbedStream[]; format: { duration: string } };
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function listFolder(folder: string): string[] {
  return readdirSync(folder).sort();
}

/** A timeline made by hand: per-second motion and brightness, cuts at the given times (no decoding). */
export function syntheticTimeline(motionPerSecond: number[], cutTimes: number[], brightness = 0.5): VideoTimeline {
  const seconds = motionPerSecond.length;
  const cuts = cutTimes.map((time) => ({ time, strength: 0.6, confidence: 1 }));
  return {
    duration: seconds,
    analysisFps: 25,
    seconds,
    cuts,
    rejectedCuts: [],
    transitions: [],
    visualBeats: cuts.map((cut) => ({ time: cut.time, strength: 1, kind: 'cut' as const })),
    visualTempoBpm: 0,
    motionCurve: { rateHz: 10, values: motionPerSecond.flatMap((m) => Array(10).fill(m)) },
    features: {
      motion: motionPerSecond,
      motionMean: motionPerSecond,
      cameraMotion: Array(seconds).fill(0),
      sceneMotion: motionPerSecond,
      brightness: Array(seconds).fill(brightness),
      contrast: Array(seconds).fill(0.2),
      saturation: Array(seconds).fill(0.3),
      colourfulness: Array(seconds).fill(0.2),
      warmth: Array(seconds).fill(0),
      sceneOffset: Array(seconds).fill(0),
    },
    faces: null,
    emotion: fixedEmotion('neutral', seconds),
  };
}

/** Where a fixture's pictures come from: a video file, or a generator of ffmpeg's lavfi (a filter graph). */
export type Source = { readonly file: string } | { readonly lavfi: string };

const SIZE = 'size=320x180:rate=25';

/**
 * Synthetic shots made by ffmpeg itself, each unlike the others in colour and texture, with the
 * motion their names say. Seeds are fixed, so every run decodes the same pictures.
 */
export const SHOTS = {
  /** A test pattern on a colour gradient with a small moving block and a counter: little motion. */
  testPattern: { lavfi: `testsrc2=${SIZE}` },
  /** A colourful fractal zooming in steadily. */
  fractalZoom: { lavfi: `mandelbrot=${SIZE}:start_scale=2:end_scale=0.05:end_pts=300` },
  /** Conway's life on a dark blue ground: small changes everywhere, a still camera. */
  life: { lavfi: `life=${SIZE}:seed=7:ratio=0.2:mold=0:life_color=#f0d040:death_color=#102848` },
  /** An elementary cellular automaton (rule 110) scrolling up: a busy black-and-white texture. */
  automaton: { lavfi: `cellauto=${SIZE}:rule=110:seed=3:scroll=1:random_fill_ratio=0.5` },
  /** Colour bars, perfectly still. */
  bars: { lavfi: `smptehdbars=${SIZE}` },
  /** A flat warm orange with nothing in it. */
  orange: { lavfi: `color=c=#d07030:${SIZE}` },
} as const satisfies Record<string, Source>;

function inputArgs(source: Source, start: number, length: number): string[] {
  if ('file' in source) return ['-ss', String(start), '-t', String(length), '-i', source.file];
  return ['-f', 'lavfi', '-ss', String(start), '-t', String(length), '-i', source.lavfi];
}

export type MontagePart = readonly [source: Source, start: number, length: number, fade?: { in?: boolean; out?: boolean }];

/** Frames a montage fade takes (0.6 s at 25 fps). */
export const MONTAGE_FADE_FRAMES = 15;

/**
 * Joins segments of sources into one video (25 fps, 320×180, H.264) with ffmpeg's concat
 * filter; returns the file and the cut times it planted. Each segment is trimmed to a whole number
 * of frames after the rate change, so the planted times are exact to the frame.
 */
export function buildMontage(parts: readonly MontagePart[], file: string): { file: string; cuts: number[] } {
  const fps = 25;
  const frames = parts.map(([, , length]) => Math.round(length * fps));
  const inputs = parts.flatMap(([source, start, length]) => inputArgs(source, start, length + 0.5));
  const fades = parts.map(([, , , fade], i) =>
    [
      fade?.in ? `,fade=t=in:start_frame=0:nb_frames=${MONTAGE_FADE_FRAMES}` : '',
      fade?.out ? `,fade=t=out:start_frame=${frames[i]! - MONTAGE_FADE_FRAMES}:nb_frames=${MONTAGE_FADE_FRAMES}` : '',
    ].join(''),
  );
  const chains = parts.map((_, i) => `[${i}:v]fps=${fps},scale=320:180,setsar=1,trim=end_frame=${frames[i]},setpts=PTS-STARTPTS${fades[i]}[v${i}]`).join(';');
  const concat = `${parts.map((_, i) => `[v${i}]`).join('')}concat=n=${parts.length}:v=1:a=0[out]`;
  ffmpeg([...inputs, '-filter_complex', `${chains};${concat}`, '-map', '[out]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  const cuts: number[] = [];
  let frame = 0;
  for (const count of frames.slice(0, -1)) {
    frame += count;
    cuts.push(frame / fps);
  }
  return { file, cuts };
}

/**
 * Two shots joined by a cross-dissolve (25 fps, 320×180): `first` alone for `before` seconds, then
 * `dissolve` seconds in which `second` fades in over it, then `second` alone for `after` seconds.
 * Returns the file and the dissolve's start and end.
 */
export function buildDissolve(first: MontagePart, second: MontagePart, file: string, timing = { before: 3, dissolve: 1, after: 2 }): { file: string; start: number; end: number } {
  const fps = 25;
  const frames = (seconds: number) => Math.round(seconds * fps);
  const prepare = (i: number) => `[${i}:v]fps=${fps},scale=320:180,setsar=1,setpts=PTS-STARTPTS`;
  const graph = [
    `${prepare(0)},trim=end_frame=${frames(timing.before + timing.dissolve)}[a]`,
    `${prepare(1)},trim=end_frame=${frames(timing.dissolve + timing.after)},split[b1][b2]`,
    // The second shot's first frames, fading in over the first shot's last ones…
    `[b1]trim=end_frame=${frames(timing.dissolve)},setpts=PTS-STARTPTS,format=yuva420p,fade=t=in:st=0:d=${timing.dissolve}:alpha=1,setpts=PTS-STARTPTS+${timing.before}/TB[top]`,
    // …then the rest of it, after the first shot has ended.
    `[b2]trim=start_frame=${frames(timing.dissolve)},setpts=PTS-STARTPTS[rest]`,
    '[a][rest]concat=n=2:v=1:a=0[base]',
    '[base][top]overlay=eof_action=pass,format=yuv420p[out]',
  ].join(';');
  const inputs = [first, second].flatMap(([source, start, length]) => inputArgs(source, start, length));
  ffmpeg([...inputs, '-filter_complex', graph, '-map', '[out]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  return { file, start: timing.before, end: timing.before + timing.dissolve };
}

/** Ten seconds of six synthetic shots with hard cuts at 1.2, 3.04, 5.48, 7.48 and 9.68 s (25 fps, 320×180, H.264). */
export function fiveCutClip(file: string): { file: string; cuts: number[] } {
  return buildMontage(
    [
      [SHOTS.testPattern, 0, 1.2],
      [SHOTS.fractalZoom, 1, 1.84],
      [SHOTS.life, 2, 2.44],
      [SHOTS.automaton, 1, 2],
      [SHOTS.bars, 0, 2.2],
      [SHOTS.fractalZoom, 8, 0.32],
    ],
    file,
  );
}

/** A still picture (PNG) of `source` at `time`, scaled to `size` (e.g. '854x480'). */
export function stillOf(source: Source, time: number, size: string, file: string): string {
  ffmpeg([...inputArgs(source, time, 1), '-frames:v', '1', '-vf', `scale=${size.replace('x', ':')}`, file]);
  return file;
}

export interface SyntheticClipOptions {
  seconds: number;
  /** A lavfi video generator and its options, without size and rate (default: testsrc2). */
  generator?: string;
  size?: string;
  rate?: number;
  /** A sine tone of this many Hz as the audio track; no audio when absent. */
  toneHz?: number;
  /** Encoder arguments (default: H.264 video, AAC audio). */
  codecs?: string[];
}

/** A clip of one lavfi generator (and a tone, if asked), encoded as the file's extension needs. */
export function syntheticClip(file: string, options: SyntheticClipOptions): string {
  const { seconds, generator = 'testsrc2', size = '320x180', rate = 25, toneHz, codecs = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac'] } = options;
  const separator = generator.includes('=') ? ':' : '=';
  const video = ['-f', 'lavfi', '-i', `${generator}${separator}size=${size}:rate=${rate}`];
  const audio = toneHz === undefined ? [] : ['-f', 'lavfi', '-i', `sine=frequency=${toneHz}`];
  ffmpeg([...video, ...audio, '-t', String(seconds), ...codecs, file]);
  return file;
}

/** Two seconds of VP8 video with Vorbis sound in WebM (a codec pair an MP4 cannot hold). */
export function vp8WithVorbis(file: string): string {
  return syntheticClip(file, { seconds: 2, size: '480x200', rate: 24, toneHz: 330, codecs: ['-c:v', 'libvpx', '-b:v', '400k', '-c:a', 'libvorbis'] });
}

/** `promise`, or an error naming `what` was awaited once `ms` have passed: no wait in a test is open-ended. */
/** Resolves once `check()` is true (looking every 100 ms); fails naming `what` after `ms`, and stops looking either way. */
export function pollUntil(what: string, ms: number, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`Gave up after ${ms / 1000} s waiting for ${what}.`));
      }
    }, 100);
  });
}

export async function withDeadline<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Gave up after ${ms / 1000} s waiting for ${what}.`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
