// Shared by the tests: where the shared clips are, how to run the built CLI, fixtures made with ffmpeg.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolPath } from '../src/media/tools.js';
import { fixedEmotion } from '../src/analysis/emotion.js';
import type { VideoTimeline } from '../src/analysis/timeline.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED_MEDIA = path.resolve(ROOT, '..', 'shared', 'media');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

export function media(name: string): string {
  return path.join(SHARED_MEDIA, name);
}

export function temporaryFolder(prefix = 'v2m-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
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

/** Runs ffmpeg for a fixture; throws with ffmpeg's stderr if it fails. */
export function ffmpeg(args: string[]): void {
  const result = spawnSync(toolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr}`);
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  duration?: string;
}

export function ffprobeStreams(file: string): { streams: ProbedStream[]; format: { duration: string } } {
  const result = spawnSync(toolPath('ffprobe'), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
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
  const cuts = cutTimes.map((time) => ({ time, strength: 0.6 }));
  return {
    duration: seconds,
    analysisFps: 25,
    seconds,
    cuts,
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

export type MontagePart = readonly [clip: string, start: number, length: number, fade?: { in?: boolean; out?: boolean }];

/** Frames a montage fade takes (0.6 s at 25 fps). */
export const MONTAGE_FADE_FRAMES = 15;

/**
 * Joins segments of shared clips into one video (25 fps, 320×180, H.264) with ffmpeg's concat
 * filter; returns the file and the cut times it planted. Each segment is trimmed to a whole number
 * of frames after the rate change, so the planted times are exact to the frame.
 */
export function buildMontage(parts: readonly MontagePart[], file: string): { file: string; cuts: number[] } {
  const fps = 25;
  const frames = parts.map(([, , length]) => Math.round(length * fps));
  const inputs = parts.flatMap(([clip, start, length]) => ['-ss', String(start), '-t', String(length + 0.5), '-i', media(clip)]);
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
  const inputs = [first, second].flatMap(([clip, start, length]) => ['-ss', String(start), '-t', String(length), '-i', media(clip)]);
  ffmpeg([...inputs, '-filter_complex', graph, '-map', '[out]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  return { file, start: timing.before, end: timing.before + timing.dissolve };
}
