// pcm: streams the audio of any file ffmpeg reads as blocks of 32-bit float samples, resampled and
// mixed to the layout asked for. One block is in memory at a time, whatever the length.

import { badInput } from '../errors.js';
import { fixedSizeRecords } from './chunks.js';
import { lastLines, mediaPath, streamTool } from './run.js';

export interface PcmStreamOptions {
  sampleRateHz: number;
  channels: 1 | 2;
  /** Sample frames (one sample per channel) per block; the last block may be shorter. */
  blockFrames: number;
}

/** Interleaved samples, `channels` per frame, nominally in −1…1. */
export type PcmBlock = Float32Array;

export async function* readPcm(file: string, options: PcmStreamOptions): AsyncGenerator<PcmBlock> {
  const args = [
    '-v', 'error', '-nostdin',
    '-i', mediaPath(file),
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-ac', String(options.channels), '-ar', String(options.sampleRateHz),
    '-f', 'f32le', 'pipe:1',
  ];
  const ffmpeg = streamTool('ffmpeg', args);
  const blockBytes = options.blockFrames * options.channels * 4;
  let blocks = 0;
  let finished = false;
  try {
    for await (const bytes of fixedSizeRecords(ffmpeg.stdout, blockBytes, true)) {
      // Records start at offset 0 of their own buffer, so the float view is aligned.
      yield new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
      blocks += 1;
    }
    const exitCode = await ffmpeg.exited;
    finished = true;
    if (exitCode !== 0 && blocks === 0) {
      throw badInput(`No audio of '${file}' could be decoded (ffmpeg says: ${lastLines(ffmpeg.stderrTail())}).`);
    }
  } finally {
    if (!finished) ffmpeg.stop();
  }
}
