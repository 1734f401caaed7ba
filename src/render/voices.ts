// voices: the parts of synthesis every thread shares — a SoundFont synthesizer loaded and ready, and the
// Score's events played into it quantum by quantum, at the synthesizer's own 128-sample resolution.

import { readFile } from 'node:fs/promises';
import { SoundBankLoader, SpessaLog, SpessaSynthProcessor, type MIDIController } from 'spessasynth_core';
import type { Score } from '../compose/score.js';
import { performanceEvents, type PerformanceEvent } from './performance.js';
import { useFastPlateReverb } from './plate-reverb.js';

/** The synthesizer updates envelopes once per quantum; 128 samples is its own default. */
export const QUANTUM_SAMPLES = 128;
/** Samples per block (~0.7 s at 48 kHz) handed to the effects and written: a multiple of the quantum. */
export const BLOCK_SAMPLES = QUANTUM_SAMPLES * 256;

/** A synthesizer with the SoundFont at `soundFontPath` loaded; effects on (the Score's CC91/CC93 sends feed them). */
export async function loadSynthesizer(sampleRateHz: number, soundFontPath: string): Promise<SpessaSynthProcessor> {
  SpessaLog.warnEnabled = false;
  SpessaLog.infoEnabled = false;
  const bytes = await readFile(soundFontPath);
  const synth = new SpessaSynthProcessor(sampleRateHz, { effectsEnabled: true, eventsEnabled: false });
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  useFastPlateReverb(synth);
  synth.soundBankManager.addSoundBank(SoundBankLoader.fromArrayBuffer(buffer), 'main');
  await synth.processorInitialized;
  return synth;
}

/**
 * Struck and plucked instruments — pianos, mallets, guitars, basses, the harp — where a key played again
 * damps what is left of its own previous note, as one string or bar would: the synthesizer's retrigger
 * releases the old voice (in 1 ms, under the new attack) instead of stacking a second copy of the same
 * sample, which under the sustain pedal phased against the first and, with stereo samples, doubled the
 * voices to render (the 116 s benchmark piece: 72 voices on average, 42 with this; level −0.07 dB).
 */
function strikesItsOwnString(program: number): boolean {
  return program < 16 || (program >= 24 && program < 40) || program === 46;
}

/** Plays `score` (only `tracks`, when given) into `synth`: `renderBlock` renders the next samples into two buffers. */
export function scorePlayer(synth: SpessaSynthProcessor, score: Score, tracks?: ReadonlySet<number>) {
  const events = performanceEvents(score, tracks);
  let pending: PerformanceEvent | undefined = events.next().value ?? undefined;
  /** Sends every event due before `seconds` to the synthesizer. */
  const playUntil = (seconds: number) => {
    while (pending && pending.time < seconds) {
      if (pending.kind === 'program') {
        synth.programChange(pending.channel, pending.program);
        if (strikesItsOwnString(pending.program)) synth.midiChannels[pending.channel]!.setSystemParameter('monophonicRetrigger', true);
      }
      else if (pending.kind === 'control') synth.controllerChange(pending.channel, pending.controller as MIDIController, pending.value);
      else if (pending.kind === 'on') synth.noteOn(pending.channel, pending.midi, pending.velocity);
      else synth.noteOff(pending.channel, pending.midi);
      pending = events.next().value ?? undefined;
    }
  };
  let done = 0;
  return {
    /** Renders the next `samples` samples into the start of `left`/`right` (which must be silent). */
    renderBlock(left: Float32Array, right: Float32Array, samples: number): void {
      for (let offset = 0; offset < samples; offset += QUANTUM_SAMPLES) {
        // Events land on the quantum nearest their time.
        playUntil((done + offset + QUANTUM_SAMPLES / 2) / synth.sampleRate);
        synth.process(left, right, offset, Math.min(QUANTUM_SAMPLES, samples - offset));
      }
      done += samples;
    },
  };
}
