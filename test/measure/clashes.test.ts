import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clashesPerMinute, findClashes } from '../../src/measure/clashes.js';
import type { MidiNote } from '../../src/measure/midi.js';

const note = (time: number, midi: number, duration: number, isDrums = false): MidiNote => ({ time, duration, midi, velocity0to1: 0.8, isDrums, channel: isDrums ? 9 : 0, program: 0 });

describe('clashes', () => {
  it('counts a minor 2nd held 0.5 s between two parts once', () => {
    assert.equal(findClashes([[note(0, 66, 0.5)], [note(0, 67, 0.5)]]).length, 1);
  });

  it('does not count one held only 0.2 s', () => {
    assert.equal(findClashes([[note(0, 66, 2)], [note(1.8, 67, 1)]]).length, 0);
  });

  it('counts a minor 9th, not a major 2nd, an octave or a major 7th', () => {
    assert.equal(findClashes([[note(0, 54, 1)], [note(0.5, 67, 1)]]).length, 1, 'F#3 under G4: 13 semitones');
    for (const other of [69, 79, 78]) assert.equal(findClashes([[note(0, 67, 1)], [note(0, other, 1)]]).length, 0, `67 against ${other}`);
  });

  it('does not count notes of the same part, nor drums', () => {
    assert.equal(findClashes([[note(0, 60, 1), note(0, 61, 1)]]).length, 0);
    assert.equal(findClashes([[note(0, 60, 1)], [note(0, 61, 1, true)]]).length, 0);
  });

  it('finds a clash with a long note that began long before', () => {
    const held = note(0, 55, 10);
    const passing = [0.5, 1, 1.5, 2, 2.5, 3].map((time) => note(time, 60, 0.5));
    assert.equal(findClashes([[held], [...passing, note(8, 56, 1)]]).length, 1);
  });

  it('per minute: two clashes in 30 s are 4 a minute', () => {
    const parts = [[note(0, 60, 1), note(20, 60, 1)], [note(0, 61, 1), note(20, 72, 1)]];
    assert.equal(clashesPerMinute(parts, 30), 2);
    assert.equal(clashesPerMinute([[note(0, 60, 1), note(20, 60, 1)], [note(0, 61, 1), note(20, 73, 1)]], 30), 4);
  });
});
