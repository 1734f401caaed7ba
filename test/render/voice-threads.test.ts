// The synthesizer with its voices on worker threads writes the samples SpessaSynthProcessor.process
// writes on one: one voice thread (effects here) the very same samples — same operations, in the same
// order — and the tracks split over several threads the same music within float rounding.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Score } from '../../src/compose/score.js';
import { interleave } from '../../src/render/send-effects.js';
import { soundFontPath } from '../../src/render/soundfont.js';
import { synthesize } from '../../src/render/synth.js';
import { prepareVoices, trackGroups } from '../../src/render/voice-threads.js';
import { loadSynthesizer, scorePlayer } from '../../src/render/voices.js';
import { temporaryFolder } from '../helpers.js';

const SAMPLE_RATE_HZ = 48000;

/** Chords, a held pad, bass and drums: every voice sends to chorus and reverb, and the pad's tail rings past its note-off. */
function smallScore(): Score {
  const notes = (midis: number[], times: number[], duration: number, velocity: number) =>
    times.flatMap((time) => midis.map((midi) => ({ time, duration, midi, velocity0to127: velocity })));
  return {
    duration: 3,
    beatsPerBar: 4,
    tempoMap: [{ time: 0, tempoBpm: 120 }],
    tracks: [
      { role: 'chords', name: 'Piano', program: 0, isDrums: false, notes: notes([60, 64, 67], [0, 0.5, 1, 1.5, 2], 0.4, 90) },
      { role: 'pad', name: 'Strings', program: 48, isDrums: false, notes: notes([48, 55], [0], 1.8, 70) },
      { role: 'bass', name: 'Bass', program: 33, isDrums: false, notes: notes([36], [0, 1, 2], 0.9, 100) },
      { role: 'drums', name: 'Drums', program: 0, isDrums: true, notes: [...notes([36], [0, 1, 2], 0.1, 110), ...notes([42], [0.5, 1.5, 2.5], 0.1, 80)] },
    ],
  };
}

/** The reference: spessasynth's own process(), voices and effects on one thread, the whole piece as one block. */
async function renderOnOneThread(score: Score, seconds: number): Promise<Float32Array> {
  const synth = await loadSynthesizer(SAMPLE_RATE_HZ, soundFontPath().path);
  const total = Math.ceil(seconds * SAMPLE_RATE_HZ);
  const left = new Float32Array(total);
  const right = new Float32Array(total);
  scorePlayer(synth, score).renderBlock(left, right, total);
  return interleave(left, right, total);
}

/** The largest difference between two renders, in dB below the reference's peak. */
function differenceDb(written: Float32Array, reference: Float32Array): number {
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    peak = Math.max(peak, Math.abs(reference[i]!));
    worst = Math.max(worst, Math.abs(written[i]! - reference[i]!));
  }
  return worst === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(worst / peak);
}

async function render(voiceThreads: number, seconds: number, tracks?: ReadonlySet<number>): Promise<Float32Array> {
  const output = path.join(temporaryFolder(), `threads-${voiceThreads}.f32`);
  await synthesize({ score: smallScore(), output, durationSeconds: seconds, sampleRateHz: SAMPLE_RATE_HZ, voiceThreads, tracks });
  const written = readFileSync(output);
  return new Float32Array(written.buffer, written.byteOffset, written.byteLength / 4);
}

