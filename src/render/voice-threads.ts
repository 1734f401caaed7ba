// voice-threads: spreads synthesis over the cores that are free. Each worker thread (voices-worker)
// renders the voices of a group of tracks with their effect sends; this thread sums the groups' blocks —
// voices and sends are linear, so the parts add up to the whole — runs the send effects once and writes
// the file. Synthesis is the largest stage of a score, and on a free machine the analysis that precedes
// it has finished, so its cores are there to use.

import { open } from 'node:fs/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Score } from '../compose/score.js';
import { internalError } from '../errors.js';
import { addInto, SendEffects, transferList, type EffectsParameters, type VoicesBlock } from './send-effects.js';
import { BLOCK_SAMPLES } from './voices.js';

/** The SoundFont a voices worker loads as it starts, at the synthesis's sample rate. */
export interface VoicesBank {
  soundFont: string;
  sampleRateHz: number;
}

/** What a voices worker plays, once its SoundFont is loaded: the score's `tracks`. */
export interface VoicesPart {
  score: Score;
  tracks: number[];
  totalSamples: number;
  /** Blocks the worker may render ahead of the main thread: bounds memory when the effects fall behind. */
  blocksInFlight: number;
}

export type VoicesToWorker = { kind: 'play'; part: VoicesPart } | { kind: 'back'; block: VoicesBlock };

export type VoicesWorkerMessage =
  | { kind: 'ready'; parameters: EffectsParameters }
  | { kind: 'block'; block: VoicesBlock }
  | { kind: 'failed'; message: string };

const BLOCKS_IN_FLIGHT = 3;
/** More threads than parts to play would only idle; a handful of parts carry most of any score. */
const MAX_VOICE_THREADS = 4;

/**
 * How many voice threads to start: the cores idle over a short look (100 ms of the machine's CPU
 * counters) less the one this thread needs for the send effects — at least one where any core is idle,
 * at most MAX_VOICE_THREADS. The effects (the reverb above all) are one serial chain as costly as about
 * half the voices, so on two cores a second voice thread only makes three threads share two cores (the
 * 116 s benchmark piece: one voice thread 3.4 s wall and 4.8 s CPU, two 3.3 s and 5.5 s, and 160 MB
 * more memory). 0 when no core is idle: a second thread would only add its hand-over costs.
 */
export async function voiceThreadsForIdleCores(lookMs = 100): Promise<number> {
  const idle = Math.round(await idleCores(lookMs));
  if (idle === 0 || os.availableParallelism() < 2) return 0;
  return Math.max(1, Math.min(MAX_VOICE_THREADS, os.availableParallelism() - 1, idle - 1));
}

async function idleCores(lookMs: number): Promise<number> {
  const totals = () => os.cpus().reduce((sum, cpu) => ({ idle: sum.idle + cpu.times.idle, all: sum.all + Object.values(cpu.times).reduce((a, b) => a + b, 0) }), { idle: 0, all: 0 });
  const before = totals();
  await new Promise((resolve) => setTimeout(resolve, lookMs));
  const after = totals();
  const all = after.all - before.all;
  return all > 0 ? ((after.idle - before.idle) / all) * os.cpus().length : 0;
}

/**
 * Splits the score's tracks into `groups` groups of about equal work — sounding time, each note counted
 * with a release of half a second, the heaviest track first into the lightest group — dropping empty groups.
 */
export function trackGroups(score: Score, groups: number, playing?: ReadonlySet<number>): number[][] {
  const work = score.tracks
    .map((track, index) => ({ index, seconds: track.notes.reduce((sum, note) => sum + note.duration + 0.5, 0) }))
    .filter(({ index }) => !playing || playing.has(index))
    .sort((a, b) => b.seconds - a.seconds);
  const bins = Array.from({ length: groups }, () => ({ seconds: 0, tracks: [] as number[] }));
  for (const track of work) {
    const lightest = bins.reduce((best, bin) => (bin.seconds < best.seconds ? bin : best));
    lightest.tracks.push(track.index);
    lightest.seconds += track.seconds;
  }
  return bins.map((bin) => bin.tracks.sort((a, b) => a - b)).filter((tracks) => tracks.length > 0);
}

