// frames: streams small RGB frames of a video at a chosen rate and size, straight from ffmpeg's
// stdout. One frame is in memory at a time (plus the pipe's buffer), whatever the video's length.

import { badInput } from '../errors.js';
import type { MediaInfo } from './probe.js';
import { fixedSizeRecords } from './chunks.js';
import { lastLines, streamTool } from './run.js';

export interface FrameStreamOptions {
  /** Frames per second to sample (ffmpeg's fps filter: drops or repeats frames to hit the rate). */
  framesPerSecond: number;
  /** Output width in pixels; the height follows the displayed aspect ratio unless given. */
  width: number;
  height?: number;
}

/** One decoded frame: packed RGB, 3 bytes per pixel, rows top to bottom. */
export interface VideoFrame {
  index: number;
  /** Seconds from the start of the video. */
  time: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

export type FrameStream = AsyncIterable<VideoFrame>;

/** The frame size `readFrames` will produce for `info` (even numbers, displayed aspect ratio). */
export function frameSize(info: MediaInfo, options: FrameStreamOptions): { width: number; height: number } {
  const width = evenAtLeast2(options.width);
  const aspect = info.video.displayHeight / info.video.displayWidth;
  const height = evenAtLeast2(options.height ?? options.width * aspect);
  return { width, height };
}

/**
 * Decodes `info.path` at `framesPerSecond` and yields frames of `frameSize(info, options)`.
 * ffmpeg applies the video's rotation, so frames come upright. Breaking out of the loop stops ffmpeg.
 */
export async function* readFrames(info: MediaInfo, options: FrameStreamOptions): AsyncGenerator<VideoFrame> {
  const { width, height } = frameSize(info, options);
  const frameBytes = width * height * 3;
  const args = [
    '-v', 'error', '-nostdin',
    '-i', info.path,
    '-an', '-sn', '-dn',
    '-vf', `fps=${options.framesPerSecond},scale=${width}:${height}:flags=area`,
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const ffmpeg = streamTool('ffmpeg', args);
  let index = 0;
  let finished = false;
  try {
    for await (const rgb of fixedSizeRecords(ffmpeg.stdout, frameBytes)) {
      yield { index, time: index / options.framesPerSecond, width, height, rgb };
      index += 1;
    }
    const exitCode = await ffmpeg.exited;
    finished = true;
    if (exitCode !== 0 && index === 0) {
      throw badInput(`No frame of '${info.path}' could be decoded (ffmpeg says: ${lastLines(ffmpeg.stderrTail())}). The file may be corrupt.`);
    }
  } finally {
    if (!finished) ffmpeg.stop();
  }
}

function evenAtLeast2(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}
