// send-effects: the synthesizer's send effects (chorus, delay, reverb) applied apart from its voices.
// Voices render with their sends captured (captureSends), possibly on several threads; the summed dry
// mix and sends then go through one set of effects, in the synthesizer's own order, quantum by quantum —
// the operations SpessaSynthProcessor.process runs, so one voice thread gives the very same samples.

import { SpessaLog, SpessaSynthProcessor } from 'spessasynth_core';
import { internalError } from '../errors.js';
import { useFastPlateReverb } from './plate-reverb.js';

/** The parameters of the three effects, as the voices' synthesizer set them (getSnapshot of each). */
export interface EffectsParameters {
  chorus: object;
  delay: object;
  reverb: object;
}

/** One block of voices: the dry stereo mix and the mono sends, quantum by quantum. */
export interface VoicesBlock {
  samples: number;
  quantum: number;
  left: Float32Array;
  right: Float32Array;
  chorus: Float32Array;
  reverb: Float32Array;
  delay: Float32Array;
  /** Per quantum: whether the synthesizer ran its delay effect then. */
  delayOn: Uint8Array;
}

export function newVoicesBlock(blockSamples: number, quantum: number): VoicesBlock {
  return {
    samples: 0,
    quantum,
    left: new Float32Array(blockSamples),
    right: new Float32Array(blockSamples),
    chorus: new Float32Array(blockSamples),
    reverb: new Float32Array(blockSamples),
    delay: new Float32Array(blockSamples),
    delayOn: new Uint8Array(Math.ceil(blockSamples / quantum)),
  };
}

/** Makes a used block silent again: voices add into it, and the delay send is written only while the delay is on. */
export function silence(block: VoicesBlock): void {
  block.left.fill(0);
  block.right.fill(0);
  block.delay.fill(0);
  block.delayOn.fill(0);
  block.samples = 0;
}

/** The buffers a block hands to another thread without copying. */
export function transferList(block: VoicesBlock): ArrayBuffer[] {
  return [block.left, block.right, block.chorus, block.reverb, block.delay, block.delayOn].map((array) => array.buffer as ArrayBuffer);
}

/** Adds `other` into `sum`: voices and sends are linear, so the parts of a score rendered apart add up to the whole. */
export function addInto(sum: VoicesBlock, other: VoicesBlock): void {
  if (other.samples !== sum.samples) throw internalError(`voice blocks of ${sum.samples} and ${other.samples} samples cannot be summed`);
  for (const key of ['left', 'right', 'chorus', 'reverb', 'delay'] as const) {
    const into = sum[key];
    const from = other[key];
    for (let i = 0; i < sum.samples; i++) into[i] = into[i]! + from[i]!;
  }
  for (let q = 0; q < sum.delayOn.length; q++) sum.delayOn[q] = sum.delayOn[q]! | other.delayOn[q]!;
}

export function effectsParameters(synth: SpessaSynthProcessor): EffectsParameters {
  return { chorus: synth.chorusProcessor.getSnapshot(), delay: synth.delayProcessor.getSnapshot(), reverb: synth.reverbProcessor.getSnapshot() };
}

/** The effects of a synthesizer at `sampleRateHz`, set as `parameters` says; `apply` turns voice blocks into finished stereo. */
export class SendEffects {
  private readonly processors: SpessaSynthProcessor;
  /** The output buffer, reused block after block (its contents are valid until the next apply). */
  private interleaved: Float32Array | undefined;

  constructor(sampleRateHz: number, parameters: EffectsParameters) {
    SpessaLog.warnEnabled = false;
    SpessaLog.infoEnabled = false;
    this.processors = new SpessaSynthProcessor(sampleRateHz, { effectsEnabled: true, eventsEnabled: false });
    useFastPlateReverb(this.processors);
    // The voices' synthesizer set these through its setters; copying the snapshots runs the same setters.
    Object.assign(this.processors.chorusProcessor, parameters.chorus);
    Object.assign(this.processors.delayProcessor, parameters.delay);
    Object.assign(this.processors.reverbProcessor, parameters.reverb);
  }

  /** Adds the effects to the block's dry mix (in place) and returns it interleaved, ready to write (until the next call). */
  apply(block: VoicesBlock): Float32Array {
    const { chorusProcessor, delayProcessor, reverbProcessor } = this.processors;
    const { left, right, chorus, reverb, delay, delayOn, quantum } = block;
    for (let start = 0, q = 0; start < block.samples; start += quantum, q++) {
      const count = Math.min(quantum, block.samples - start);
      const reverbIn = reverb.subarray(start, start + count);
      const delayIn = delay.subarray(start, start + count);
      chorusProcessor.process(chorus.subarray(start, start + count), left, right, reverbIn, delayIn, start, count);
      if (delayOn[q]) delayProcessor.process(delayIn, left, right, reverbIn, start, count);
      reverbProcessor.process(reverbIn, left, right, start, count);
    }
    this.interleaved = interleave(left, right, block.samples, this.interleaved);
    return this.interleaved;
  }
}

/** Left and right as L, R, L, R…, into `into` when it is given and long enough (the start of it is returned). */
export function interleave(left: Float32Array, right: Float32Array, samples: number, into?: Float32Array): Float32Array {
  const interleaved = into && into.length >= samples * 2 ? into.subarray(0, samples * 2) : new Float32Array(samples * 2);
  for (let i = 0; i < samples; i++) {
    interleaved[2 * i] = left[i]!;
    interleaved[2 * i + 1] = right[i]!;
  }
  return interleaved;
}

interface Sends {
  chorus: Float32Array;
  reverb: Float32Array;
  /** Only while the synthesizer's delay effect is on. */
  delay?: Float32Array;
}

/**
 * From now on `synth.process()` renders only the voices: the synthesizer calls chorus, then delay (when
 * on), then reverb, once per process() call, with the sends of that call. The chorus call (always first)
 * hands them to `onSends`; the effects then do nothing here.
 */
export function captureSends(synth: SpessaSynthProcessor, onSends: (sends: Sends) => void): void {
  const core = (synth as unknown as { synthCore: { delayActive: boolean; insertionActive: boolean } }).synthCore;
  // The synthesizer runs its delay only while it is on, and never in XG mode.
  const delayRuns = () => core.delayActive && synth.midiParameters.system !== 'xg';
  synth.chorusProcessor.process = (input, _left, _right, reverbInput, delayInput, _start, count) => {
    if (core.insertionActive) throw internalError('an insertion effect is on, which the voice threads do not run. This is a bug in v2m: please report it.');
    onSends({ chorus: input.subarray(0, count), reverb: reverbInput.subarray(0, count), delay: delayRuns() ? delayInput.subarray(0, count) : undefined });
  };
  synth.delayProcessor.process = () => undefined;
  synth.reverbProcessor.process = () => undefined;
}

/** Copies each captured call's sends into `block` at the running position; `reset` starts the next block. */
export function sendsRecorder(quantum: number): { block: VoicesBlock | undefined; record: (sends: Sends) => void; reset: (block: VoicesBlock) => void } {
  let filled = 0;
  const recorder = {
    block: undefined as VoicesBlock | undefined,
    record: (sends: Sends) => {
      const block = recorder.block!;
      block.chorus.set(sends.chorus, filled);
      block.reverb.set(sends.reverb, filled);
      if (sends.delay) block.delay.set(sends.delay, filled);
      block.delayOn[Math.floor(filled / quantum)] = sends.delay ? 1 : 0;
      filled += sends.chorus.length;
    },
    reset: (block: VoicesBlock) => {
      recorder.block = block;
      filled = 0;
    },
  };
  return recorder;
}
