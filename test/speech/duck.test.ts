// The ducking envelope (attack before speech, hold, release after) and the ducked music it writes:
// every sample of v2m's 16-bit WAV times the envelope's gain, read and written without ffmpeg.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckingEnvelope, type DuckingSettings } from '../../src/media/duck-envelope.js';
import { writeDuckedMusic } from '../../src/media/duck.js';
import { toolStarts } from '../../src/media/run.js';
import { temporaryFolder } from '../helpers.js';
import { wav16File } from './synthetic.js';

const SETTINGS: DuckingSettings = { depthDb: 12, attackSeconds: 0.15, releaseSeconds: 0.6 };

function gainsAt(spans: Array<{ start: number; end: number }>, times: number[], settings = SETTINGS): number[] {
  const envelope = new DuckingEnvelope(spans, settings);
  return times.map((time) => envelope.gainDbAt(time));
}

describe('ducking envelope', () => {
  it('falls over the attack so that speech starts at full depth, holds, and rises over the release', () => {
    const [before, attackStart, midAttack, onset, during, end, midRelease, released, after] = gainsAt([{ start: 2, end: 3 }], [1.5, 1.85, 1.925, 2, 2.5, 3, 3.3, 3.6, 5]);
    assert.equal(before, 0);
    assert.equal(attackStart, 0, 'the fall starts one attack before the speech');
    assert.ok(Math.abs(midAttack! - -6) < 1e-9, `half way down the attack: ${midAttack}`);
    assert.equal(onset, -12, 'at full depth when the first word starts (look-ahead)');
    assert.equal(during, -12);
    assert.equal(end, -12);
    assert.ok(Math.abs(midRelease! - -6) < 1e-9, `half way up the release: ${midRelease}`);
    assert.equal(released, 0, 'back to 0 dB one release after the speech');
    assert.equal(after, 0);
  });

  it('never steps by more than the ramps allow (no clicks): at most depth × 1 ms / attack per millisecond', () => {
    const gains = gainsAt([{ start: 1, end: 1.4 }, { start: 1.9, end: 2.5 }, { start: 4, end: 4.3 }], Array.from({ length: 6000 }, (_, i) => i / 1000));
    const steepest = Math.max(...gains.slice(1).map((gain, i) => Math.abs(gain - gains[i]!)));
    assert.ok(steepest <= (12 * 0.001) / 0.15 + 1e-9, `${steepest} dB in 1 ms`);
    assert.ok(Math.min(...gains) === -12 && Math.max(...gains) === 0);
  });

  it('where one span releases into the next span’s attack, the lower gain wins (no bump between close phrases)', () => {
    // Release of the first: 2.0–2.6; attack of the second: 2.35–2.5.
    const [inRelease, inBoth, secondOnset] = gainsAt([{ start: 1, end: 2 }, { start: 2.5, end: 3 }], [2.3, 2.45, 2.5]);
    assert.ok(Math.abs(inRelease! - -12 * (1 - 0.3 / 0.6)) < 1e-9, `${inRelease}`);
    // At 2.45 the release says −12·(1 − 0.45/0.6) = −3, the attack −12·(1 − 0.05/0.15) = −8: −8 wins.
    assert.ok(Math.abs(inBoth! - -8) < 1e-9, `${inBoth}`);
    assert.equal(secondOnset, -12);
  });

  it('is 0 dB everywhere without speech, and with depth 0', () => {
    assert.deepEqual(gainsAt([], [0, 1, 2]), [0, 0, 0]);
    assert.deepEqual(gainsAt([{ start: 1, end: 2 }], [0.9, 1.5, 2.2], { ...SETTINGS, depthDb: 0 }).map((g) => g + 0), [0, 0, 0]);
  });
});

describe('ducked music', () => {
  it('is every sample of the WAV times the envelope, read and written without starting ffmpeg', async () => {
    const folder = temporaryFolder();
    const rate = 8000;
    const frames = 3 * rate;
    const samples = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      samples[2 * i] = Math.round(16000 * Math.sin((2 * Math.PI * 440 * i) / rate));
      samples[2 * i + 1] = Math.round(-12000 * Math.sin((2 * Math.PI * 330 * i) / rate));
    }
    const wav = path.join(folder, 'music.wav');
    writeFileSync(wav, wav16File(samples, rate, 2));
    const spans = [{ start: 1, end: 1.8 }];
    const before = toolStarts();
    const ducked = await writeDuckedMusic(wav, spans, SETTINGS, path.join(folder, 'ducked.s16'), rate);
    assert.equal(toolStarts(), before, 'no ffmpeg for v2m’s own WAV');
    const bytes = readFileSync(ducked.path);
    const out = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    assert.equal(out.length, samples.length, 'the same length');
    const envelope = new DuckingEnvelope(spans, SETTINGS);
    let worst = 0;
    for (let i = 0; i < frames; i++) {
      const gain = 10 ** (envelope.gainDbAt(i / rate) / 20);
      for (let c = 0; c < 2; c++) worst = Math.max(worst, Math.abs(out[2 * i + c]! - samples[2 * i + c]! * gain));
    }
    assert.ok(worst <= 0.5 + 1e-6, `off by ${worst} of a 16-bit step at most (rounding)`);
    const rms = (from: number, to: number) => Math.sqrt(out.subarray(2 * from, 2 * to).reduce((sum, v) => sum + v * v, 0) / (2 * (to - from)));
    const under = 20 * Math.log10(rms(1.1 * rate, 1.7 * rate) / rms(0.2 * rate, 0.8 * rate));
    assert.ok(Math.abs(under - -12) < 0.1, `${under.toFixed(2)} dB under speech`);
  });
});
