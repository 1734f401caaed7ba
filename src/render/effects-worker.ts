// effects-worker: the synthesizer's send effects (chorus, delay, reverb) on a thread of their own. The
// main thread renders the voices and hands over, per block, the dry mix and the effect sends; this
// thread adds the effects in the synthesizer's own order, quantum by quantum, and writes the PCM file.
// Same operations in the same order as SpessaSynthProcessor.process, so the samples are identical.

import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SpessaLog, SpessaSynthProcessor } from 'spessasynth_core';
import type { EffectsBlock, EffectsSetup, EffectsWorkerReply } from './effects-thread.js';

const setup = workerData as EffectsSetup;
SpessaLog.warnEnabled = false;
SpessaLog.infoEnabled = false;
const synth = new SpessaSynthProcessor(setup.sampleRateHz, { effectsEnabled: true, eventsEnabled: false });
// The main thread's processors carry the parameters its synthesizer set; copy them through the setters.
Object.assign(synth.chorusProcessor, setup.chorus);
Object.assign(synth.delayProcessor, setup.delay);
Object.assign(synth.reverbProcessor, setup.reverb);
const file = openSync(setup.output, 'w');

function addEffects(block: EffectsBlock): Float32Array {
  const { left, right, chorus, reverb, delay, delayOn, quantum } = block;
  for (let start = 0, q = 0; start < block.samples; start += quantum, q++) {
    const count = Math.min(quantum, block.samples - start);
    const reverbIn = reverb.subarray(start, start + count);
    const delayIn = delay.subarray(start, start + count);
    synth.chorusProcessor.process(chorus.subarray(start, start + count), left, right, reverbIn, delayIn, start, count);
    if (delayOn[q]) synth.delayProcessor.process(delayIn, left, right, reverbIn, start, count);
    synth.reverbProcessor.process(reverbIn, left, right, start, count);
  }
  const interleaved = new Float32Array(block.samples * 2);
  for (let i = 0; i < block.samples; i++) {
    interleaved[2 * i] = left[i]!;
    interleaved[2 * i + 1] = right[i]!;
  }
  return interleaved;
}

parentPort!.on('message', (message: EffectsBlock | { kind: 'end' }) => {
  let reply: EffectsWorkerReply;
  try {
    if (message.kind === 'end') {
      closeSync(file);
      reply = { kind: 'closed' };
    } else {
      const interleaved = addEffects(message);
      writeSync(file, new Uint8Array(interleaved.buffer, 0, interleaved.byteLength));
      reply = { kind: 'written', samples: message.samples };
    }
  } catch (error) {
    reply = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
