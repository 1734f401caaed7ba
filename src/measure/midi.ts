// measure/midi: reads a rendered Standard MIDI File back — the beat grid from its own tempo map and
// every note in seconds — so metrics judge the file v2m wrote, not the Score it meant to write.

import { parseMidi } from 'midi-file';
import { DRUM_CHANNEL } from '../render/midi.js';
import { TempoTimeline } from '../render/tempo.js';

export interface MidiNote {
  time: number;
  duration: number;
  midi: number;
  velocity0to1: number;
  isDrums: boolean;
  channel: number;
  /** General MIDI program of the channel when the note starts (0 if never set). */
  program: number;
}

export interface MidiAnalysis {
  /** End of the last note, seconds. */
  duration: number;
  /** Every quarter-note beat from the tempo map, seconds, up to the end of the last note. */
  beats: number[];
  /** The first beat of every bar (from the time signature). */
  downbeats: number[];
  notes: MidiNote[];
  /** The file's own tempo map, for converting between seconds and ticks. */
  tempo: TempoTimeline;
}

export function readMidi(bytes: Uint8Array): MidiAnalysis {
  const file = parseMidi(bytes);
  const ticksPerBeat = file.header.ticksPerBeat ?? 480;
  const tempoChanges: Array<{ ticks: number; microsecondsPerBeat: number }> = [];
  let beatsPerBar = 4;
  const pending = new Map<string, { ticks: number; velocity: number }>();
  const rawNotes: Array<{ on: number; off: number; midi: number; velocity: number; channel: number; program: number }> = [];
  const programs = new Map<number, number>();
  for (const track of file.tracks) {
    let ticks = 0;
    for (const event of track) {
      ticks += event.deltaTime;
      if (event.type === 'setTempo') tempoChanges.push({ ticks, microsecondsPerBeat: event.microsecondsPerBeat });
      else if (event.type === 'timeSignature' && ticks === 0) beatsPerBar = event.numerator;
      else if (event.type === 'programChange') programs.set(event.channel, event.programNumber);
      else if (event.type === 'noteOn' && event.velocity > 0) pending.set(`${event.channel}:${event.noteNumber}`, { ticks, velocity: event.velocity });
      else if (event.type === 'noteOff' || event.type === 'noteOn') {
        const key = `${event.channel}:${event.noteNumber}`;
        const start = pending.get(key);
        if (!start) continue;
        pending.delete(key);
        rawNotes.push({ on: start.ticks, off: ticks, midi: event.noteNumber, velocity: start.velocity, channel: event.channel, program: programs.get(event.channel) ?? 0 });
      }
    }
  }
  const tempo = TempoTimeline.fromTicks(tempoChanges, ticksPerBeat);
  const notes = rawNotes
    .map((n) => {
      const time = tempo.ticksToSeconds(n.on);
      return {
        time,
        duration: tempo.ticksToSeconds(n.off) - time,
        midi: n.midi,
        velocity0to1: n.velocity / 127,
        isDrums: n.channel === DRUM_CHANNEL,
        channel: n.channel,
        program: n.program,
      };
    })
    .sort((a, b) => a.time - b.time || a.midi - b.midi);
  const duration = notes.reduce((end, note) => Math.max(end, note.time + note.duration), 0);
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let beat = 0; ; beat++) {
    const time = tempo.ticksToSeconds(beat * ticksPerBeat);
    if (time > duration + 1e-6) break;
    beats.push(time);
    if (beat % beatsPerBar === 0) downbeats.push(time);
  }
  return { duration, beats, downbeats, notes, tempo };
}
