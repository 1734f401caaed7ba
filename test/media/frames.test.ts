import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFrames, frameSize } from '../../src/media/frames.js';
import { probe } from '../../src/media/probe.js';
import { media } from '../helpers.js';

describe('readFrames', () => {
  it('streams one frame per 1/fps seconds at the requested size', async () => {
    const info = await probe(media('bikes-fastcuts-10s.mp4'));
    const size = frameSize(info, { framesPerSecond: 4, width: 64 });
    assert.deepEqual(size, { width: 64, height: 28 });
    let count = 0;
    for await (const frame of readFrames(info, { framesPerSecond: 4, width: 64 })) {
      assert.equal(frame.rgb.length, 64 * 28 * 3);
      assert.ok(Math.abs(frame.time - count / 4) < 1e-9);
      count += 1;
    }
    assert.ok(Math.abs(count - 40) <= 1, `expected ~40 frames, got ${count}`);
  });

  it('stops ffmpeg when the reader stops early', async () => {
    const info = await probe(media('people-one-by-one-139s.mp4'));
    let count = 0;
    for await (const frame of readFrames(info, { framesPerSecond: 10, width: 32 })) {
      count += frame.rgb.length > 0 ? 1 : 0;
      if (count === 5) break;
    }
    assert.equal(count, 5);
  });
});
