// synth: plays the Score on a SoundFont synthesizer (spessasynth_core, offline, faster than real time)
// and streams the audio to disk in blocks. Events come straight from the Score (render/performance),
// at the synthesizer's own 128-sample resolution, so memory stays flat however long the piece is.
// Where cores are idle the voices render on worker threads, a group of tracks each (voice-threads);
// otherwise everything runs here. A worker may be started beforehand, its SoundFont loading while the
// video is analysed (prepared).

import { open } from 'node:fs/promises';
import type { Score } from '../compose/score.js';
import type { RawPcmFile } from '../media/audio.js';
import { interleave } from './send-effects.js';
import { soundFontPath } from './soundfont.js';
import { synthesizeOnThreads, trackGroups, voiceThreadsForIdleCores, type VoicesWorker } from './voice-threads.js';
import { BLOCK_SAMPLES, loadSynthesizer, scorePlayer } from './voices.js';

export interface SynthOptions {
  score: Score;
  /** Where the raw 32-bit float stereo PCM goes. */
  output: string;
  durationSeconds: number;
  sampleRateHz: number;
  /** A checked SoundFont file (`--soundfont`); default: render/soundfont's choice. */
  soundFont?: string;
  /** Play only these tracks (by index in the score), on the channels the whole score gives them: a stem. Default: all. */
  tracks?: ReadonlySet<number>;
  /**
   * Worker threads for the voices (the effects then run on this thread); 0 renders everything on this
   * thread. Default: one per idle core. Any number gives the same music (within float rounding).
   */
  voiceThreads?: number;
  /**
   * A voices worker started beforehand (prepareVoices), its SoundFont loaded meanwhile: it plays a group
   * of tracks whatever `voiceThreads` says, if it loaded this SoundFont at this rate. synthesize stops it.
   */
  prepared?: VoicesWorker;
  /** Called with each block as written (interleaved stereo, valid until the promise settles): a measurement that runs alongside. */
  onBlock?: (interleaved: Float32Array) => Promise<void>;
  onProgress?: (fraction: number) => void;
}

export async function synthesize(options: SynthOptions): Promise<RawPcmFile> {
  const soundFont = soundFontPath(options.soundFont).path;
  const totalSamples = Math.ceil(options.durationSeconds * options.sampleRateHz);
  const prepared = options.prepared?.bank.soundFont === soundFont && options.prepared.bank.sampleRateHz === options.sampleRateHz ? options.prepared : undefined;
  if (options.prepared && !prepared) await options.prepared.stop();
  // A prepared worker has its SoundFont loaded already: it plays even where no core looked idle.
  const threads = Math.max(prepared ? 1 : 0, options.voiceThreads ?? (await voiceThreadsForIdleCores()));
  const groups = threads > 0 ? trackGroups(options.score, threads, options.tracks) : [];
  if (groups.length > 0) {
    await synthesizeOnThreads({ score: options.score, soundFont, groups, output: options.output, sampleRateHz: options.sampleRateHz, totalSamples, prepared, onBlock: options.onBlock, onProgress: options.onProgress });
  } else {
    await prepared?.stop();
    await synthesizeHere(options, soundFont, totalSamples);
  }
  return { path: options.output, sampleRateHz: options.sampleRateHz, channels: 2 };
}

/** Voices and effects on this thread: the synthesizer's own process() runs both. */
async function synthesizeHere(options: SynthOptions, soundFont: string, totalSamples: number): Promise<void> {
  const synth = await loadSynthesizer(options.sampleRateHz, soundFont);
  const player = scorePlayer(synth, options.score, options.tracks);
  const file = await open(options.output, 'w');
  try {
    const left = new Float32Array(BLOCK_SAMPLES);
    const right = new Float32Array(BLOCK_SAMPLES);
    const written = new Float32Array(2 * BLOCK_SAMPLES);
    for (let done = 0; done < totalSamples; done += BLOCK_SAMPLES) {
      const samples = Math.min(BLOCK_SAMPLES, totalSamples - done);
      left.fill(0);
      right.fill(0);
      player.renderBlock(left, right, samples);
      const interleaved = interleave(left, right, samples, written);
      await file.write(new Uint8Array(interleaved.buffer, 0, interleaved.byteLength));
      await options.onBlock?.(interleaved);
      options.onProgress?.(Math.min(1, (done + samples) / totalSamples));
    }
  } finally {
    await file.close();
  }
}
