// The fast plate reverb writes the very samples the synthesizer's own reverb writes — every reverb
// character it runs on the plate, over blocks of the sizes the synthesizer uses — and is faster.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpessaLog, SpessaSynthProcessor } from 'spessasynth_core';
import { useFastPlateReverb } from '../../src/render/plate-reverb.js';

const SAMPLE_RATE_HZ = 48000;

function reverbOf(character: number, fast: boolean): SpessaSynthProcessor {
  SpessaLog.warnEnabled = false;
  SpessaLog.infoEnabled = false;
  const synth = new SpessaSynthProcessor(SAMPLE_RATE_HZ, { effectsEnabled: true, eventsEnabled: false });
  Object.assign(synth.reverbProcessor, { level: 100, character, time: 90, preLowpass: 2, preDelayTime: 20 });
  if (fast) assert.equal(useFastPlateReverb(synth), true, "the synthesizer's plate is laid out as plate-reverb expects");
  return synth;
}

/** A second of decaying noise bursts: `seed` picks the bursts. */
function input(seconds: number, seed: number): Float32Array {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const samples = new Float32Array(Math.round(seconds * SAMPLE_RATE_HZ));
  for (let i = 0; i < samples.length; i++) samples[i] = random() * Math.exp(-((i % 9000) / 2000));
  return samples;
}

/** Runs `synth`'s reverb over `send` in quanta of `quantum` samples, as the synthesizer does; returns left and right. */
function run(synth: SpessaSynthProcessor, send: Float32Array, quantum: number): [Float32Array, Float32Array] {
  const left = new Float32Array(send.length);
  const right = new Float32Array(send.length);
  for (let start = 0; start < send.length; start += quantum) {
    const count = Math.min(quantum, send.length - start);
    synth.reverbProcessor.process(send.subarray(start, start + count), left, right, start, count);
  }
  return [left, right];
}

describe('plate reverb', () => {
  it('writes the very samples of the synthesizer’s own reverb, for every plate character', () => {
    for (const character of [0, 1, 2, 3, 4, 5]) {
      const send = input(1.5, character + 1);
      const [slowLeft, slowRight] = run(reverbOf(character, false), send, 128);
      const [fastLeft, fastRight] = run(reverbOf(character, true), send, 128);
      assert.ok(slowLeft.some((sample) => Math.abs(sample) > 1e-3), `character ${character}: the reverb sounds`);
      assert.deepEqual(fastLeft, slowLeft, `character ${character}: left`);
      assert.deepEqual(fastRight, slowRight, `character ${character}: right`);
    }
  });

  it('gives the same samples whatever the block size, the last block a short one', () => {
    const send = input(0.7, 9);
    const [reference] = run(reverbOf(4, false), send, 128);
    for (const quantum of [1, 77, 1000]) assert.deepEqual(run(reverbOf(4, true), send, quantum)[0], reference, `blocks of ${quantum}`);
  });

  it('takes less CPU than the synthesizer’s own reverb', () => {
    const send = input(6, 3);
    const cpu = (fast: boolean) => {
      const synth = reverbOf(4, fast);
      run(synth, send.subarray(0, 48000), 128); // warm the JIT
      const start = process.cpuUsage();
      run(synth, send, 128);
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const slow = Math.min(cpu(false), cpu(false));
    const fast = Math.min(cpu(true), cpu(true));
    assert.ok(fast < slow, `fast ${(fast / 1000).toFixed(0)} ms of CPU, the synthesizer's ${(slow / 1000).toFixed(0)} ms`);
  });
});
