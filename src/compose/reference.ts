// reference: style by example (MuVi's in-context control, done symbolically). A MIDI file the user
// gives lends its tempo feel, instrumentation, note density and swing to v2m's arrangement, while
// the picture still decides where the cuts, the dynamics and the harmony go.

import { readMidi, type MidiNote } from '../measure/midi.js';
import type { TempoTimeline } from '../render/tempo.js';

export type Role = 'chords' | 'pad' | 'bass' | 'melody';

export interface StyleReference {
  /** The reference's main tempo (the one that lasts longest), BPM. */
  tempoBpm: number;
  /** General MIDI programs the reference gives each role (by register and activity of its parts). */
  programs: Partial<Record<Role, number>>;
  /** Notes per second over the whole reference (all parts). */
  notesPerSecond: number;
  /** Where offbeat eighths fall, as a share of the beat (0.5 straight … ~0.67 triplet swing); undefined without offbeats. */
  swing: number | undefined;
  hasDrums: boolean;
}

interface Part {
  program: number;
  notes: number;
  meanPitch: number;
  meanDuration: number;
}

/** Why a reference file is refused: the parser's reason, said so that the user can act on it. */
export class MidiFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MidiFormatError';
  }
}

/** Reads a style reference; throws a MidiFormatError with the reason when the file is not a whole, valid Standard MIDI File. */
export function readStyleReference(bytes: Uint8Array): StyleReference {
  checkStandardMidiFile(bytes);
  let midi;
  try {
    midi = readMidi(bytes);
  } catch (error) {
    // midi-file throws strings, not Errors.
    throw new MidiFormatError(error instanceof Error ? error.message : String(error));
  }
  if (midi.notes.length === 0) throw new MidiFormatError('it holds no notes');
  if (!(midi.duration > 0) || !midi.tempo.segments.every((segment) => Number.isFinite(segment.secondsPerTick) && segment.secondsPerTick > 0)) {
    throw new MidiFormatError('its tempo map or timing is not valid');
  }
  const byChannel = new Map<number, MidiNote[]>();
  for (const note of midi.notes.filter((n) => !n.isDrums)) byChannel.set(note.channel, [...(byChannel.get(note.channel) ?? []), note]);
  const parts: Part[] = [...byChannel.values()].map((notes) => ({
    program: notes[notes.length - 1]!.program,
    notes: notes.length,
    meanPitch: notes.reduce((sum, n) => sum + n.midi, 0) / notes.length,
    meanDuration: notes.reduce((sum, n) => sum + n.duration, 0) / notes.length,
  }));
  return {
    tempoBpm: mainTempo(midi.tempo, midi.duration),
    programs: assignRoles(parts),
    notesPerSecond: midi.notes.length / Math.max(1e-3, midi.duration),
    swing: swingOf(midi.notes.map((n) => midi.tempo.secondsToTicks(n.time) / midi.tempo.ticksPerBeat)),
    hasDrums: midi.notes.some((n) => n.isDrums),
  };
}

/** Lowest part → bass; highest busy part → melody; the busiest of the rest → chords; the longest-held → pad. */
function assignRoles(parts: Part[]): Partial<Record<Role, number>> {
  const remaining = [...parts].filter((p) => p.notes > 0);
  const roles: Partial<Record<Role, number>> = {};
  const take = (role: Role, choose: (a: Part, b: Part) => number) => {
    if (remaining.length === 0) return;
    remaining.sort(choose);
    roles[role] = remaining.shift()!.program;
  };
  take('bass', (a, b) => a.meanPitch - b.meanPitch);
  if (remaining.length >= 3) take('melody', (a, b) => b.meanPitch - a.meanPitch);
  take('chords', (a, b) => b.notes - a.notes);
  take('pad', (a, b) => b.meanDuration - a.meanDuration);
  return roles;
}

/** The tempo that lasts longest (in seconds) up to `duration`. */
function mainTempo(tempo: TempoTimeline, duration: number): number {
  let best = tempo.segments[0]!;
  let bestLength = -1;
  tempo.segments.forEach((segment, i) => {
    const length = (tempo.segments[i + 1]?.seconds ?? duration) - segment.seconds;
    if (length > bestLength) {
      best = segment;
      bestLength = length;
    }
  });
  return Math.round(60 / (best.secondsPerTick * tempo.ticksPerBeat));
}

