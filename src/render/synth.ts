// synth: plays the Score on a SoundFont synthesizer (spessasynth_core, offline, faster than real time)
// and streams the audio to disk in blocks. Events come straight from the Score (render/performance),
// at the synthesizer's own 128-sample resolution, so memory stays flat however long the piece is.

import { readFile } from 'node:fs/promises';
import { SoundBankLoader, SpessaLog, SpessaSynthProcessor, type MIDIController } from 'spessasynth_core';
import type { Score } from '../compose/score.js';
import type { RawPcmFile } from '../media/audio.js';
import { aCoreIsFree, startEffectsThread, startOneThreadWriter } from './effects-thread.js';
import { performanceEvents, type PerformanceEvent } from './performance.js';
import { soundFontPath } from './soundfont.js';

/** The synthesizer updates envelopes once per quantum; 128 samples is its own default. */
const QUANTUM_SAMPLES = 128;
/** Samples written to disk per block (~0.7 s at 48 kHz): a multiple of the quantum. */
const BLOCK_SAMPLES = QUANTUM_SAMPLES * 256;

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
  /** Run the send effects on a worker thread (the same samples); default: when a core is free for it. */
  effectsThread?: boolean;
  onProgress?: (fraction: number) => void;
}

export async function synthesize(options: SynthOptions): Promise<RawPcmFile> {
  SpessaLog.warnEnabled = false;
  SpessaLog.infoEnabled = false;
  const soundFont = await readFile(soundFontPath(options.soundFont).path);
  // Effects on: the reverb (CC91) and chorus (CC93) sends the mix writes feed the synthesizer's own processors.
  const synth = new SpessaSynthProcessor(options.sampleRateHz, { effectsEnabled: true, eventsEnabled: false });
  synth.soundBankManager.addSoundBank(SoundBankLoader.fromArrayBuffer(toArrayBuffer(soundFont)), 'main');
  await synth.processorInitialized;

  const events = performanceEvents(options.score, options.tracks);
  let pending: PerformanceEvent | undefined = events.next().value ?? undefined;
  /** Sends every event due before `seconds` to the synthesizer. */
  const playUntil = (seconds: number) => {
    while (pending && pending.time < seconds) {
      if (pending.kind === 'program') synth.programChange(pending.channel, pending.program);
      else if (pending.kind === 'control') synth.controllerChange(pending.channel, pending.controller as MIDIController, pending.value);
      else if (pending.kind === 'on') synth.noteOn(pending.channel, pending.midi, pending.velocity);
      else synth.noteOff(pending.channel, pending.midi);
      pending = events.next().value ?? undefined;
    }
  };

  const totalSamples = Math.ceil(options.durationSeconds * options.sampleRateHz);
  // The voices render here; the send effects run here too, or on a thread of their own that writes the file.
  const effects = (options.effectsThread ?? aCoreIsFree())
    ? startEffectsThread(synth, options.output, BLOCK_SAMPLES, QUANTUM_SAMPLES)
    : await startOneThreadWriter(options.output, BLOCK_SAMPLES);
  let finished = false;
  try {
    for (let done = 0; done < totalSamples; done += BLOCK_SAMPLES) {
      const blockSamples = Math.min(BLOCK_SAMPLES, totalSamples - done);
      const { left, right } = effects.block;
      for (let offset = 0; offset < blockSamples; offset += QUANTUM_SAMPLES) {
        playUntil((done + offset + QUANTUM_SAMPLES / 2) / options.sampleRateHz);
        synth.process(left, right, offset, Math.min(QUANTUM_SAMPLES, blockSamples - offset));
      }
      await effects.send(blockSamples);
      options.onProgress?.(Math.min(1, (done + blockSamples) / totalSamples));
    }
    await effects.finish();
    finished = true;
  } finally {
    if (!finished) await effects.stop();
  }
  return { path: options.output, sampleRateHz: options.sampleRateHz, channels: 2 };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
