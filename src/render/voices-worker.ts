// voices-worker: renders the voices of some of the Score's tracks on a thread of its own, with their
// effect sends captured instead of processed, and hands each block to the main thread (voice-threads),
// which sums the threads' blocks, runs the effects once and hands each block back for the next. At most
// a few blocks wait unread. The SoundFont loads as soon as the thread starts: a thread started while the
// video is analysed (prepareVoices) has it ready by the time the score comes.

import { parentPort, workerData } from 'node:worker_threads';
import { captureSends, effectsParameters, newVoicesBlock, sendsRecorder, silence, transferList, type VoicesBlock } from './send-effects.js';
import { BLOCK_SAMPLES, QUANTUM_SAMPLES, loadSynthesizer, scorePlayer } from './voices.js';
import type { VoicesBank, VoicesPart, VoicesToWorker, VoicesWorkerMessage } from './voice-threads.js';

const bank = workerData as VoicesBank;
const port = parentPort!;
const post = (message: VoicesWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let part: VoicesPart | undefined;
let credits = 0;
let wake: (() => void) | undefined;
/** Blocks the main thread has finished with and handed back: reused, so rendering allocates nothing per block. */
const returned: VoicesBlock[] = [];
port.on('message', (message: VoicesToWorker) => {
  if (message.kind === 'play') {
    part = message.part;
    credits = message.part.blocksInFlight;
  } else {
    credits += 1; // the main thread has taken a block and hands an earlier one back
    returned.push(message.block);
  }
  wake?.();
});

async function run(): Promise<void> {
  const synth = await loadSynthesizer(bank.sampleRateHz, bank.soundFont);
  const recorder = sendsRecorder(QUANTUM_SAMPLES);
  captureSends(synth, recorder.record);
  post({ kind: 'ready', parameters: effectsParameters(synth) });
  while (!part) await new Promise<void>((resolve) => (wake = resolve));
  const { score, tracks, totalSamples } = part;
  const player = scorePlayer(synth, score, new Set(tracks));
  for (let done = 0; done < totalSamples; done += BLOCK_SAMPLES) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    const block = returned.pop() ?? newVoicesBlock(BLOCK_SAMPLES, QUANTUM_SAMPLES);
    silence(block);
    recorder.reset(block);
    block.samples = Math.min(BLOCK_SAMPLES, totalSamples - done);
    player.renderBlock(block.left, block.right, block.samples);
    credits -= 1;
    post({ kind: 'block', block }, transferList(block));
  }
}

run().catch((error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));
