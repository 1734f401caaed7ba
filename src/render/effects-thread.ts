// effects-thread: splits the SoundFont synthesizer's work over two threads when a core is free. The
// voices and the send effects (chorus and reverb run on every sample, whatever plays) take about half
// its time each (profiled on a 116 s score); this thread keeps the voices, and effects-worker adds the
// effects and writes the file meanwhile. Without a free core, startOneThreadWriter writes as before.

import { open } from 'node:fs/promises';
import os from 'node:os';
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

/** Where synthesize puts its blocks: render the voices into `block.left`/`block.right`, then `send`. */
export interface BlockWriter {
  block: { left: Float32Array; right: Float32Array };
  /** Hands over the filled block (its first `samples` samples); the next block starts silent. */
  send(samples: number): Promise<void>;
  /** Waits for every block to be written and the file closed. */
  finish(): Promise<void>;
  /** Gives up (after a failure elsewhere): stops the worker, closes the file. */
  stop(): Promise<void>;
}

export type EffectsThread = BlockWriter & { block: EffectsBlock };

/**
 * Whether a second thread would find a core of its own: on a machine whose cores are all busy (the
 * shared development machine) it only adds its hand-over costs (~20 % more CPU).
 */
export function aCoreIsFree(): boolean {
  const cores = os.availableParallelism();
  return cores >= 2 && os.loadavg()[0]! + 1 <= cores;
}

/** The one-thread way: the synthesizer's process() ran the effects too; interleave and write each block. */
export async function startOneThreadWriter(output: string, blockSamples: number): Promise<BlockWriter> {
  const file = await open(output, 'w');
  const interleaved = new Float32Array(blockSamples * 2);
  const writer: BlockWriter = {
    block: { left: new Float32Array(blockSamples), right: new Float32Array(blockSamples) },
    send: async (samples) => {
      const { left, right } = writer.block;
      for (let i = 0; i < samples; i++) {
        interleaved[2 * i] = left[i]!;
        interleaved[2 * i + 1] = right[i]!;
      }
      await file.write(new Uint8Array(interleaved.buffer, 0, samples * 2 * 4));
      left.fill(0);
      right.fill(0);
    },
    finish: () => file.close(),
    stop: () => file.close(),
  };
  return writer;
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
