// voices-worker: renders the voices of some of the Score's tracks on a thread of its own, with their
// effect sends captured instead of processed, and hands each block to the main thread (voice-threads),
// which sums the threads' blocks, runs the effects once and hands each block back for the next. At most a
// few blocks wait unread.

import { parentPort, workerData } from 'node:worker_threads';
import { captureSends, effectsParameters, newVoicesBlock, sendsRecorder, silence, transferList, type VoicesBlock } from './send-effects.js';
import { BLOCK_SAMPLES, QUANTUM_SAMPLES, loadSynthesizer, scorePlayer } from './voices.js';
import type { VoicesSetup, VoicesWorkerMessage } from './voice-threads.js';

const setup = workerData as VoicesSetup;
const port = parentPort!;
let credits = setup.blocksInFlight;
let wake: (() => void) | undefined;
/** Blocks the main thread has finished with and handed back: reused, so rendering allocates nothing per block. */
const returned: VoicesBlock[] = [];
port.on('message', (message: VoicesBlock) => {
  credits += 1; // the main thread has taken a block and hands an earlier one back
  returned.push(message);
  wake?.();
});
const post = (message: VoicesWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function run(): Promise<void> {
  const synth = await loadSynthesizer(setup.sampleRateHz, setup.soundFont);
  const recorder = sendsRecorder(QUANTUM_SAMPLES);
  captureSends(synth, recorder.record);
  post({ kind: 'ready', parameters: effectsParameters(synth) });
  const player = scorePlayer(synth, setup.score, new Set(setup.tracks));
  for (let done = 0; done < setup.totalSamples; done += BLOCK_SAMPLES) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    const block = returned.pop() ?? newVoicesBlock(BLOCK_SAMPLES, QUANTUM_SAMPLES);
    silence(block);
    recorder.reset(block);
    block.samples = Math.min(BLOCK_SAMPLES, setup.totalSamples - done);
    player.renderBlock(block.left, block.right, block.samples);
    credits -= 1;
    post({ kind: 'block', block }, transferList(block));
  }
}

run().catch((error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));
