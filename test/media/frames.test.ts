import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readFrames, frameSize } from '../../src/media/frames.js';
import { probe } from '../../src/media/probe.js';
import { syntheticClip, temporaryFolder } from '../helpers.js';

describe('readFrames', () => {
  it('streams one frame per 1/fps seconds at the requested size', async () => {
    const info = await probe(syntheticClip(path.join(temporaryFolder(), 'wide.mp4'), { seconds: 10, size: '640x272' }));
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
    // Two minutes of a flat colour: cheap to make, long enough that reading it all would show.
    const info = await probe(syntheticClip(path.join(temporaryFolder(), 'long.mp4'), { seconds: 120, generator: 'color=c=#406080', size: '160x90' }));
    let count = 0;
    for await (const frame of readFrames(info, { framesPerSecond: 10, width: 32 })) {
      count += frame.rgb.length > 0 ? 1 : 0;
      if (count === 5) break;
    }
    assert.equal(count, 5);
  });
});
