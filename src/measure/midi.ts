// measure/midi: reads a rendered Standard MIDI File back — the beat grid from its own tempo map and
// every note in seconds — so metrics judge the file v2m wrote, not the Score it meant to write.

import tonejsMidi from '@tonejs/midi';

const { Midi } = tonejsMidi;
const DRUM_CHANNEL = 9;

export interface MidiNote {
  time: number;
  duration: number;
  midi: number;
  velocity0to1: number;
  isDrums: boolean;
}

export interface MidiAnalysis {
  /** End of the last note, seconds. */
  duration: number;
  /** Every quarter-note beat from the tempo map, seconds, up to the end of the last note. */
  beats: number[];
  /** The first beat of every bar (from the time signature). */
  downbeats: number[];
  notes: MidiNote[];
}

export function readMidi(bytes: Uint8Array): MidiAnalysis {
  const midi = new Midi(bytes);
  const notes: MidiNote[] = midi.tracks
    .flatMap((track) =>
      track.notes.map((note) => ({ time: note.time, duration: note.duration, midi: note.midi, velocity0to1: note.velocity, isDrums: track.channel === DRUM_CHANNEL })),
    )
    .sort((a, b) => a.time - b.time || a.midi - b.midi);
  const duration = notes.reduce((end, note) => Math.max(end, note.time + note.duration), 0);
  const ppq = midi.header.ppq;
  const beatsPerBar = midi.header.timeSignatures[0]?.timeSignature[0] ?? 4;
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let beat = 0; ; beat++) {
    const time = midi.header.ticksToSeconds(beat * ppq);
    if (time > duration + 1e-6) break;
    beats.push(time);
    if (beat % beatsPerBar === 0) downbeats.push(time);
  }
  return { duration, beats, downbeats, notes };
}
