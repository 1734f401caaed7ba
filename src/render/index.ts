// render: a Score becomes a Standard MIDI File and a finished WAV — synthesized with the
// SoundFont into a work folder, then mastered to the video's exact length and loudness.

import path from 'node:path';
import type { Score } from '../compose/score.js';
import type { LoudnessMeasurement } from '../media/audio.js';
import { DEFAULT_MASTER, master, type AudioFormat } from './master.js';
import { scoreToMidi } from './midi.js';
import { synthesize } from './synth.js';

export interface RenderRequest {
  score: Score;
  /** Title written into the MIDI file. */
  title: string;
  /** The music file to write, in `audioFormat` (default: 16-bit WAV). */
  audioPath: string;
  audioFormat?: AudioFormat;
  /** A private folder for the raw synthesizer output. */
  workFolder: string;
  /** A checked SoundFont file (`--soundfont`); default: render/soundfont's choice. */
  soundFont?: string;
  onProgress?: (stage: 'synthesize' | 'master', fraction: number) => void;
}

export interface RenderedAudio {
  midi: Uint8Array;
  loudness: LoudnessMeasurement;
}

/** Synthesis runs half a second past the end, so the last notes' release is there for the fade to shape. */
const SYNTH_TAIL_SECONDS = 0.5;

export async function renderAudio(request: RenderRequest): Promise<RenderedAudio> {
  const duration = request.score.duration;
  const midi = scoreToMidi(request.score, request.title);
  request.onProgress?.('synthesize', 0);
  const raw = await synthesize({
    score: request.score,
    output: path.join(request.workFolder, `synth-${path.basename(request.audioPath)}.f32`),
    durationSeconds: duration + SYNTH_TAIL_SECONDS,
    sampleRateHz: DEFAULT_MASTER.sampleRateHz,
    soundFont: request.soundFont,
    onProgress: (f) => request.onProgress?.('synthesize', f),
  });
  request.onProgress?.('master', 0);
  const loudness = await master(raw, request.audioPath, duration, request.audioFormat);
  return { midi, loudness };
}
