import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bigramModel, meanDynamicsScores, mostFrequentModel, scoreChordModel } from '../../src/models/evaluate.js';
import { readVideo, readVideos } from '../../src/models/muvisync.js';
import { CHORD_CLASSES, chordClass, chordLabel, factorise, toSymbol } from '../../src/models/vocabulary.js';
import { tinyDataSet } from './tiny-muvisync.js';
import { dataSet, needsData } from '../tiers.js';

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

  it('reads a video of the MuVi-Sync data set: one chord, emotion and feature per second', { ...needsData('muvi-sync') }, async () => {
    const video = await readVideo(dataSet('muvi-sync')!, '001');
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
});