describe('synthesize on voice threads', () => {
  const seconds = 3.5;
  for (const voiceThreads of [0, 1]) {
    it(`writes the very samples of the synthesizer on one thread, tails of chorus and reverb included (voice threads: ${voiceThreads})`, { timeout: 60_000 }, async () => {
      const written = await render(voiceThreads, seconds);
      const reference = await renderOnOneThread(smallScore(), seconds);
      assert.equal(written.length, reference.length);
      // Not silent, and the reverb tail is there after the last note ends at 2.6 s.
      const tail = reference.subarray(Math.round(3.2 * SAMPLE_RATE_HZ) * 2);
      assert.ok(tail.some((sample) => Math.abs(sample) > 1e-4), 'the reference has a reverb tail');
      const firstDifference = written.findIndex((sample, i) => sample !== reference[i]);
      assert.equal(firstDifference, -1, `sample ${firstDifference} differs: ${written[firstDifference]} vs ${reference[firstDifference]}`);
    });
  }

  it('writes the very samples with a thread started before the score existed (prepareVoices), and with a second beside it', { timeout: 60_000 }, async () => {
    const reference = await renderOnOneThread(smallScore(), seconds);
    for (const voiceThreads of [0, 2]) {
      const output = path.join(temporaryFolder(), `prepared-${voiceThreads}.f32`);
      const prepared = prepareVoices({ soundFont: soundFontPath().path, sampleRateHz: SAMPLE_RATE_HZ });
      await prepared.ready; // the SoundFont is loaded before the score is handed over
      await synthesize({ score: smallScore(), output, durationSeconds: seconds, sampleRateHz: SAMPLE_RATE_HZ, voiceThreads, prepared });
      const bytes = readFileSync(output);
      const written = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      assert.equal(written.length, reference.length);
      if (voiceThreads === 0) assert.equal(written.findIndex((sample, i) => sample !== reference[i]), -1, 'the prepared thread alone: the very samples');
      else assert.ok(differenceDb(written, reference) < -100, 'the prepared thread and a second one: within float rounding');
    }
  });

  it('stops a prepared thread that is given a different SoundFont or rate, and synthesizes all the same', { timeout: 60_000 }, async () => {
    const prepared = prepareVoices({ soundFont: soundFontPath().path, sampleRateHz: 44100 });
    const output = path.join(temporaryFolder(), 'mismatched.f32');
    await synthesize({ score: smallScore(), output, durationSeconds: seconds, sampleRateHz: SAMPLE_RATE_HZ, voiceThreads: 0, prepared });
    const bytes = readFileSync(output);
    assert.equal(bytes.byteLength / 4, Math.ceil(seconds * SAMPLE_RATE_HZ) * 2);
  });

  it('splits the tracks over three threads and writes the same music within float rounding (< −100 dB)', { timeout: 60_000 }, async () => {
    const written = await render(3, seconds);
    const reference = await renderOnOneThread(smallScore(), seconds);
    assert.equal(written.length, reference.length);
    const db = differenceDb(written, reference);
    assert.ok(db < -100, `three threads differ from one by ${db.toFixed(1)} dB`);
  });

  it('plays only the tracks asked for (a stem) on threads as on one', { timeout: 60_000 }, async () => {
    const bassAndDrums = new Set([2, 3]);
    const threaded = await render(2, seconds, bassAndDrums);
    const here = await render(0, seconds, bassAndDrums);
    const all = await render(0, seconds);
    assert.ok(differenceDb(threaded, here) < -100, 'the stem on two threads is the stem on one');
    assert.ok(differenceDb(here, all) > -40, 'the stem is not the whole mix');
  });
});

describe('trackGroups', () => {
  it('balances the sounding time of the tracks over the groups, heaviest first, and drops empty groups', () => {
    const score = smallScore();
    const groups = trackGroups(score, 2);
    assert.equal(groups.length, 2);
    assert.deepEqual([...groups.flat()].sort(), [0, 1, 2, 3]);
    assert.deepEqual(trackGroups(score, 8).length, 4, 'no more groups than tracks');
    assert.deepEqual(trackGroups(score, 2, new Set([1])), [[1]]);
  });
});

describe('scorePlayer', () => {
  it('lets a struck string damp its own previous note: a piano key played again under the pedal does not stack voices, a held string section does', { timeout: 60_000 }, async () => {
    const repeated = (program: number): Score => ({
      duration: 2,
      beatsPerBar: 4,
      tempoMap: [{ time: 0, tempoBpm: 120 }],
      tracks: [{
        role: 'chords', name: 'Part', program, isDrums: false,
        notes: Array.from({ length: 8 }, (_, k) => ({ time: k * 0.2, duration: 0.15, midi: 60, velocity0to127: 90 })),
        controls: [{ time: 0, controller: 64, value0to127: 127 }], // sustain pedal down throughout
      }],
    });
    const voicesAfterEightStrikes = async (program: number) => {
      const synth = await loadSynthesizer(SAMPLE_RATE_HZ, soundFontPath().path);
      const samples = Math.round(1.5 * SAMPLE_RATE_HZ);
      scorePlayer(synth, repeated(program)).renderBlock(new Float32Array(samples), new Float32Array(samples), samples);
      return synth.voiceCount;
    };
    const piano = await voicesAfterEightStrikes(0);
    const strings = await voicesAfterEightStrikes(48);
    assert.ok(piano <= 4, `the piano keeps ${piano} voices for one key struck eight times`);
    assert.ok(strings > piano, `strings (${strings} voices) are not retriggered`);
  });
});
