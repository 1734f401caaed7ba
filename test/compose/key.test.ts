import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedEmotion, type Emotion } from '../../src/analysis/emotion.js';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { compose } from '../../src/compose/index.js';
import { keySignature, pictureKey } from '../../src/compose/key.js';
import { planScore } from '../../src/compose/plan.js';
import { syntheticTimeline } from '../helpers.js';

interface Picture {
  motion: number;
  brightness: number;
  warmth: number;
  mood: Emotion;
}

/** A 16 s picture with a cut at 7.3 s: its motion, light, colour temperature and mood held throughout. */
function picture({ motion, brightness, warmth, mood }: Picture): VideoTimeline {
  const timeline = syntheticTimeline(Array(16).fill(motion), [7.3], brightness);
  return { ...timeline, features: { ...timeline.features, warmth: Array(16).fill(warmth) }, emotion: fixedEmotion(mood, 16) };
}

/** Eleven different pictures, as the shared clips are: night and noon, cool and warm, still and busy, every mood. */
const VARIED: Picture[] = [
  { motion: 0.3, brightness: 0.12, warmth: -0.08, mood: 'sad' },
  { motion: 6, brightness: 0.2, warmth: -0.05, mood: 'tense' },
  { motion: 10, brightness: 0.3, warmth: 0.02, mood: 'fearful' },
  { motion: 0.5, brightness: 0.36, warmth: 0.14, mood: 'relaxing' },
  { motion: 1.5, brightness: 0.56, warmth: 0.07, mood: 'relaxing' },
  { motion: 1, brightness: 0.55, warmth: 0.08, mood: 'neutral' },
  { motion: 4.5, brightness: 0.71, warmth: 0.02, mood: 'neutral' },
  { motion: 2.4, brightness: 0.41, warmth: 0, mood: 'neutral' },
  { motion: 9, brightness: 0.62, warmth: 0.18, mood: 'exciting' },
  { motion: 12, brightness: 0.45, warmth: -0.04, mood: 'exciting' },
  { motion: 0.2, brightness: 0.25, warmth: -0.1, mood: 'neutral' },
];

describe('the key comes from the picture', () => {
  it('gives different pictures different tonics: at least 5 over 11, and both modes', { timeout: 30_000 }, () => {
    const keys = VARIED.map((p) => compose(picture(p), { style: 'auto', seed: 1 }).plan.key);
    const tonics = new Set(keys.map((key) => key.tonic));
    assert.ok(tonics.size >= 5, `tonics: ${keys.map((k) => `${k.tonic} ${k.mode}`).join(', ')}`);
    assert.deepEqual(new Set(keys.map((key) => key.mode)), new Set(['major', 'minor']));
  });

  it('keeps the key (and so the mode) across seeds 1–5; the seed changes the music inside it', { timeout: 30_000 }, () => {
    for (const p of VARIED.slice(0, 6)) {
      const pieces = [1, 2, 3, 4, 5].map((seed) => compose(picture(p), { style: 'auto', seed }));
      const keys = new Set(pieces.map((piece) => `${piece.plan.key.tonic} ${piece.plan.key.mode}`));
      assert.equal(keys.size, 1, `${JSON.stringify(p)}: ${[...keys].join(', ')}`);
      const music = new Set(pieces.map((piece) => JSON.stringify(piece.score.tracks.map((t) => t.notes))));
      assert.ok(music.size >= 4, `only ${music.size} different scores from 5 seeds`);
    }
  });

  it('puts darker, cooler, stiller pictures in flatter keys than bright, warm, lively ones', () => {
    for (const style of ['piano', 'band', 'ambient', 'electronic', 'cinematic', 'lofi'] as const) {
      for (const mode of ['major', 'minor'] as const) {
        const dark = pictureKey(mode, style, { brightness: 0.15, warmth: -0.08, energy: 0.15 }).key;
        const bright = pictureKey(mode, style, { brightness: 0.7, warmth: 0.2, energy: 0.7 }).key;
        assert.ok(keySignature(dark) < keySignature(bright), `${style} ${mode}: dark ${dark.tonic}, bright ${bright.tonic}`);
      }
    }
  });

  it('chooses among the style’s idiomatic keys: a guitar band in an open-string key, a dark piano piece in a flat key', () => {
    const band = pictureKey('major', 'band', { brightness: 0.55, warmth: 0.05, energy: 0.6 }).key;
    assert.ok(['E', 'A', 'D', 'G'].includes(band.tonic), band.tonic);
    const piano = pictureKey('minor', 'piano', { brightness: 0.15, warmth: -0.05, energy: 0.2 }).key;
    assert.ok(keySignature(piano) < 0, `${piano.tonic} minor`);
  });

  it('says why in the plan: the picture’s light, not the seed', () => {
    const plan = planScore(picture(VARIED[0]!), { style: 'piano', seed: 1 });
    assert.match(plan.reasons.key, /minor because .*sad.*tonic \w+: the picture is dark \(luma 0\.12\), cool/);
    assert.doesNotMatch(plan.reasons.key, /seed/);
  });

  it('still takes the key the user gives, and the primer’s', () => {
    assert.deepEqual(compose(picture(VARIED[4]!), { style: 'auto', seed: 1, key: { tonic: 'Bb', mode: 'minor' } }).plan.key, { tonic: 'Bb', mode: 'minor' });
    assert.deepEqual(compose(picture(VARIED[4]!), { style: 'auto', seed: 1, primer: ['Dm', 'Bb'] }).plan.key, { tonic: 'D', mode: 'minor' });
  });

  it('reads key signatures as musicians do', () => {
    assert.equal(keySignature({ tonic: 'C', mode: 'major' }), 0);
    assert.equal(keySignature({ tonic: 'A', mode: 'minor' }), 0);
    assert.equal(keySignature({ tonic: 'E', mode: 'major' }), 4);
    assert.equal(keySignature({ tonic: 'C#', mode: 'minor' }), 4);
    assert.equal(keySignature({ tonic: 'Eb', mode: 'major' }), -3);
    assert.equal(keySignature({ tonic: 'F', mode: 'minor' }), -4);
    assert.equal(keySignature({ tonic: 'Gb', mode: 'major' }), -6);
  });
});
