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
  /** Each MTrk chunk that holds notes, in file order, with its names: the parts of the piece. */
  tracks: MidiTrack[];
  /** Marker meta events (section names), seconds. */
  markers: Array<{ time: number; text: string }>;
}

export interface MidiTrack {
  /** The track-name meta event ('' when absent). */
  name: string;
  /** The instrument-name meta event ('' when absent); v2m writes the part's role there. */
  instrument: string;
  /** The same objects as in `notes`, in time order. */
  notes: MidiNote[];
}

export function readMidi(bytes: Uint8Array): MidiAnalysis {
  const file = parseMidi(bytes);
  const ticksPerBeat = file.header.ticksPerBeat ?? 480;
  const tempoChanges: Array<{ ticks: number; microsecondsPerBeat: number }> = [];
  const meterTicks: Array<{ ticks: number; beatsPerBar: number }> = [];
  const pending = new Map<string, { ticks: number; velocity: number }>();
  const rawNotes: Array<{ on: number; off: number; midi: number; velocity: number; channel: number; program: number; track: number }> = [];
  const programs = new Map<number, number>();
  const trackNames = file.tracks.map(() => ({ name: '', instrument: '' }));
  const markerTicks: Array<{ ticks: number; text: string }> = [];
  file.tracks.forEach((track, trackIndex) => {
    let ticks = 0;
    for (const event of track) {
      ticks += event.deltaTime;
      if (event.type === 'trackName') trackNames[trackIndex]!.name ||= event.text;
      else if (event.type === 'instrumentName') trackNames[trackIndex]!.instrument ||= event.text;
      else if (event.type === 'marker') markerTicks.push({ ticks, text: event.text });
      else if (event.type === 'setTempo') tempoChanges.push({ ticks, microsecondsPerBeat: event.microsecondsPerBeat });
      else if (event.type === 'timeSignature') meterTicks.push({ ticks, beatsPerBar: event.numerator });
      else if (event.type === 'programChange') programs.set(event.channel, event.programNumber);
      else if (event.type === 'noteOn' && event.velocity > 0) pending.set(`${event.channel}:${event.noteNumber}`, { ticks, velocity: event.velocity });
      else if (event.type === 'noteOff' || event.type === 'noteOn') {
        const key = `${event.channel}:${event.noteNumber}`;
        const start = pending.get(key);
        if (!start) continue;
        pending.delete(key);
        rawNotes.push({ on: start.ticks, off: ticks, midi: event.noteNumber, velocity: start.velocity, channel: event.channel, program: programs.get(event.channel) ?? 0, track: trackIndex });
      }
    }
  });
  const tempo = TempoTimeline.fromTicks(tempoChanges, ticksPerBeat);
  const noteTracks: number[] = [];
  const notes = rawNotes
    .sort((a, b) => a.on - b.on || a.midi - b.midi)
    .map((n) => {
      const time = tempo.ticksToSeconds(n.on);
      noteTracks.push(n.track);
      return {
        time,
        duration: tempo.ticksToSeconds(n.off) - time,
        midi: n.midi,
        velocity0to1: n.velocity / 127,
        isDrums: n.channel === DRUM_CHANNEL,
        channel: n.channel,
        program: n.program,
      };
    });
  const duration = notes.reduce((end, note) => Math.max(end, note.time + note.duration), 0);
  const beats: number[] = [];
  const downbeats: number[] = [];
  // Bars as a sequencer counts them: a time signature takes effect at its tick (on a bar line) and
  // holds until the next one; 4/4 before any.
  const meter = meterTicks.sort((x, y) => x.ticks - y.ticks);
  let beatsPerBar = 4;
  let nextMeter = 0;
  let beatInBar = 0;
  for (let beat = 0; ; beat++) {
    const time = tempo.ticksToSeconds(beat * ticksPerBeat);
    if (time > duration + 1e-6) break;
    while (nextMeter < meter.length && meter[nextMeter]!.ticks <= beat * ticksPerBeat) {
      beatsPerBar = meter[nextMeter]!.beatsPerBar;
      nextMeter += 1;
      beatInBar = 0;
    }
    beats.push(time);
    if (beatInBar === 0) downbeats.push(time);
    beatInBar = (beatInBar + 1) % beatsPerBar;
  }
  const tracks = trackNames.map((names, index) => ({ ...names, notes: notes.filter((_, i) => noteTracks[i] === index) })).filter((track) => track.notes.length > 0);
  const markers = markerTicks.map((marker) => ({ time: tempo.ticksToSeconds(marker.ticks), text: marker.text })).sort((a, b) => a.time - b.time);
  return { duration, beats, downbeats, notes, tempo, tracks, markers };
}
