// master: the finished track — exactly the video's length, a short fade on the last frame, and
// loudness-normalised (EBU R128) so it plays as loud as other online video without clipping.

import { normaliseLoudness, type LoudnessMeasurement, type RawPcmFile } from '../media/audio.js';

export interface MasterOptions {
  /** Integrated loudness target in LUFS (-14 is what the big video platforms normalise to). */
  targetLufs: number;
  /** Ceiling for true peaks, in dBTP; a little under -1 leaves room for the AAC encoder's overshoot. */
  truePeakDbtp: number;
  /** Longest fade-out; short videos get a fade of at most a sixth of their length. */
  fadeOutSeconds: number;
  sampleRateHz: number;
}

export const DEFAULT_MASTER: MasterOptions = { targetLufs: -14, truePeakDbtp: -1.5, fadeOutSeconds: 2, sampleRateHz: 48000 };

export async function master(raw: RawPcmFile, output: string, durationSeconds: number, options: MasterOptions = DEFAULT_MASTER): Promise<LoudnessMeasurement> {
  return normaliseLoudness({
    input: raw,
    output,
    durationSeconds,
    fadeOutSeconds: Math.min(options.fadeOutSeconds, durationSeconds / 6),
    targetLufs: options.targetLufs,
    truePeakDbtp: options.truePeakDbtp,
    sampleRateHz: options.sampleRateHz,
  });
}
