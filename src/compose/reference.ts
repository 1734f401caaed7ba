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

export function readStyleReference(bytes: Uint8Array): StyleReference {
  const midi = readMidi(bytes);
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
