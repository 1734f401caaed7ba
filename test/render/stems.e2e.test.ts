// End to end: --stems writes one WAV per role in <stem>.stems/, sample-aligned with the music file and
// adding up to it within −60 dB (read back by ffmpeg, not by v2m) — the mix's gain, fade and, where it
// engaged, its limiter applied to every stem; a second run replaces the folder.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { toolPath } from '../../src/media/tools.js';
import { STEM_ROLES } from '../../src/render/stems.js';
import { runCli, SAMPLE_CLIP, temporaryFolder } from '../helpers.js';

/** Interleaved stereo float samples of `file` as ffmpeg decodes it. */
function decode(file: string): Float32Array {
  const result = spawnSync(toolPath('ffmpeg'), ['-v', 'error', '-nostdin', '-i', file, '-f', 'f32le', '-ac', '2', '-ar', '48000', 'pipe:1'], { timeout: 60_000, maxBuffer: 256 * 1024 ** 2 });
  assert.equal(result.status, 0, result.stderr.toString());
  const bytes = result.stdout;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function energy(samples: Float32Array | Float64Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return sum;
}

/** Residual energy of (Σ stems − mix) over the mix's, in dB. */
function residualDb(mix: Float32Array, stems: readonly Float32Array[]): number {
  const difference = new Float64Array(mix.length);
  for (const stem of stems) for (let i = 0; i < mix.length; i++) difference[i]! += stem[i]!;
  for (let i = 0; i < mix.length; i++) difference[i]! -= mix[i]!;
  return 10 * Math.log10(energy(difference) / energy(mix));
}

describe('--stems (slow)', () => {
  for (const style of ['cinematic', 'band']) {
    it(`${style}: one WAV per role, aligned with the mix, adding up to it within −60 dB`, { timeout: 180_000 }, (t) => {
      const folder = temporaryFolder('v2m-stems-');
      const run = runCli(['score', SAMPLE_CLIP, '-o', path.join(folder, 'out.mp4'), '--style', style, '--no-faces', '--stems', '-q']);
      assert.equal(run.code, 0, run.stderr);
      const stemsFolder = path.join(folder, 'out.stems');
      const names = readdirSync(stemsFolder).sort();
      assert.ok(names.length >= 3, `stems: ${names.join(', ')}`);
      for (const name of names) assert.ok((STEM_ROLES as readonly string[]).includes(path.basename(name, '.wav')) && name.endsWith('.wav'), `unexpected ${name}`);

      const mix = decode(path.join(folder, 'out.wav'));
      const stems = names.map((name) => decode(path.join(stemsFolder, name)));
      for (const [index, stem] of stems.entries()) {
        assert.equal(stem.length, mix.length, `${names[index]} has ${stem.length / 2} frames, the mix ${mix.length / 2}`);
        assert.ok(energy(stem) > 0, `${names[index]} is silent`);
      }
      const residual = residualDb(mix, stems);
      t.diagnostic(`${style}: ${names.length} stems, residual ${residual.toFixed(1)} dB`);
      assert.ok(residual <= -60, `the stems add up to the mix within ${residual.toFixed(1)} dB`);
    });
  }

  it('a second run replaces the stems folder, leaving nothing aside', { timeout: 180_000 }, () => {
    const folder = temporaryFolder('v2m-stems-');
    for (const seed of ['1', '2']) {
      const run = runCli(['score', SAMPLE_CLIP, '-o', path.join(folder, 'out.mp4'), '--seed', seed, '--no-faces', '--stems', '-q']);
      assert.equal(run.code, 0, run.stderr);
    }
    assert.deepEqual(readdirSync(folder).filter((name) => !name.startsWith('out.')), [], 'no temporaries left');
    assert.ok(readdirSync(path.join(folder, 'out.stems')).length >= 3);
  });
});
