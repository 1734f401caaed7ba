import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bigramModel, meanDynamicsScores, mostFrequentModel, scoreChordModel } from '../../src/models/evaluate.js';
import { readVideo, readVideos } from '../../src/models/muvisync.js';
import { CHORD_CLASSES, chordClass, chordLabel, factorise, toSymbol } from '../../src/models/vocabulary.js';
import { runCli, temporaryFolder } from '../helpers.js';

/** A MuVi-Sync folder in miniature: the same layout and formats, three short videos. */
function tinyDataSet(): string {
  const root = temporaryFolder('v2m-muvi-');
  const write = (relative: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  };
  const videos: Record<string, { chords: string[]; sad: boolean; density: number[] }> = {
    '001': { chords: ['C', 'C', 'A:min', 'F', 'G'], sad: false, density: [2, 2, 4, 4, 6] },
    '002': { chords: ['A:min', 'A:min', 'D:min7', 'E', 'A:min'], sad: true, density: [1, 1, 1, 2, 2] },
    '003': { chords: ['N', 'C', 'A:min', 'A:min', 'F'], sad: false, density: [3, 3, 3, 3, 3] },
  };
  for (const [id, video] of Object.entries(videos)) {
    write(`vevo_chord/lab_v2_norm/all/${id}.lab`, `key C major\n${video.chords.map((c, s) => `${s} ${c}`).join('\n')}\n`);
    const emotion = video.sad ? '0.01 0.01 0.01 0.95 0.01 0.01' : '0.2 0.1 0.1 0.1 0.3 0.2';
    write(`vevo_emotion/6c_l14p/all/${id}.lab`, `time exciting_prob fearful_prob tense_prob sad_prob relaxing_prob neutral_prob\n${video.chords.map((_, s) => `${s} ${emotion}`).join('\n')}\n`);
    for (const [feature, value] of [['vevo_motion', 3], ['vevo_scene_offset', 0], ['vevo_loudness', 0.2]] as const) {
      write(`${feature}/all/${id}.lab`, video.chords.map((_, s) => `${s} ${value}`).join('\n'));
    }
    write(`vevo_note_density/all/${id}.lab`, video.density.map((d, s) => `${s} ${d}`).join('\n'));
  }
  write('vevo_meta/split/v1/train.txt', '001\n003\n');
  write('vevo_meta/split/v1/val.txt', '003\n');
  write('vevo_meta/split/v1/test.txt', '002\n');
  return root;
}

describe('MuVi-Sync data and baselines', () => {
  it('has the 157-class vocabulary of Video2Music, factorised into root and quality', () => {
    assert.equal(CHORD_CLASSES, 157);
    assert.equal(chordClass('N'), 0);
    assert.equal(chordClass('C'), 1);
    assert.equal(chordClass('C:min'), 5);
    assert.equal(chordClass('C#'), 14);
    assert.equal(chordClass('B:maj7'), 156);
    assert.equal(chordClass('H:min'), undefined);
    for (let i = 0; i < 157; i++) assert.equal(chordClass(chordLabel(i)), i);
    assert.deepEqual(factorise(chordClass('A:min')!), { root: 10, quality: 5 });
    assert.equal(toSymbol(chordClass('F#:hdim7')!), 'F#m7b5');
  });

  it('reads a video of the shared data set: one chord, emotion and feature per second', async () => {
    const video = await readVideo(path.resolve('..', 'shared', 'data', 'muvi-sync'), '001');
    assert.ok(video.chords.length > 100);
    assert.equal(video.emotion[0]!.length, 6);
    assert.ok(Math.abs(video.emotion[0]!.reduce((a, b) => a + b, 0) - 1) < 0.01);
    assert.equal(video.motion.length, video.chords.length);
  });

  it('scores the baselines by hand-checkable rules on a miniature data set', async () => {
    const root = tinyDataSet();
    const [train, test] = await Promise.all([readVideos(root, 'train'), readVideos(root, 'test')]);
    // Train: C ×3, A:min ×3, F ×2, G ×1, N ×1 → C, A:min, F (ties go to the lower class); test: A:min A:min D:min7 E A:min.
    const scores = scoreChordModel(mostFrequentModel(train), test);
    assert.equal(scores.hits1, 0);
    assert.equal(scores.hits3, 3 / 5, 'A:min is among the three most frequent');
    // Every test second is confidently sad; "C" (maj) is not a sad quality.
    assert.equal(scores.emotion, 0);
    // The bigram ranks after the true previous chord: A:min → F (twice in train) before A:min (once).
    const bigram = scoreChordModel(bigramModel(train), test);
    assert.equal(bigram.hits1, 0);
    assert.equal(bigram.hits3, 2 / 5);
    const dynamics = meanDynamicsScores(train, test);
    assert.ok(Math.abs(dynamics.rmse_density - Math.sqrt([1, 1, 1, 2, 2].reduce((s, d) => s + (d - 3.3) ** 2, 0) / 5)) < 1e-9);
  });

  it('prints the table as JSON for other tools, and refuses a folder that is not MuVi-Sync', () => {
    const root = tinyDataSet();
    const run = runCli(['eval', 'models', '--data', root, '--split', 'test', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { chords: Array<{ model: string; hits1: number }>; dynamics: Array<{ model: string; rmse_density: number }> };
    assert.deepEqual(result.chords.map((c) => c.model), ['most-frequent', 'unigram', 'chord-bigram', 'chord-lm', 'amt'], 'the baselines and the shipped models');
    assert.deepEqual(result.dynamics.map((d) => d.model), ['mean', 'bigru']);
    for (const row of result.chords) assert.ok(row.hits1 >= 0 && row.hits1 <= 1);
    const baselinesOnly = JSON.parse(runCli(['eval', 'models', '--data', root, '--split', 'test', '--json', '--models', temporaryFolder()]).stdout) as typeof result;
    assert.deepEqual(baselinesOnly.chords.map((c) => c.model), ['most-frequent', 'unigram', 'chord-bigram'], 'a folder without weights: baselines only');
    const wrong = runCli(['eval', 'models', '--data', temporaryFolder(), '--split', 'test']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--data must be the MuVi-Sync folder/);
  });
});
