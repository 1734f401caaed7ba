import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMidi } from 'midi-file';
import type { Score } from '../../src/compose/score.js';
import { scoreToMidi } from '../../src/render/midi.js';

/** Seconds of every note-on in a parsed SMF, computed from its own tempo events (an independent parser). */
function noteOnSeconds(bytes: Uint8Array): Array<{ seconds: number; note: number; channel: number }> {
  const parsed = parseMidi(bytes);
  const ppq = parsed.header.ticksPerBeat!;
  const tempos: Array<{ tick: number; microsecondsPerBeat: number }> = [];
  const notes: Array<{ tick: number; note: number; channel: number }> = [];
  for (const track of parsed.tracks) {
    let tick = 0;
    for (const event of track) {
      tick += event.deltaTime;
      if (event.type === 'setTempo') tempos.push({ tick, microsecondsPerBeat: event.microsecondsPerBeat });
      if (event.type === 'noteOn' && event.velocity > 0) notes.push({ tick, note: event.noteNumber, channel: event.channel });
    }
  }
  tempos.sort((a, b) => a.tick - b.tick);
  const toSeconds = (tick: number) => {
    let seconds = 0;
    for (let i = 0; i < tempos.length; i++) {
      const start = tempos[i]!.tick;
      const end = Math.min(tick, tempos[i + 1]?.tick ?? Number.POSITIVE_INFINITY);
      if (end > start) seconds += ((end - start) / ppq) * (tempos[i]!.microsecondsPerBeat / 1e6);
    }
    return seconds;
  };
  return notes.map((n) => ({ seconds: toSeconds(n.tick), note: n.note, channel: n.channel }));
}

describe('scoreToMidi', () => {
  it('writes notes that parse back at their seconds through a tempo map with two tempi', () => {
    const score: Score = {
      duration: 4,
      beatsPerBar: 4,
      tempoMap: [
        { time: 0, tempoBpm: 120 },
        { time: 1.5, tempoBpm: 96 },
      ],
      tracks: [
        { role: 'chords', name: 'Piano', program: 0, isDrums: false, notes: [{ time: 0, duration: 0.5, midi: 60, velocity0to127: 90 }, { time: 2.125, duration: 0.5, midi: 64, velocity0to127: 80 }] },
        { role: 'drums', name: 'Drums', program: 0, isDrums: true, notes: [{ time: 1.5, duration: 0.1, midi: 36, velocity0to127: 100 }] },
      ],
    };
    const notes = noteOnSeconds(scoreToMidi(score));
    const expected = [
      { seconds: 0, note: 60, channel: 0 },
      { seconds: 1.5, note: 36, channel: 9 },
      { seconds: 2.125, note: 64, channel: 0 },
    ];
    notes.sort((a, b) => a.seconds - b.seconds);
    assert.equal(notes.length, expected.length);
    notes.forEach((n, i) => {
      assert.ok(Math.abs(n.seconds - expected[i]!.seconds) < 0.002, `note ${n.note} at ${n.seconds}`);
      assert.equal(n.note, expected[i]!.note);
      assert.equal(n.channel, expected[i]!.channel);
    });
  });
});
