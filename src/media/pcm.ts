// pcm: streams the audio of any file ffmpeg reads as blocks of 32-bit float samples, resampled and
// mixed to the layout asked for. One block is in memory at a time, whatever the length.

import { open } from 'node:fs/promises';
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
  // v2m's own WAV (16-bit PCM at the rate and layout asked for) is read here: no ffmpeg start, same samples.
  const wav = await plainWavData(file, options);
  if (wav) {
    yield* readWavSamples(file, wav, options);
    return;
  }
  yield* decodeWithFfmpeg(file, options);
}

async function* decodeWithFfmpeg(file: string, options: PcmStreamOptions): AsyncGenerator<PcmBlock> {
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

/** Where the samples of a 16-bit PCM WAV lie, when its rate and channels are the ones asked for. */
interface WavData {
  offset: number;
  bytes: number;
}

/** Reads the RIFF chunks up to `data`; undefined for anything else (other formats, rates, layouts, sizes unknown). */
async function plainWavData(file: string, options: PcmStreamOptions): Promise<WavData | undefined> {
  if (!file.toLowerCase().endsWith('.wav')) return undefined;
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const header = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (bytesRead < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WAVE') return undefined;
    let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
    for (let at = 12; at + 8 <= bytesRead; ) {
      const id = header.toString('latin1', at, at + 4);
      const size = header.readUInt32LE(at + 4);
      if (id === 'fmt ' && at + 24 <= bytesRead) {
        format = { tag: header.readUInt16LE(at + 8), channels: header.readUInt16LE(at + 10), rate: header.readUInt32LE(at + 12), bits: header.readUInt16LE(at + 22) };
      }
      if (id === 'data') {
        const plain = format && format.tag === 1 && format.bits === 16 && format.channels === options.channels && format.rate === options.sampleRateHz;
        // ffmpeg writes the data size once it has finished; 0 or all ones mean it never did.
        if (!plain || size === 0 || size === 0xffffffff) return undefined;
        return { offset: at + 8, bytes: size };
      }
      at += 8 + size + (size % 2);
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The samples as ffmpeg's s16 → f32 conversion gives them (x / 32768, exact in float). */
async function* readWavSamples(file: string, wav: WavData, options: PcmStreamOptions): AsyncGenerator<PcmBlock> {
  const handle = await open(file, 'r');
  try {
    const blockBytes = options.blockFrames * options.channels * 2;
    const bytes = Buffer.alloc(blockBytes);
    for (let done = 0; done < wav.bytes; ) {
      const { bytesRead } = await handle.read(bytes, 0, Math.min(blockBytes, wav.bytes - done), wav.offset + done);
      if (bytesRead === 0) break; // shorter than its header says: what is there
      const samples = new Float32Array(Math.floor(bytesRead / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(2 * i) / 32768;
      yield samples;
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
