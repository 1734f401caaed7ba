import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  barRepetition,
  beatPosition,
  entropy,
  ioiEntropy,
  pieceWindows,
  pitchClassEntropy,
  topLine,
  windowFeatures,
  WINDOW_BEATS,
  type BeatNote,
} from '../../src/measure/corpus-stats.js';
import type { MidiNote } from '../../src/measure/midi.js';

const C_MAJOR_SCALE = [60, 62, 64, 65, 67, 69, 71, 72];

/** Quarter notes from beat `start`, one per pitch. */
function quarters(pitches: readonly number[], start = 0): BeatNote[] {
  return pitches.map((pitch, i) => ({ onset: start + i, length: 1, pitch }));
}

describe('window features', () => {
  it('reads a rising C major scale in quarters: 8 notes, 7 pitch classes, steps only, even onsets', () => {
    const features = windowFeatures(quarters(C_MAJOR_SCALE), 0)!;
    assert.equal(features.distinctPitches, 8);
    assert.equal(features.pitchRange, 12);
    assert.equal(features.notesPerBeat, 8 / WINDOW_BEATS);
    assert.equal(features.stepRatio, 1);
    assert.equal(features.leapRatio, 0);
    assert.equal(features.repeatRatio, 0);
    assert.equal(features.ioiEntropy, 0, 'every gap is one beat');
    assert.equal(features.medianNoteBeats, 1);
    // 7 transitions, all different: log2(7) bits.
    assert.ok(Math.abs(features.transitionEntropy - Math.log2(7)) < 1e-9);
  });

  it('a scale without the octave has 7 distinct pitches', () => {
    assert.equal(windowFeatures(quarters(C_MAJOR_SCALE.slice(0, 7)), 0)!.distinctPitches, 7);
  });

  it('tells repeats and leaps apart on the top line', () => {
    const features = windowFeatures(quarters([60, 60, 67, 67, 60]), 0)!;
    assert.equal(features.repeatRatio, 0.5);
    assert.equal(features.leapRatio, 0.5);
    assert.equal(features.stepRatio, 0);
  });

  it('leaves out windows with too few notes', () => {
    assert.equal(windowFeatures(quarters([60, 62, 64]), 0), undefined);
  });
});

describe('pitch-class entropy', () => {
  it('weighs pitch classes by duration: two equal halves give 1 bit, a long and a short note less', () => {
    assert.equal(pitchClassEntropy([{ onset: 0, length: 2, pitch: 60 }, { onset: 2, length: 2, pitch: 74 }]), 1);
    const unequal = pitchClassEntropy([{ onset: 0, length: 3, pitch: 60 }, { onset: 3, length: 1, pitch: 62 }]);
    assert.ok(unequal > 0.8 && unequal < 0.82, `${unequal}`); // H(0.75, 0.25) = 0.811
  });

  it('an octave is the same pitch class', () => {
    assert.equal(pitchClassEntropy([{ onset: 0, length: 1, pitch: 48 }, { onset: 1, length: 1, pitch: 60 }]), 0);
  });

  it('counts only what sounds inside the window', () => {
    assert.equal(pitchClassEntropy([{ onset: 0, length: 1, pitch: 60 }, { onset: 15, length: 100, pitch: 62 }], 16), 1);
  });
});

describe('inter-onset intervals', () => {
  it('two kinds of gaps in equal numbers give 1 bit; chords are one onset', () => {
    const notes: BeatNote[] = [0, 1, 1.5, 2.5, 3].flatMap((onset) => [{ onset, length: 0.5, pitch: 60 }, { onset, length: 0.5, pitch: 64 }]);
    assert.equal(ioiEntropy(notes), 1);
  });

  it('reads gaps on the sixteenth grid, so a little timing noise changes nothing', () => {
    assert.equal(ioiEntropy(quarters([60, 62, 64, 65]).map((note, i) => ({ ...note, onset: note.onset + (i % 2 ? 0.04 : -0.03) }))), 0);
  });
});

describe('top line', () => {
  it('keeps the highest note of each onset and drops lower notes under a held higher one', () => {
    const notes: BeatNote[] = [
      { onset: 0, length: 2, pitch: 72 },
      { onset: 0, length: 1, pitch: 60 },
      { onset: 1, length: 1, pitch: 64 }, // under the held 72: not the top line
      { onset: 2, length: 1, pitch: 71 },
    ];
    assert.deepEqual(
      topLine(notes).map((note) => note.pitch),
      [72, 71],
    );
  });
});

describe('bar repetition', () => {
  const bar = (start: number, pitches: number[]) => quarters(pitches, start);
  it('counts bars that repeat an earlier bar of the window exactly', () => {
    const notes = [...bar(0, [60, 62, 64, 65]), ...bar(4, [60, 62, 64, 65]), ...bar(8, [67, 65, 64, 62]), ...bar(12, [60, 62, 64, 65])];
    assert.equal(barRepetition(notes, 0), 2 / 3);
  });

  it('a bar with one note changed is not a repetition', () => {
    const notes = [...bar(0, [60, 62, 64, 65]), ...bar(4, [60, 62, 64, 67])];
    assert.equal(barRepetition(notes, 0), 0);
  });
});

describe('windows of a piece', () => {
  const midiNote = (time: number, midi: number, duration = 0.4): MidiNote => ({ time, duration, midi, velocity0to1: 0.8, isDrums: false, channel: 0, program: 0 });

  it('cuts 40 beats into two full 16-beat windows on the beat grid and drops the partial third', () => {
    const beats = Array.from({ length: 41 }, (_, i) => i * 0.5); // 120 BPM
    const melody = Array.from({ length: 40 }, (_, i) => midiNote(i * 0.5, C_MAJOR_SCALE[i % 8]!));
    const windows = pieceWindows({ beats, melody, pitched: melody });
    assert.equal(windows.melody.length, 2);
    assert.equal(windows.all.length, 2);
    assert.equal(windows.melody[0]!.notesPerBeat, 1);
    assert.ok(Math.abs(windows.melody[0]!.medianNoteBeats - 0.8) < 1e-9, 'a 0.4 s note at 120 BPM is 0.8 beats');
  });

  it('reads beats through a tempo change: a note of one beat is one beat at either tempo', () => {
    const beats = [0, 0.5, 1, 1.5, 2.5, 3.5, 4.5];
    assert.equal(beatPosition(beats, 0.25), 0.5);
    assert.equal(beatPosition(beats, 3), 4.5);
    assert.equal(beatPosition(beats, 5), 6.5, 'past the last beat at its spacing');
  });
});

describe('entropy', () => {
  it('is log2 of the count for a uniform histogram and 0 for one bin', () => {
    assert.equal(entropy(new Map([[1, 3], [2, 3], [3, 3], [4, 3]])), 2);
    assert.equal(entropy(new Map([[1, 5]])), 0);
  });
});
