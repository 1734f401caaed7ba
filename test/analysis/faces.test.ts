import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeVideo, DEFAULT_ANALYSIS } from '../../src/analysis/index.js';
import { FACE_EXPRESSIONS, faceSampleRate } from '../../src/analysis/faces.js';
import { probe } from '../../src/media/probe.js';
import { buildMontage, FACE_CLIP, SHOTS, temporaryFolder } from '../helpers.js';

describe('faces, expressions and objects', () => {
  it('finds a face in at least 80 % of the seconds of the sign-language clip, with its expressions, and a person when objects are asked for', async () => {
    const info = await probe(FACE_CLIP);
    const timeline = await analyzeVideo(info, { ...DEFAULT_ANALYSIS, objects: true });
    const faces = timeline.faces!;
    assert.equal(faces.count.length, timeline.seconds);
    const withFace = faces.count.filter((count) => count > 0).length;
    assert.ok(withFace / timeline.seconds >= 0.8, `faces in ${withFace} of ${timeline.seconds} seconds`);
    assert.ok(faces.largestArea.every((area, s) => (faces.count[s]! > 0 ? area > 0.005 && area < 1 : area === 0)));
    faces.expressions.forEach((row, s) => {
      assert.equal(row.length, FACE_EXPRESSIONS.length);
      if (faces.count[s]! > 0) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 0.05, `expressions of second ${s} sum to 1`);
    });
    assert.ok(faces.objects.some((labels) => labels.includes('person')));
    // By default objects are not looked for (they only label the report, and cost the most).
    const plain = await analyzeVideo(info, DEFAULT_ANALYSIS);
    assert.ok(plain.faces!.objects.every((labels) => labels.length === 0));
    assert.deepEqual(plain.faces!.count, faces.count);
  });

  it('finds no face in a zooming fractal, and none at all with faces off', async () => {
    const { file } = buildMontage([[SHOTS.fractalZoom, 0, 5]], path.join(temporaryFolder(), 'fractal.mp4'));
    const info = await probe(file);
    const timeline = await analyzeVideo(info, DEFAULT_ANALYSIS);
    assert.ok(timeline.faces!.count.every((count) => count === 0), JSON.stringify(timeline.faces!.count));
    const without = await analyzeVideo(info, { ...DEFAULT_ANALYSIS, faces: false });
    assert.equal(without.faces, null);
    assert.deepEqual(without.cuts, timeline.cuts, 'the rest of the analysis is the same');
    assert.deepEqual(without.features.motionMean, timeline.features.motionMean);
  });

  it('looks once a second in short videos and spreads at most 10 looks over long ones (never under one per 15 s)', () => {
    assert.equal(faceSampleRate(10), 1);
    assert.equal(faceSampleRate(12), 0.833);
    assert.equal(faceSampleRate(139), 0.072);
    assert.equal(faceSampleRate(7200), 0.067);
  });
});
