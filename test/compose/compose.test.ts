import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { compose } from '../../src/compose/index.js';
import { syntheticTimeline } from '../helpers.js';
import { chordPitchClasses, scalePitchClasses } from '../../src/music/theory.js';

/** A 20 s timeline with cuts at irregular times, calm first and busy after the second cut. */
function plantedTimeline(): VideoTimeline {
  const motion = Array.from({ length: 20 }, (_, s) => (s < 7 ? 0.5 : 14));
  return syntheticTimeline(motion, [3.36, 7.04, 12.52], 0.2);
}

describe('compose', () => {
  it('puts a downbeat and a chord change on every cut that lands on a beat, and with --tempo-changes free on every cut', () => {
    for (const tempoChanges of ['few', 'free'] as const) {
      const { beats, chords, plan } = compose(plantedTimeline(), { style: 'band', seed: 3, tempoChanges });
      const downbeatCuts = plan.hits.filter((hit) => hit.landing === 'downbeat');
      if (tempoChanges === 'free') assert.equal(downbeatCuts.length, plantedTimeline().cuts.length);
      assert.ok(downbeatCuts.length >= 2, `${downbeatCuts.length} downbeat cuts`);
      for (const cut of downbeatCuts) {
        const downbeat = beats.find((b) => b.beatInBar === 0 && Math.abs(b.time - cut.time) <= 0.04);
        assert.ok(downbeat, `no downbeat at ${cut.time}`);
        assert.ok(chords.some((c) => c.time === downbeat.time), `no chord change at ${cut.time}`);
      }
      for (const section of plan.sections) assert.ok(Math.abs(section.tempoBpm / plan.tempoBpm - 1) < 0.2, 'tempo bends by less than 20 %');
    }
  });

  it('changes chords only on bar lines and ends on the tonic', () => {
    const { beats, chords, plan } = compose(plantedTimeline(), { style: 'piano', seed: 5 });
    const downbeats = new Set(beats.filter((b) => b.beatInBar === 0).map((b) => b.time.toFixed(6)));
    for (const chord of chords) assert.ok(downbeats.has(chord.time.toFixed(6)), `chord at ${chord.time} is off the bar line`);
    assert.equal(plan.key.mode, 'minor', 'a dark picture is scored in minor');
    const last = chords[chords.length - 1]!;
    assert.equal(chordPitchClasses(last.chord)[0], chordPitchClasses(plan.key.tonic)[0]);
  });

  it('plays louder and with more drums where the picture moves', () => {
    const { score } = compose(plantedTimeline(), { style: 'band', seed: 1 });
    const drums = score.tracks.find((t) => t.isDrums)!;
    const calm = drums.notes.filter((n) => n.time < 7).length / 7;
    const busy = drums.notes.filter((n) => n.time >= 7).length / 13;
    assert.ok(busy > 2 * calm, `drum hits per second: calm ${calm}, busy ${busy}`);
    const meanVelocity = (from: number, to: number) => {
      const notes = score.tracks.flatMap((t) => t.notes).filter((n) => n.time >= from && n.time < to);
      return notes.reduce((sum, n) => sum + n.velocity0to127, 0) / notes.length;
    };
    assert.ok(meanVelocity(7, 20) > meanVelocity(0, 7) + 10);
  });

  it('keeps pitched notes in the key', () => {
    const { score, plan } = compose(plantedTimeline(), { style: 'piano', seed: 9 });
    const scale = new Set(scalePitchClasses(plan.key));
    const pitched = score.tracks.filter((t) => !t.isDrums).flatMap((t) => t.notes);
    const inKey = pitched.filter((n) => scale.has(n.midi % 12)).length / pitched.length;
    assert.ok(inKey >= 0.95, `in-key ratio ${inKey}`);
  });

  it('is deterministic for a seed and different across seeds', () => {
    const a = compose(plantedTimeline(), { style: 'auto', seed: 11 });
    const b = compose(plantedTimeline(), { style: 'auto', seed: 11 });
    assert.deepEqual(a, b);
    const pieces = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(compose(plantedTimeline(), { style: 'auto', seed }).chords.map((c) => c.chord))));
    assert.ok(pieces.size >= 4, `only ${pieces.size} different chord sequences from 5 seeds`);
  });
});
