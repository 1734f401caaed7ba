// midi: the Score as a Standard MIDI File (format 1) — a conductor track with the tempo map that puts
// every beat on its second, then one track per instrument with its General MIDI program and its mix
// (controller events: pan, sends, expression, pedal), drums on channel 10. Written with midi-file from plain event lists, so even a two-hour piece stays small.

import { writeMidi, type MidiEvent } from 'midi-file';
import type { Score, Track } from '../compose/score.js';
import { TempoTimeline } from './tempo.js';

/** MIDI channel 10 (index 9) is the General MIDI percussion channel. */
export const DRUM_CHANNEL = 9;
const TICKS_PER_BEAT = 480;

/** The channel of each track (in Score order; tracks without notes get none): drums on 10, others in turn. */
export function assignChannels(tracks: readonly Track[]): Array<number | undefined> {
  let next = 0;
  return tracks.map((track) => {
    if (track.notes.length === 0) return undefined;
    if (track.isDrums) return DRUM_CHANNEL;
    if (next === DRUM_CHANNEL) next += 1;
    return next++;
  });
}

export function scoreToMidi(score: Score, title = 'v2m'): Uint8Array {
  const tempo = TempoTimeline.fromSeconds(score.tempoMap, TICKS_PER_BEAT);
  const conductor: AbsoluteEvent[] = [
    { ticks: 0, event: { deltaTime: 0, type: 'trackName', text: title } },
    ...(score.meter && score.meter.length > 0 ? score.meter : [{ time: 0, beatsPerBar: score.beatsPerBar }]).map((change) => ({
      ticks: tempo.secondsToTicks(change.time),
      event: { deltaTime: 0, type: 'timeSignature', numerator: change.beatsPerBar, denominator: 4, metronome: 24, thirtyseconds: 8 } as MidiEvent,
    })),
    ...(score.markers ?? []).map((marker) => ({ ticks: tempo.secondsToTicks(marker.time), event: { deltaTime: 0, type: 'marker', text: marker.text } as MidiEvent })),
    ...tempo.segments.map((segment) => ({
      ticks: segment.ticks,
      event: { deltaTime: 0, type: 'setTempo', microsecondsPerBeat: Math.round(segment.secondsPerTick * TICKS_PER_BEAT * 1e6) } as MidiEvent,
    })),
  ];
  const channels = assignChannels(score.tracks);
  const tracks = score.tracks.flatMap((track, index) => {
    const channel = channels[index];
    return channel === undefined ? [] : [instrumentTrack(track, channel, tempo)];
  });
  const bytes = writeMidi({ header: { format: 1, numTracks: tracks.length + 1, ticksPerBeat: TICKS_PER_BEAT }, tracks: [withDeltas(conductor), ...tracks] }, { running: true });
  return Uint8Array.from(bytes);
}

interface AbsoluteEvent {
  ticks: number;
  event: MidiEvent;
}

function instrumentTrack(track: Track, channel: number, tempo: TempoTimeline): MidiEvent[] {
  // The role rides in the instrument-name meta event, so an evaluation reads the melody from the file
  // itself rather than from what the composer says it wrote.
  const events: AbsoluteEvent[] = [
    { ticks: 0, event: { deltaTime: 0, type: 'trackName', text: track.name } },
    { ticks: 0, event: { deltaTime: 0, type: 'instrumentName', text: track.role } },
  ];
  if (!track.isDrums) events.push({ ticks: 0, event: { deltaTime: 0, type: 'programChange', channel, programNumber: track.program } });
  // The mix (pan, sends, expression, pedal): a controller at a note's tick comes before its note-on.
  for (const control of track.controls ?? []) {
    const value = Math.max(0, Math.min(127, Math.round(control.value0to127)));
    events.push({ ticks: tempo.secondsToTicks(control.time), event: { deltaTime: 0, type: 'controller', channel, controllerType: control.controller, value } });
  }
  for (const note of track.notes) {
    const on = tempo.secondsToTicks(note.time);
    const off = Math.max(on + 1, tempo.secondsToTicks(note.time + note.duration));
    const velocity = Math.max(1, Math.min(127, Math.round(note.velocity0to127)));
    events.push({ ticks: on, event: { deltaTime: 0, type: 'noteOn', channel, noteNumber: note.midi, velocity } });
    events.push({ ticks: off, event: { deltaTime: 0, type: 'noteOff', channel, noteNumber: note.midi, velocity: 0 } });
  }
  return withDeltas(events);
}

/** Sorts by time (note-offs before note-ons at the same tick, so repeated notes retrigger) and sets delta times. */
function withDeltas(events: AbsoluteEvent[]): MidiEvent[] {
  const order = (e: MidiEvent) => (e.type === 'noteOff' ? 0 : e.type === 'noteOn' ? 2 : 1);
  events.sort((a, b) => a.ticks - b.ticks || order(a.event) - order(b.event));
  let previous = 0;
  const result = events.map(({ ticks, event }) => {
    const withDelta = { ...event, deltaTime: ticks - previous };
    previous = ticks;
    return withDelta;
  });
  result.push({ deltaTime: 0, type: 'endOfTrack' });
  return result;
}
