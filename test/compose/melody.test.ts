// The melody on a planted 32-bar timeline (I–V–vi–IV in C, some bars of 3 and 5 beats): the shipped
// melody model writes a tune with POP909-like variety — several pitches and an octave in a phrase,
// more than one note length, rests — that keeps chord tones on strong beats, stays in its range,
// holds no note into a chord it does not belong to, rests where the picture is quiet, repeats for a
// seed, and writes three minutes in well under a second.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chordAt } from '../../src/compose/harmony.js';
import { melodyPart } from '../../src/compose/melody.js';
import type { Beat, Note } from '../../src/compose/score.js';
import { createRng } from '../../src/music/random.js';
import { chordPitchClasses, scalePitchClasses } from '../../src/music/theory.js';
import { PLANTED_BEAT_SECONDS as BEAT_SECONDS, plantedMelodyInput as plantedInput } from './planted-melody.js';

/** Notes grouped by the 16-beat window their onset falls in. */
function windows(notes: readonly Note[], beats: readonly Beat[]): Note[][] {
  const grouped: Note[][] = [];
  for (const note of notes) {
    const beat = beats.findIndex((b) => b.time <= note.time + 1e-9 && note.time < b.time + b.duration - 1e-9);
    (grouped[Math.floor(beat / 16)] ??= []).push(note);
  }
  return grouped.filter(Boolean);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('the melody', () => {
  const input = plantedInput(33);
  const notes = melodyPart(input, createRng(1));

  it('varies like a song: ≥ 5 pitches per 16 beats, an octave in a phrase, several note lengths, rests', () => {
    const groups = windows(notes, input.beats);
    const distinct = mean(groups.map((group) => new Set(group.map((n) => n.midi)).size));
    const ranges = groups.map((group) => Math.max(...group.map((n) => n.midi)) - Math.min(...group.map((n) => n.midi)));
    assert.ok(distinct >= 5, `distinct pitches per 16 beats: ${distinct.toFixed(2)}`);
    assert.ok(mean(ranges) >= 12, `range per 16 beats: ${ranges.join(', ')}`);
    const sixteenth = BEAT_SECONDS / 4;
    const lengths = new Set(notes.map((n, i) => Math.round(((notes[i + 1]?.time ?? n.time + n.duration) - n.time) / sixteenth)));
    assert.ok(lengths.size >= 3, `note lengths in sixteenths: ${[...lengths].join(', ')}`);
    const rests = notes.slice(1).filter((n, i) => n.time - (notes[i]!.time + notes[i]!.duration) >= BEAT_SECONDS * 0.9).length;
    assert.ok(rests >= 4, `${rests} rests of a beat or more`);
  });

  it('puts chord tones on strong beats, stays in its range and the key, and holds nothing into a chord it does not belong to', () => {
    const strong = notes.filter((n) => input.beats.some((b) => b.beatInBar % 2 === 0 && Math.abs(b.time - n.time) < 1e-9));
    const chordTones = strong.filter((n) => chordPitchClasses(chordAt(input.chords, n.time).chord).includes(n.midi % 12));
    assert.ok(strong.length > 20 && chordTones.length >= 0.9 * strong.length, `${chordTones.length} of ${strong.length} strong-beat notes are chord tones`);
    assert.ok(notes.every((n) => n.midi >= input.range[0] && n.midi <= input.range[1]));
    const scale = new Set(scalePitchClasses(input.plan.key));
    assert.ok(notes.filter((n) => scale.has(n.midi % 12)).length >= 0.95 * notes.length);
    for (const note of notes) {
      for (const chord of input.chords.filter((c) => c.time > note.time + 1e-9 && c.time < note.time + note.duration - 1e-9)) {
        assert.ok(chordPitchClasses(chord.chord).includes(note.midi % 12), `${note.midi} at ${note.time.toFixed(2)} s held into ${chord.chord}`);
      }
    }
  });

  it('leaves the first and last bars and the quiet picture to the harmony', () => {
    const quiet = plantedInput(33, (second) => (second >= 30 && second < 50 ? 0.02 : 0.6));
    const written = melodyPart(quiet, createRng(2));
    assert.ok(written.length > 20);
    assert.ok(written.every((n) => n.time >= 4 * BEAT_SECONDS - 1e-9), 'nothing in the first bar');
    assert.ok(written.every((n) => n.time < 31.2 - 1e-9 || n.time >= 50), 'nothing where the picture is quiet'); // bars from 31.2 s to 50.4 s start quiet
    const lastBar = quiet.beats.filter((b) => b.bar === 32)[0]!.time;
    assert.ok(written.every((n) => n.time < lastBar - 1e-9), 'the last bar is the held ending');
  });

  it('is the same for a seed and different for another', () => {
    assert.deepEqual(melodyPart(input, createRng(1)), notes);
    assert.notDeepEqual(melodyPart(input, createRng(2)), notes);
  });

  it('writes a three-minute piece in under a second', () => {
    const long = plantedInput(75); // 75 bars at 100 BPM ≈ 3 minutes
    const started = performance.now();
    const written = melodyPart(long, createRng(3));
    const seconds = (performance.now() - started) / 1000;
    assert.ok(written.at(-1)!.time > 150, 'the tune runs to the end');
    assert.ok(seconds < 1, `${seconds.toFixed(3)} s`);
  });
});
