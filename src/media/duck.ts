// duck: lowers the music under speech before it is mixed with the video's own sound, the way a
// sidechain compressor keyed on the dialogue would — but from a gain envelope computed in advance
// from the speech spans, so it can look ahead (the music is already down when the first word
// starts), every sample's gain is known and testable, and the cue sheet states exactly what was done
// (the envelope: duck-envelope.ts). The samples stream through in blocks (one block in memory).

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SpeechSpan } from '../analysis/speech.js';
import { DuckingEnvelope, type DuckingSettings } from './duck-envelope.js';
import { readPcm } from './pcm.js';

export { DEFAULT_DUCKING, DuckingEnvelope, type DuckingSettings } from './duck-envelope.js';

/** Raw interleaved 16-bit PCM the mux reads (sample rate and channels of the music it came from). */
export interface DuckedMusic {
  path: string;
  sampleRateHz: number;
  channels: 1 | 2;
}

/**
 * Writes `output` (raw s16le): the music file times the ducking envelope. The music is v2m's own
 * 16-bit WAV, read without ffmpeg; a FLAC/MP3/24-bit music file is decoded by ffmpeg (one start).
 */
export async function writeDuckedMusic(music: string, spans: readonly SpeechSpan[], settings: DuckingSettings, output: string, sampleRateHz: number): Promise<DuckedMusic> {
  const envelope = new DuckingEnvelope(spans, settings);
  const channels = 2;
  const stream = createWriteStream(output);
  const failed = once(stream, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  let frame = 0;
  for await (const block of readPcm(music, { sampleRateHz, channels, blockFrames: sampleRateHz })) {
    // Int16Array is little-endian on every platform Node runs on (x64, arm64).
    const samples = new Int16Array(block.length);
    for (let i = 0; i < block.length; i += channels) {
      const gainDb = envelope.gainDbAt(frame / sampleRateHz);
      const gain = gainDb === 0 ? 1 : 10 ** (gainDb / 20);
      frame += 1;
      for (let c = 0; c < channels; c++) samples[i + c] = toInt16(block[i + c]! * gain);
    }
    if (!stream.write(Buffer.from(samples.buffer))) await Promise.race([once(stream, 'drain'), failed]);
  }
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
  return { path: output, sampleRateHz, channels };
}

function toInt16(sample: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(sample * 32768)));
}
