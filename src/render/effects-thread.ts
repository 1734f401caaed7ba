// effects-thread: splits the SoundFont synthesizer's work over two threads. Of its time, the voices take
// about a third and the send effects (chorus and reverb run on every sample, whatever plays) the rest;
// this thread keeps the voices, and effects-worker adds the effects and writes the file meanwhile.

import { Worker } from 'node:worker_threads';
import type { SpessaSynthProcessor } from 'spessasynth_core';
import { internalError } from '../errors.js';

/** What the worker needs to start: the file to write and the parameters of the three effects. */
export interface EffectsSetup {
  output: string;
  sampleRateHz: number;
  chorus: object;
  delay: object;
  reverb: object;
}

/** One block of voices: the dry stereo mix and the mono sends, quantum by quantum. */
export interface EffectsBlock {
  kind: 'block';
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

export type EffectsWorkerReply = { kind: 'written'; samples: number } | { kind: 'closed' } | { kind: 'failed'; message: string };

/** Blocks handed over but not yet written: bounds memory when the voices run ahead of the effects. */
const MAX_BLOCKS_IN_FLIGHT = 3;

export interface EffectsThread {
  /** The block being filled: render voices into left/right at `offset`, then call `capture`. */
  block: EffectsBlock;
  /** Sends the filled block (its first `samples` samples) to the worker; waits while too many are in flight. */
  send(samples: number): Promise<void>;
  /** Waits for every block to be written and the file closed. */
  finish(): Promise<void>;
  /** Stops the worker (after a failure elsewhere). */
  stop(): Promise<void>;
}

/**
 * Takes over `synth`'s effects: from now on its process() renders only the voices into the output and
 * leaves the effect sends in the current block, which the worker turns into chorus, delay and reverb.
 */
export function startEffectsThread(synth: SpessaSynthProcessor, output: string, blockSamples: number, quantum: number): EffectsThread {
  const worker = startWorker({
    output,
    sampleRateHz: synth.sampleRate,
    chorus: synth.chorusProcessor.getSnapshot(),
    delay: synth.delayProcessor.getSnapshot(),
    reverb: synth.reverbProcessor.getSnapshot(),
  });
  const newBlock = (): EffectsBlock => ({
    kind: 'block',
    samples: 0,
    quantum,
    left: new Float32Array(blockSamples),
    right: new Float32Array(blockSamples),
    chorus: new Float32Array(blockSamples),
    reverb: new Float32Array(blockSamples),
    delay: new Float32Array(blockSamples),
    delayOn: new Uint8Array(Math.ceil(blockSamples / quantum)),
  });
  const thread = { block: newBlock() } as EffectsThread;
  let filled = 0;
  capture(synth, (sends) => {
    const { block } = thread;
    block.chorus.set(sends.chorus, filled);
    block.reverb.set(sends.reverb, filled);
    if (sends.delay) block.delay.set(sends.delay, filled);
    block.delayOn[Math.floor(filled / quantum)] = sends.delay ? 1 : 0;
    filled += sends.chorus.length;
  });

  let inFlight = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let closed: (() => void) | undefined;
  worker.on('message', (reply: EffectsWorkerReply) => {
    if (reply.kind === 'failed') failure = internalError(`the synthesizer's effects thread failed: ${reply.message}`);
    if (reply.kind === 'written') inFlight -= 1;
    if (reply.kind === 'closed') closed?.();
    wake?.();
  });
  worker.on('error', (error) => {
    failure = internalError(`the synthesizer's effects thread failed: ${error.message}`, error);
    wake?.();
    closed?.();
  });
  const check = () => {
    if (failure) throw failure;
  };
  const waitWhile = async (busy: () => boolean) => {
    while (busy() && !failure) await new Promise<void>((resolve) => (wake = resolve));
    check();
  };

  thread.send = async (samples) => {
    check();
    const { block } = thread;
    block.samples = samples;
    const transfer = [block.left, block.right, block.chorus, block.reverb, block.delay, block.delayOn].map((array) => array.buffer as ArrayBuffer);
    worker.postMessage(block, transfer);
    inFlight += 1;
    thread.block = newBlock();
    filled = 0;
    await waitWhile(() => inFlight >= MAX_BLOCKS_IN_FLIGHT);
  };
  thread.finish = async () => {
    await waitWhile(() => inFlight > 0);
    const done = new Promise<void>((resolve) => (closed = resolve));
    worker.postMessage({ kind: 'end' });
    await done;
    check();
    await worker.terminate();
  };
  thread.stop = async () => {
    await worker.terminate();
  };
  return thread;
}

interface Sends {
  chorus: Float32Array;
  reverb: Float32Array;
  /** Only while the synthesizer's delay effect is on. */
  delay?: Float32Array;
}

/**
 * The synthesizer calls chorus, then delay (when on), then reverb, once per process() call, with the
 * sends of that call. The chorus call (always first) copies them out; the effects then do nothing here.
 */
function capture(synth: SpessaSynthProcessor, onSends: (sends: Sends) => void): void {
  const core = (synth as unknown as { synthCore: { delayActive: boolean; insertionActive: boolean } }).synthCore;
  // The synthesizer runs its delay only while it is on, and never in XG mode.
  const delayRuns = () => core.delayActive && synth.midiParameters.system !== 'xg';
  synth.chorusProcessor.process = (input, _left, _right, reverbInput, delayInput, _start, count) => {
    if (core.insertionActive) throw internalError('an insertion effect is on, which the effects thread does not run. This is a bug in v2m: please report it.');
    onSends({ chorus: input.subarray(0, count), reverb: reverbInput.subarray(0, count), delay: delayRuns() ? delayInput.subarray(0, count) : undefined });
  };
  synth.delayProcessor.process = () => undefined;
  synth.reverbProcessor.process = () => undefined;
}

function startWorker(setup: EffectsSetup): Worker {
  // Built, this module is JavaScript beside effects-worker.js. Under tsx (the tests) it is TypeScript,
  // and the worker needs tsx's loader too: workers do not inherit --import hooks.
  const self = import.meta.url;
  return self.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./effects-worker.ts', self).href)}); });`,
        { eval: true, workerData: setup },
      )
    : new Worker(new URL('./effects-worker.js', self), { workerData: setup });
}