/** The typical position of notes (onsets in beats) in the second half of a beat: 0.5 for straight eighths, more when swung. */
function swingOf(onsetBeats: readonly number[]): number | undefined {
  const offbeats = onsetBeats.map((beats) => beats - Math.floor(beats)).filter((phase) => phase > 0.4 && phase < 0.8);
  if (offbeats.length < 8) return undefined;
  const sorted = [...offbeats].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 100) / 100;
}

/**
 * Walks every chunk and every event of a Standard MIDI File, so that a file is used only when all of
 * it parses: the header, exactly the tracks it announces, each track's events within its length
 * (running status, meta and SysEx lengths), and an End of Track at its end.
 */
export function checkStandardMidiFile(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 14 || text(0) !== 'MThd') throw new MidiFormatError('it does not start with a MIDI header (MThd)');
  if (view.getUint32(4) !== 6) throw new MidiFormatError(`its header is ${view.getUint32(4)} bytes long instead of 6`);
  const format = view.getUint16(8);
  const trackCount = view.getUint16(10);
  const division = view.getUint16(12);
  if (format > 2) throw new MidiFormatError(`it declares format ${format}; Standard MIDI Files are format 0, 1 or 2`);
  if (trackCount === 0) throw new MidiFormatError('it declares no tracks');
  if (division === 0) throw new MidiFormatError('it declares 0 ticks per beat');
  if (division & 0x8000) throw new MidiFormatError('it uses SMPTE time, which v2m does not read; save it with ticks per beat');
  let offset = 14;
  let tracks = 0;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw new MidiFormatError(`it ends inside a chunk header at byte ${offset} (truncated)`);
    const length = view.getUint32(offset + 4);
    const end = offset + 8 + length;
    if (end > bytes.length) throw new MidiFormatError(`chunk ${text(offset) === 'MTrk' ? `track ${tracks + 1}` : `at byte ${offset}`} claims ${length} bytes but the file ends ${end - bytes.length} bytes early (truncated)`);
    if (text(offset) === 'MTrk') {
      checkTrackEvents(bytes, offset + 8, end, tracks + 1);
      tracks += 1;
    }
    offset = end;
  }
  if (tracks !== trackCount) throw new MidiFormatError(`its header announces ${trackCount} tracks but it holds ${tracks}`);
}

function checkTrackEvents(bytes: Uint8Array, start: number, end: number, track: number): void {
  let offset = start;
  let runningStatus = 0;
  const fail = (why: string) => new MidiFormatError(`track ${track}, byte ${offset}: ${why}`);
  const readVariableLength = (): number => {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      if (offset >= end) throw fail('a length runs past the end of the track');
      const byte = bytes[offset++]!;
      value = (value << 7) | (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    throw fail('a variable-length number is longer than 4 bytes');
  };
  while (offset < end) {
    readVariableLength(); // delta time
    if (offset >= end) throw fail('an event is missing after its delta time');
    let status = bytes[offset]!;
    if (status & 0x80) offset += 1;
    else if (runningStatus === 0) throw fail('a data byte appears with no status before it');
    else status = runningStatus;
    if (status === 0xff) {
      if (offset >= end) throw fail('a meta event has no type');
      const type = bytes[offset++]!;
      const length = readVariableLength();
      if (offset + length > end) throw fail('a meta event runs past the end of the track');
      offset += length;
      if (type === 0x2f) {
        if (offset !== end) throw fail('End of Track comes before the end of the track chunk');
        return;
      }
      runningStatus = 0;
    } else if (status === 0xf0 || status === 0xf7) {
      const length = readVariableLength();
      if (offset + length > end) throw fail('a SysEx event runs past the end of the track');
      offset += length;
      runningStatus = 0;
    } else if (status >= 0x80 && status < 0xf0) {
      const dataBytes = status >= 0xc0 && status < 0xe0 ? 1 : 2;
      if (offset + dataBytes > end) throw fail('a channel event is cut short');
      for (let i = 0; i < dataBytes; i++) if (bytes[offset + i]! & 0x80) throw fail('a channel event has a data byte above 127');
      offset += dataBytes;
      runningStatus = status;
    } else {
      throw fail(`0x${status.toString(16)} is not a status byte a MIDI file may hold`);
    }
  }
  throw new MidiFormatError(`track ${track} has no End of Track event (truncated?)`);
}
