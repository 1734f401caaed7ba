import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMOTIONS, fixedEmotion } from '../../src/analysis/emotion.js';
import { compose, STYLES } from '../../src/compose/index.js';
import { emotionCorrespondence } from '../../src/measure/metrics.js';
import { chordPitchClasses, rootPitchClass, scalePitchClasses } from '../../src/music/theory.js';
import { syntheticTimeline } from '../helpers.js';

/** 24 s, energetic enough for the melody and the full drums, cuts at irregular times. */
const timeline = () => syntheticTimeline(Array(24).fill(9), [5.3, 11.9, 17.2]);

describe('melody, ending and mood', () => {
  it('writes a motif that comes back: a bar rhythm of three or more notes returns, and the bars are not all alike', () => {
    const { score, chords } = compose(timeline(), { style: 'piano', seed: 4 });
    const melody = score.tracks.find((t) => t.name === STYLES.piano.melody!.name)!;
    assert.ok(melody.notes.length >= 20, `${melody.notes.length} melody notes`);
    const [low, high] = STYLES.piano.melody!.range;
    assert.ok(melody.notes.every((n) => n.midi >= low && n.midi <= high), 'in the instrument’s range');
    // Rhythm of each bar, as onsets relative to the bar's chord.
    const rhythms = chords.map((chord) =>
      melody.notes
        .filter((n) => n.time >= chord.time - 1e-9 && n.time < chord.time + chord.duration - 1e-9)
        .map((n) => Math.round(((n.time - chord.time) / chord.duration) * 8))
        .join(','),
    );
    const played = rhythms.filter((r) => r.length > 0);
    // The melody model opens every phrase with the first bar's motif (its rhythm; compose/melody) and develops it after.
    const returns = played.filter((r, i) => r.split(',').length >= 3 && played.indexOf(r) !== i);
    assert.ok(returns.length > 0, `a motif rhythm returns: ${played.join(' | ')}`);
    assert.ok(new Set(played).size > played.length / 2, `bars vary: ${played.join(' | ')}`);
  });

  it('ends on a held tonic chord: every part holds it to the last frame, the bass on the root', () => {
    const { score, chords, plan } = compose(timeline(), { style: 'band', seed: 2 });
    const final = chords[chords.length - 1]!;
    assert.equal(rootPitchClass(final.chord), scalePitchClasses(plan.key)[0]);
    for (const track of score.tracks.filter((t) => !t.isDrums)) {
      const last = track.notes.filter((n) => n.time >= final.time - 1e-9);
      assert.ok(last.length > 0, `${track.name} plays the final chord`);
      assert.ok(last.every((n) => Math.abs(n.time - final.time) < 1e-9 && Math.abs(n.time + n.duration - score.duration) < 1e-6), `${track.name} holds it`);
      assert.ok(last.every((n) => chordPitchClasses(final.chord).includes(n.midi % 12)), `${track.name} plays chord tones`);
    }
    const bass = score.tracks.find((t) => t.name === 'Bass')!;
    assert.equal(bass.notes[bass.notes.length - 1]!.midi % 12, rootPitchClass(final.chord));
  });

  for (const mood of EMOTIONS.filter((e) => e !== 'neutral')) {
    it(`colours the chords for a ${mood} picture with qualities that mood allows, in key`, () => {
      const moody = { ...timeline(), emotion: fixedEmotion(mood, 24) };
      const { chords, plan, score } = compose(moody, { style: 'piano', seed: 5 });
      const correspondence = emotionCorrespondence(moody.emotion, chords)!;
      assert.ok(correspondence >= 0.75, `${mood}: ${correspondence} of ${chords.map((c) => c.chord).join(' ')}`);
      const scale = new Set(scalePitchClasses(plan.key));
      const pitched = score.tracks.filter((t) => !t.isDrums).flatMap((t) => t.notes);
      assert.ok(pitched.filter((n) => scale.has(n.midi % 12)).length / pitched.length >= 0.95);
    });
  }

  it('lets the mood pick the style: tense → cinematic, relaxing and calm → ambient', () => {
    assert.equal(compose({ ...timeline(), emotion: fixedEmotion('tense', 24) }, { style: 'auto', seed: 1 }).plan.style, 'cinematic');
    const calm = syntheticTimeline(Array(24).fill(0.2), []);
    assert.equal(compose({ ...calm, emotion: fixedEmotion('relaxing', 24) }, { style: 'auto', seed: 1 }).plan.style, 'ambient');
    assert.equal(compose(timeline(), { style: 'auto', seed: 1, mood: 'sad' }).plan.key.mode, 'minor');
  });
});
