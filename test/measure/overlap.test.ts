import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlappedArea, spread } from '../../src/measure/overlap.js';

/** A reproducible standard normal sample (Box–Muller on a small LCG). */
function normalSample(count: number, mean: number, sd: number, seed = 7): number[] {
  let state = seed;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  return Array.from({ length: count }, () => mean + sd * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

describe('overlapped area of kernel densities', () => {
  it('is 1 for a sample with itself', () => {
    const sample = normalSample(300, 5, 2);
    assert.ok(overlappedArea(sample, sample) > 0.999, `${overlappedArea(sample, sample)}`);
  });

  it('is about 0 for a copy shifted far away', () => {
    const sample = normalSample(300, 5, 2);
    assert.ok(overlappedArea(sample, sample.map((v) => v + 100)) < 0.001);
  });

  it('is about 0.62 for two normals one sd apart (2·Φ(−0.5)), and symmetric', () => {
    const a = normalSample(2000, 0, 1, 3);
    const b = normalSample(2000, 1, 1, 11);
    const area = overlappedArea(a, b);
    assert.ok(Math.abs(area - 0.617) < 0.05, `${area}`);
    assert.ok(Math.abs(area - overlappedArea(b, a)) < 1e-9);
  });

  it('compares constant samples by where they sit', () => {
    assert.equal(overlappedArea([2, 2, 2], [2, 2]), 1);
    assert.ok(overlappedArea([0, 0, 0, 0], [5, 5, 5, 5]) < 0.001);
    // A constant sample takes the other's bandwidth: inside the other's bulk it overlaps some, far out none.
    const spreadOut = normalSample(200, 0.5, 0.3);
    assert.ok(overlappedArea(new Array(50).fill(0.5), spreadOut) > 0.1);
    assert.ok(overlappedArea(new Array(50).fill(3), spreadOut) < 0.001);
  });

  it('is NaN when a sample is empty', () => {
    assert.ok(Number.isNaN(overlappedArea([], [1, 2])));
  });
});

describe('spread', () => {
  it('gives mean and population sd', () => {
    assert.deepEqual(spread([1, 3]), { mean: 2, sd: 1, count: 2 });
  });
});
