// reference: style by example (MuVi's in-context control, done symbolically). A MIDI file the user
// gives lends its tempo feel, instrumentation, note density and swing to v2m's arrangement, while
// the picture still decides where the cuts, the dynamics and the harmony go.

import { parseMidi } from 'midi-file';
import { DRUM_CHANNEL } from '../render/midi.js';
import { TempoTimeline } from '../render/tempo.js';

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

export function readStyleReference(bytes: Uint8Array): StyleReference {
  const file = parseMidi(bytes);
  const ticksPerBeat = file.header.ticksPerBeat ?? 480;
  const tempos: Array<{ ticks: number; microsecondsPerBeat: number }> = [];
  const parts = new Map<number, Part & { pitchSum: number; durationTicks: number }>();
  const program = new Map<number, number>();
  const onsets: number[] = [];
  const open = new Map<string, number>();
  let drumNotes = 0;
  let lastTick = 0;
  for (const track of file.tracks) {
    let ticks = 0;
    for (const event of track) {
      ticks += event.deltaTime;
      lastTick = Math.max(lastTick, ticks);
      if (event.type === 'setTempo') tempos.push({ ticks, microsecondsPerBeat: event.microsecondsPerBeat });
      else if (event.type === 'programChange') program.set(event.channel, event.programNumber);
      else if (event.type === 'noteOn' && event.velocity > 0) {
        onsets.push(ticks);
        if (event.channel === DRUM_CHANNEL) drumNotes += 1;
        else open.set(`${event.channel}:${event.noteNumber}`, ticks);
      } else if (event.type === 'noteOff' || event.type === 'noteOn') {
        const start = open.get(`${event.channel}:${event.noteNumber}`);
        if (start === undefined || event.channel === DRUM_CHANNEL) continue;
        open.delete(`${event.channel}:${event.noteNumber}`);
        const part = parts.get(event.channel) ?? { program: 0, notes: 0, meanPitch: 0, meanDuration: 0, pitchSum: 0, durationTicks: 0 };
        part.notes += 1;
        part.pitchSum += event.noteNumber;
        part.durationTicks += ticks - start;
        parts.set(event.channel, part);
      }
    }
  }
  const tempo = TempoTimeline.fromTicks(tempos, ticksPerBeat);
  const seconds = Math.max(1e-3, tempo.ticksToSeconds(lastTick));
  const summaries = [...parts.entries()].map(([channel, p]) => ({
    program: program.get(channel) ?? 0,
    notes: p.notes,
    meanPitch: p.pitchSum / p.notes,
    meanDuration: p.durationTicks / p.notes / ticksPerBeat,
  }));
  return {
    tempoBpm: mainTempo(tempo, lastTick),
    programs: assignRoles(summaries),
    notesPerSecond: onsets.length / seconds,
    swing: swingOf(onsets, ticksPerBeat),
    hasDrums: drumNotes > 0,
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

function mainTempo(tempo: TempoTimeline, lastTick: number): number {
  let best = tempo.segments[0]!;
  let bestLength = -1;
  tempo.segments.forEach((segment, i) => {
    const length = (tempo.segments[i + 1]?.ticks ?? lastTick) - segment.ticks;
    if (length > bestLength) {
      best = segment;
      bestLength = length;
    }
  });
  return Math.round(60 / (best.secondsPerTick * tempo.ticksPerBeat));
}

/** The typical position of notes in the second half of a beat: 0.5 for straight eighths, more when swung. */
function swingOf(onsets: readonly number[], ticksPerBeat: number): number | undefined {
  const offbeats = onsets.map((t) => (t % ticksPerBeat) / ticksPerBeat).filter((phase) => phase > 0.4 && phase < 0.8);
  if (offbeats.length < 8) return undefined;
  const sorted = [...offbeats].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 100) / 100;
}
