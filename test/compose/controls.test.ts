import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compose } from '../../src/compose/index.js';
import { readStyleReference } from '../../src/compose/reference.js';
import type { Score } from '../../src/compose/score.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { syntheticTimeline } from '../helpers.js';

const timeline = () => syntheticTimeline(Array(20).fill(6), [7.3, 13.1]);

/** A 96 BPM reference: a low synth bass, a busy electric piano, a high flute, swung drums. */
function referenceScore(): Score {
  const beat = 60 / 96;
  const notes = (midi: number, every: number, count: number, length: number) =>
    Array.from({ length: count }, (_, i) => ({ time: i * every, duration: length, midi, velocity0to127: 80 }));
  return {
    duration: 20,
    tempoMap: [{ time: 0, tempoBpm: 96 }],
    beatsPerBar: 4,
    tracks: [
      { role: 'bass', name: 'Synth bass', program: 38, isDrums: false, notes: notes(36, beat, 30, beat * 0.9) },
      { role: 'chords', name: 'EP', program: 4, isDrums: false, notes: notes(60, beat / 2, 60, beat / 2) },
      { role: 'pad', name: 'Pad', program: 89, isDrums: false, notes: notes(64, beat * 4, 8, beat * 4) },
      { role: 'melody', name: 'Flute', program: 73, isDrums: false, notes: notes(79, beat, 30, beat * 0.5) },
      {
        role: 'drums',
        name: 'Drums',
        program: 0,
        isDrums: true,
        notes: Array.from({ length: 30 }, (_, i) => [
          { time: i * beat, duration: 0.1, midi: 42, velocity0to127: 70 },
          { time: i * beat + beat * 0.66, duration: 0.1, midi: 42, velocity0to127: 60 },
        ]).flat(),
      },
    ],
  };
}

describe('user controls', () => {
  it('opens with the primer chords, takes its key, and goes on from there', () => {
    const { chords, plan } = compose(timeline(), { style: 'piano', seed: 1, primer: ['Am', 'F', 'C', 'G'] });
    assert.deepEqual(chords.slice(0, 4).map((c) => c.chord), ['Am', 'F', 'C', 'G']);
    assert.deepEqual(plan.key, { tonic: 'A', mode: 'minor' });
    assert.ok(new Set(chords.slice(4).map((c) => c.chord)).size >= 3, 'the progression continues');
    assert.match(chords[chords.length - 1]!.chord, /^A/);
  });

  it('pushes or holds back with --intensity: faster, louder and busier at 1 than at 0', () => {
    const calm = compose(timeline(), { style: 'band', seed: 1, intensity: 0 });
    const pushed = compose(timeline(), { style: 'band', seed: 1, intensity: 1 });
    assert.ok(pushed.plan.tempoBpm > calm.plan.tempoBpm);
    const notes = (c: typeof calm) => c.score.tracks.flatMap((t) => t.notes);
    const meanVelocity = (c: typeof calm) => notes(c).reduce((sum, n) => sum + n.velocity0to127, 0) / notes(c).length;
    assert.ok(meanVelocity(pushed) > meanVelocity(calm) + 10);
    assert.ok(notes(pushed).length / pushed.score.duration > notes(calm).length / calm.score.duration);
  });

  it('takes tempo, instruments, density and swing from a reference MIDI file (--style-from)', () => {
    const reference = readStyleReference(scoreToMidi(referenceScore()));
    assert.equal(reference.tempoBpm, 96);
    assert.deepEqual(reference.programs, { bass: 38, melody: 73, chords: 4, pad: 89 });
    assert.equal(reference.swing, 0.66);
    assert.ok(reference.hasDrums);
    const { plan, score } = compose(timeline(), { style: 'band', seed: 1, reference });
    assert.equal(plan.tempoBpm, 96);
    assert.equal(plan.spec.drums.swing, 0.66);
    assert.deepEqual(
      score.tracks.filter((t) => !t.isDrums).map((t) => t.program),
      [4, 89, 38, 73],
    );
  });

  it('shapes the piece over its scenes: intro, build, peak, outro — the peak busier than the intro', () => {
    const motion = [...Array(6).fill(3), ...Array(6).fill(6), ...Array(6).fill(12), ...Array(6).fill(4)];
    const { plan, score } = compose(syntheticTimeline(motion, [6, 12, 18]), { style: 'band', seed: 1 });
    assert.deepEqual(plan.sections.map((s) => s.part), ['intro', 'build', 'peak', 'outro']);
    const drums = score.tracks.find((t) => t.isDrums)!.notes;
    const perSecond = (section: number) => {
      const { start, end } = plan.sections[section]!;
      return drums.filter((n) => n.time >= start && n.time < end).length / (end - start);
    };
    assert.ok(perSecond(2) > perSecond(0) * 1.5, `peak ${perSecond(2)} vs intro ${perSecond(0)} drum hits a second`);
  });

  it('lets --instruments replace a style’s instruments role by role', () => {
    const { score } = compose(timeline(), { style: 'piano', seed: 1, instruments: { melody: 73, bass: 38 } });
    const programs = score.tracks.filter((t) => !t.isDrums).map((t) => t.program);
    assert.deepEqual(programs, [0, 48, 38, 73]);
  });
});
