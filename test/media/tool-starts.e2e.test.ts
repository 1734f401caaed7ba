// How many times one score starts ffmpeg/ffprobe: each start costs 2–7 ms for the static build and
// 70–90 ms for Debian's (215 shared libraries; README, "Which ffmpeg"), so the pipeline keeps it low.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { scoreVideo } from '../../src/pipeline.js';
import { toolStarts } from '../../src/media/run.js';
import { SAMPLE_CLIP, temporaryFolder } from '../helpers.js';

/**
 * probe (ffprobe), the analysis decode, the poster, the master's two passes (measure the synthesizer's
 * output; write the WAV and measure it) and the mux. The rendered WAV is heard without ffmpeg.
 */
const STARTS_PER_SCORE = 6;

describe('ffmpeg starts per score', () => {
  it(`scores the sample clip with ${STARTS_PER_SCORE} ffmpeg/ffprobe starts, at -14 LUFS`, { timeout: 240_000 }, async () => {
    const output = path.join(temporaryFolder(), 'scored.mp4');
    const before = toolStarts();
    const result = await scoreVideo(SAMPLE_CLIP, { output, faces: false });
    const starts = toolStarts() - before;
    assert.equal(starts, STARTS_PER_SCORE, `one score started ffmpeg/ffprobe ${starts} times`);
    assert.ok(Math.abs(result.cues.audio.integratedLufs - -14) <= 0.3, `${result.cues.audio.integratedLufs} LUFS`);
    assert.ok(result.cues.audio.truePeakDbtp <= -1.5, `${result.cues.audio.truePeakDbtp} dBTP`);
    assert.ok(result.poster && result.poster.length > 0, 'the report has its poster');
  });
});
