// Slow, end to end: the produced mix rendered on the real synthesizer has a stereo image (pan and
// sends reach the sound), measured by ffmpeg (mid/side through its pan filter, levels by astats), not
// by v2m's own meter; --soundfont is honoured and a file that is not a SoundFont is a usage error (exit 2).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compose } from '../../src/compose/index.js';
import type { Score } from '../../src/compose/score.js';
import { toolPath } from '../../src/media/tools.js';
import { renderAudio } from '../../src/render/index.js';
import { bundledSoundFont } from '../../src/render/soundfont.js';
import { FACE_CLIP, listFolder, runCli, syntheticTimeline, temporaryFolder } from '../helpers.js';

/** RMS levels in dBFS of the mid (L+R)/2 and side (L−R)/2 signals of a WAV, as ffmpeg's astats reads them. */
function midSideLevels(wav: string): { midDb: number; sideDb: number } {
  const filter = 'pan=stereo|c0=0.5*c0+0.5*c1|c1=0.5*c0-0.5*c1,astats';
  const result = spawnSync(toolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-i', wav, '-af', filter, '-f', 'null', '-'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const levels = [...result.stderr.matchAll(/RMS level dB: (-?inf|-?[\d.]+)/g)].map((m) => (m[1]!.endsWith('inf') ? Number.NEGATIVE_INFINITY : Number(m[1])));
  // astats prints channel 1 (mid), channel 2 (side), then the overall figures.
  assert.ok(levels.length >= 2, result.stderr);
  return { midDb: levels[0]!, sideDb: levels[1]! };
}

const sideToMid = (levels: { midDb: number; sideDb: number }) => 10 ** ((levels.sideDb - levels.midDb) / 10);

async function render(score: Score, folder: string, name: string, soundFont?: string): Promise<string> {
  const audioPath = path.join(folder, `${name}.wav`);
  await renderAudio({ score, title: name, audioPath, workFolder: folder, soundFont });
  return audioPath;
}

describe('the produced mix, rendered (slow)', () => {
  const folder = temporaryFolder('v2m-mix-');
  const composition = compose(syntheticTimeline(Array.from({ length: 10 }, (_, s) => 4 + s), [3.2, 6.4], 0.4), { style: 'cinematic', seed: 1 });

  it('is wider than the dry render of the same notes, and not silent', { timeout: 120_000 }, async () => {
    const dry = midSideLevels(await render(composition.score, folder, 'dry'));
    const produced = midSideLevels(await render(composition.produced, folder, 'produced'));
    assert.ok(produced.midDb > -30, `mid at ${produced.midDb} dBFS`);
    assert.ok(sideToMid(produced) >= 0.08, `side/mid energy ${sideToMid(produced).toFixed(3)}`);
    assert.ok(sideToMid(produced) >= 1.5 * sideToMid(dry), `side/mid energy ${sideToMid(produced).toFixed(3)} produced, ${sideToMid(dry).toFixed(3)} dry`);
  });

  it('plays with the SoundFont it is given', { timeout: 120_000 }, async () => {
    const shipped = midSideLevels(await render(composition.produced, folder, 'shipped'));
    const other = midSideLevels(await render(composition.produced, folder, 'other', bundledSoundFont('TimGM6mb (GPL-2.0)').path));
    assert.ok(other.midDb > -30, `mid at ${other.midDb} dBFS`);
    assert.notEqual(other.sideDb.toFixed(2), shipped.sideDb.toFixed(2), 'another bank sounds different');
  });
});

describe('v2m score --soundfont', () => {
  const folder = temporaryFolder('v2m-soundfont-');

  it('refuses a missing file with exit 2 and says what to give', { timeout: 60_000 }, () => {
    const run = runCli(['score', FACE_CLIP, '-o', path.join(folder, 'out.mp4'), '--soundfont', path.join(folder, 'missing.sf2'), '-q']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--soundfont .*missing\.sf2.*does not exist.*\.sf2 or \.sf3/);
  });

  it('refuses a file that is not a SoundFont with exit 2', { timeout: 60_000 }, () => {
    const fake = path.join(folder, 'notes.sf2');
    writeFileSync(fake, 'RIFF this is a text file, not a sound bank\n');
    const run = runCli(['score', FACE_CLIP, '-o', path.join(folder, 'out.mp4'), '--soundfont', fake, '-q']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /not a SoundFont/);
    assert.deepEqual(listFolder(folder), ['notes.sf2'], 'nothing written');
  });
});
