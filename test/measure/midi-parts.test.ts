import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeMidi, type MidiEvent } from 'midi-file';
import type { Score } from '../../src/compose/score.js';
import { readMidi } from '../../src/measure/midi.js';
import { tempoEvents, tempoSteadiness } from '../../src/measure/tempo-steadiness.js';
import { scoreToMidi } from '../../src/render/midi.js';

const note = (time: number, midi: number, duration = 0.5) => ({ time, duration, midi, velocity0to127: 90 });

function score(tempoMap: Score['tempoMap']): Score {
  return {
    duration: 8,
    beatsPerBar: 4,
    tempoMap,
    tracks: [
      { role: 'chords', name: 'Piano', program: 0, isDrums: false, notes: [note(0, 60, 2), note(0, 64, 2)] },
      { role: 'melody', name: 'Flute', program: 73, isDrums: false, notes: [note(0, 72), note(7.5, 74)] },
      { role: 'bass', name: 'Bass', program: 32, isDrums: false, notes: [] },
      { role: 'drums', name: 'Drums', program: 0, isDrums: true, notes: [note(1, 36, 0.1)] },
    ],
  };
}

describe('MIDI parts', () => {
  it("reads each track's role back from the file v2m wrote (silent parts have no track)", () => {
    const midi = readMidi(scoreToMidi(score([{ time: 0, tempoBpm: 120 }])));
    assert.deepEqual(
      midi.tracks.map((track) => [track.instrument, track.name, track.notes.length]),
      [
        ['chords', 'Piano', 2],
        ['melody', 'Flute', 2],
        ['drums', 'Drums', 1],
      ],
    );
    assert.deepEqual(
      midi.tracks[1]!.notes.map((n) => n.midi),
      [72, 74],
    );
    assert.equal(midi.notes.length, 5, 'the flat list holds every note once');
  });
});

describe('tempo steadiness', () => {
  it('one tempo: no step, no change, the whole piece one section', () => {
    const steadiness = tempoSteadiness(readMidi(scoreToMidi(score([{ time: 0, tempoBpm: 120 }]))));
    assert.deepEqual(steadiness, { tempos: 1, largestStepPercent: 0, tempoChangesPerMinute: 0, shortestSectionBeats: 16 });
  });

  it('120 → 132 → 120 BPM: a 10 % step, two changes within a minute, shortest section 4 beats', () => {
    const midi = readMidi(scoreToMidi(score([{ time: 0, tempoBpm: 120 }, { time: 2, tempoBpm: 132 }, { time: 4, tempoBpm: 120 }])));
    assert.equal(tempoEvents(midi).length, 3);
    const steadiness = tempoSteadiness(midi);
    assert.ok(Math.abs(steadiness.largestStepPercent - 10) < 0.01, `${steadiness.largestStepPercent}`);
    assert.equal(steadiness.tempoChangesPerMinute, 2);
    assert.ok(Math.abs(steadiness.shortestSectionBeats - 4) < 0.01, `${steadiness.shortestSectionBeats}`);
  });

  it('a tempo written twice is one tempo', () => {
    assert.equal(tempoSteadiness(readMidi(scoreToMidi(score([{ time: 0, tempoBpm: 100 }, { time: 3, tempoBpm: 100 }])))).tempos, 1);
  });

  it("with section markers, sections run between them; other markers (v2m's cuts) are not sections", () => {
    const ticks = 480;
    const conductor: MidiEvent[] = [
      { deltaTime: 0, type: 'setTempo', microsecondsPerBeat: 500000 },
      { deltaTime: 0, type: 'marker', text: 'section 1 · intro' },
      { deltaTime: 2 * ticks, type: 'marker', text: 'section 2 · verse' }, // beat 2
      { deltaTime: ticks / 4, type: 'marker', text: 'cut 1 · downbeat' },
      { deltaTime: 8 * ticks - ticks / 4, type: 'marker', text: 'section 3 · chorus' }, // beat 10
      { deltaTime: 0, type: 'endOfTrack' },
    ];
    const part: MidiEvent[] = [
      { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: 60, velocity: 90 },
      { deltaTime: 16 * ticks, type: 'noteOff', channel: 0, noteNumber: 60, velocity: 0 },
      { deltaTime: 0, type: 'endOfTrack' },
    ];
    const midi = readMidi(Uint8Array.from(writeMidi({ header: { format: 1, numTracks: 2, ticksPerBeat: ticks }, tracks: [conductor, part] })));
    assert.deepEqual(
      midi.markers.map((m) => [m.text, m.time]),
      [
        ['section 1 · intro', 0],
        ['section 2 · verse', 1],
        ['cut 1 · downbeat', 1.125],
        ['section 3 · chorus', 5],
      ],
    );
    assert.equal(tempoSteadiness(midi).shortestSectionBeats, 2);
  });
});