export interface ThreadedSynthesis {
  score: Score;
  soundFont: string;
  groups: number[][];
  output: string;
  sampleRateHz: number;
  totalSamples: number;
  /** A worker started beforehand with this SoundFont and rate (prepareVoices): it plays the first group. */
  prepared?: VoicesWorker;
  onBlock?: (interleaved: Float32Array) => Promise<void>;
  onProgress?: (fraction: number) => void;
}

/** Renders the groups on worker threads, sums them, adds the effects here and writes interleaved float PCM. */
export async function synthesizeOnThreads(request: ThreadedSynthesis): Promise<void> {
  const bank = { soundFont: request.soundFont, sampleRateHz: request.sampleRateHz };
  const workers = request.groups.map((_, i) => (i === 0 && request.prepared ? request.prepared : prepareVoices(bank)));
  workers.forEach((worker, i) => worker.play({ score: request.score, tracks: request.groups[i]!, totalSamples: request.totalSamples, blocksInFlight: BLOCKS_IN_FLIGHT }));
  const file = await open(request.output, 'w');
  try {
    const [first] = await Promise.all(workers.map((worker) => worker.ready));
    const effects = new SendEffects(request.sampleRateHz, first!);
    for (let done = 0; done < request.totalSamples; done += BLOCK_SAMPLES) {
      const blocks = await Promise.all(workers.map((worker) => worker.nextBlock()));
      const sum = blocks[0]!;
      for (const other of blocks.slice(1)) addInto(sum, other);
      const interleaved = effects.apply(sum);
      await file.write(new Uint8Array(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength));
      await request.onBlock?.(interleaved);
      workers.forEach((worker, i) => worker.handBack(blocks[i]!));
      request.onProgress?.(Math.min(1, (done + sum.samples) / request.totalSamples));
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await file.close();
  }
}

/** A voices worker: its SoundFont loads as it starts; `play` gives it the tracks to render. */
export interface VoicesWorker {
  readonly bank: VoicesBank;
  ready: Promise<EffectsParameters>;
  play(part: VoicesPart): void;
  nextBlock(): Promise<VoicesBlock>;
  /** Gives a block taken with nextBlock back to its worker, to render into again. */
  handBack(block: VoicesBlock): void;
  stop(): Promise<void>;
}

/**
 * Starts a voices worker, which reads the SoundFont at once; `play` hands it its tracks. Started before
 * the score exists — while the video is analysed, whose decode leaves part of a core idle — the SoundFont
 * (half a second for the default bank) is loaded when synthesis begins. Give it to `synthesize` (which
 * stops it when done) or stop it.
 */
export function prepareVoices(bank: VoicesBank): VoicesWorker {
  const worker = startWorker('voices-worker', bank);
  const blocks: VoicesBlock[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let resolveReady!: (parameters: EffectsParameters) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<EffectsParameters>((resolve, reject) => ((resolveReady = resolve), (rejectReady = reject)));
  ready.catch(() => undefined); // a failure is reported by whichever wait comes first
  const fail = (error: Error) => {
    failure ??= error;
    rejectReady(failure);
    wake?.();
  };
  worker.on('message', (message: VoicesWorkerMessage) => {
    if (message.kind === 'ready') resolveReady(message.parameters);
    else if (message.kind === 'block') blocks.push(message.block);
    else fail(internalError(`a synthesizer thread failed: ${message.message}`));
    wake?.();
  });
  worker.on('error', (error) => fail(internalError(`a synthesizer thread failed: ${error.message}`, error)));
  worker.on('exit', (code) => fail(internalError(`a synthesizer thread stopped early (exit code ${code})`)));
  const send = (message: VoicesToWorker, transfer: ArrayBuffer[] = []) => {
    if (!failure) worker.postMessage(message, transfer);
  };
  return {
    bank,
    ready,
    play: (part) => send({ kind: 'play', part }),
    async nextBlock() {
      while (blocks.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const block = blocks.shift();
      if (!block) throw failure!;
      return block;
    },
    handBack: (block) => send({ kind: 'back', block }, transferList(block)),
    async stop() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

function startWorker(name: string, workerData: unknown): Worker {
  // Built, this module is JavaScript beside the worker's .js. Under tsx (the tests) it is TypeScript,
  // and the worker needs tsx's loader too: workers do not inherit --import hooks.
  const self = import.meta.url;
  return self.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL(`./${name}.ts`, self).href)}); });`,
        { eval: true, workerData },
      )
    : new Worker(new URL(`./${name}.js`, self), { workerData });
}
