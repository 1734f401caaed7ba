// frames: streams small RGB frames of a video at a chosen rate and size, straight from ffmpeg's
// stdout. One frame is in memory at a time (plus the pipe's buffer), whatever the video's length.

import { badInput } from '../errors.js';
import type { MediaInfo } from './probe.js';
import { fixedSizeRecords } from './chunks.js';
import { lastLines, mediaPath, streamTool } from './run.js';

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
 * A second stream of frames from the same decode (other rate, other size) for a slower consumer —
 * face detection reads larger frames, rarely. It is read as fast as `consume` takes it, so a slow
 * consumer slows the decode instead of filling memory.
 */
export interface SideStream {
  options: FrameStreamOptions;
  consume: (frames: FrameStream) => Promise<void>;
}

/**
 * Decodes `info.path` at `framesPerSecond` and yields frames of `frameSize(info, options)`; with a
 * side stream, the one decode also feeds `side.consume`. ffmpeg applies the video's rotation, so
 * frames come upright. Breaking out of the loop stops ffmpeg.
 */
export async function* readFrames(info: MediaInfo, options: FrameStreamOptions, side?: SideStream): AsyncGenerator<VideoFrame> {
  const main = frameSize(info, options);
  const filter = (o: FrameStreamOptions, size: { width: number; height: number }) => `fps=${o.framesPerSecond},scale=${size.width}:${size.height}:flags=area`;
  const sideSize = side && frameSize(info, side.options);
  const outputs = side
    ? ['-filter_complex', `[0:v:0]split=2[main][side];[main]${filter(options, main)}[a];[side]${filter(side.options, sideSize!)}[b]`,
       '-map', '[a]', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
       '-map', '[b]', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:3']
    : ['-vf', filter(options, main), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  // The decoder may skip its deblocking filter: the frames are shrunk to a few hundred pixels at most,
  // where its smoothing of block edges no longer shows, and it costs a sixth of an H.264 decode.
  const args = ['-v', 'error', '-nostdin', '-skip_loop_filter', 'all', '-i', mediaPath(info.path), '-an', '-sn', '-dn', ...outputs];
  const ffmpeg = streamTool('ffmpeg', args, side ? 1 : 0);
  let sideError: unknown;
  const sideDone = side
    ? side.consume(framesOf(ffmpeg.extraOutputs[0]!, sideSize!, side.options.framesPerSecond)).catch((error: unknown) => {
        sideError = error;
        ffmpeg.stop(); // nobody reads the side pipe any more: stop ffmpeg rather than let it block
      })
    : Promise.resolve();
  let index = 0;
  let finished = false;
  try {
    for await (const frame of framesOf(ffmpeg.stdout, main, options.framesPerSecond)) {
      yield frame;
      index += 1;
    }
    await sideDone;
    if (sideError) throw sideError;
    const exitCode = await ffmpeg.exited;
    finished = true;
    if (exitCode !== 0 && index === 0) {
      throw badInput(`No frame of '${info.path}' could be decoded (ffmpeg says: ${lastLines(ffmpeg.stderrTail())}). The file may be corrupt.`);
    }
    checkDecodedCleanly(info, exitCode, ffmpeg.stderrTail());
  } finally {
    if (!finished) ffmpeg.stop();
  }
}

async function* framesOf(pipe: AsyncIterable<Buffer>, size: { width: number; height: number }, framesPerSecond: number): AsyncGenerator<VideoFrame> {
  let index = 0;
  for await (const rgb of fixedSizeRecords(pipe, size.width * size.height * 3)) {
    yield { index, time: index / framesPerSecond, width: size.width, height: size.height, rgb };
    index += 1;
  }
}

function evenAtLeast2(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}

/**
 * ffmpeg keeps decoding past damage (a truncated tail, a corrupt packet) and still exits 0; at
 * `-v error` it says so on stderr. Damage is a bad input unless the caller allowed it, and then a
 * warning — never silent.
 */
function checkDecodedCleanly(info: MediaInfo, exitCode: number | null, stderr: string): void {
  if (exitCode === 0 && stderr.trim() === '') return;
  const said = lastLines(stderr);
  if (!info.allowDamaged) {
    throw badInput(
      `'${info.path}' is damaged: decoding it reported errors (ffmpeg says: ${said}). It may be truncated or corrupt; ` +
        're-export or re-download it, or pass --allow-damaged to score what can be decoded.',
    );
  }
  process.emitWarning(`'${info.path}' is damaged (ffmpeg says: ${said}); scoring what could be decoded.`, 'V2mDamagedInput');
}
