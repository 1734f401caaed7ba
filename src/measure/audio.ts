// measure/audio: everything v2m measures on a rendered track, in one streaming pass over its samples
// (decoded by ffmpeg): onsets and beats, RMS per second, loudness per second and integrated, sample
// peak, silences. Independent of what the composer intended: it only hears the file.

import { readPcm } from '../media/pcm.js';
import { trackBeats } from './beats.js';
import { LevelMeter, type Silence } from './levels.js';
import { LoudnessMeter } from './loudness.js';
import { pickOnsets, SpectralFlux, type Onset, type OnsetEnvelope } from './onsets.js';

export interface AudioAnalysis {
  duration: number;
  onsets: Onset[];
  /** Onset envelope, for plots. */
  envelope: OnsetEnvelope;
  tempoBpm: number;
  beats: number[];
  rmsDbPerSecond: number[];
  /** RMS level of the final 250 ms, dBFS. */
  endingRmsDb: number;
  loudnessLufsPerSecond: number[];
  integratedLufs: number;
  samplePeakDbfs: number;
  longestSilence: Silence | undefined;
}

const SAMPLE_RATE_HZ = 48000;
const BLOCK_FRAMES = 48000;

export async function analyzeAudio(file: string): Promise<AudioAnalysis> {
  const loudness = new LoudnessMeter(SAMPLE_RATE_HZ, 2);
  const flux = new SpectralFlux(SAMPLE_RATE_HZ);
  const levels = new LevelMeter(SAMPLE_RATE_HZ);
  let frames = 0;
  for await (const stereo of readPcm(file, { sampleRateHz: SAMPLE_RATE_HZ, channels: 2, blockFrames: BLOCK_FRAMES })) {
    const mono = new Float32Array(stereo.length / 2);
    for (let i = 0; i < mono.length; i++) mono[i] = 0.5 * (stereo[2 * i]! + stereo[2 * i + 1]!);
    loudness.push(stereo);
    flux.push(mono);
    levels.push(mono);
    frames += mono.length;
  }
  levels.finish();
  const envelope = flux.result();
  const { tempoBpm, beats } = trackBeats(envelope);
  return {
    duration: frames / SAMPLE_RATE_HZ,
    onsets: pickOnsets(envelope),
    envelope,
    tempoBpm,
    beats,
    rmsDbPerSecond: levels.rmsDbPerSecond,
    endingRmsDb: levels.endingRmsDb(),
    loudnessLufsPerSecond: loudness.loudnessPerSecond(),
    integratedLufs: loudness.integratedLufs(),
    samplePeakDbfs: levels.samplePeakDbfs(),
    longestSilence: levels.longestSilence(),
  };
}
