// clashes: EVALUATION.md §6's count of rubs a composer would not sign — two notes in different parts
// sounding together for at least a quarter of a second a minor 2nd or a minor 9th apart. Notes
// within one part (a piano's own cluster) and drums are not counted.

import type { MidiNote } from './midi.js';

/** Two notes must overlap this long (seconds) for their rub to be heard as a clash. */
export const CLASH_MIN_SECONDS = 0.25;
/** A minor 2nd and a minor 9th. */
export const CLASH_INTERVALS: ReadonlySet<number> = new Set([1, 13]);

export interface Clash {
  time: number;
  seconds: number;
  low: number;
  high: number;
}

/** Every clash between notes of different parts (`parts[i]` = one part's pitched notes). */
export function findClashes(parts: ReadonlyArray<readonly MidiNote[]>): Clash[] {
  const notes = parts
    .flatMap((part, index) => part.filter((note) => !note.isDrums).map((note) => ({ note, part: index })))
    .sort((a, b) => a.note.time - b.note.time);
  const clashes: Clash[] = [];
  let sounding: typeof notes = [];
  for (const current of notes) {
    const start = current.note.time;
    // Only notes that can still overlap this one (and every later one) by the minimum stay in view.
    sounding = sounding.filter(({ note }) => note.time + note.duration - start >= CLASH_MIN_SECONDS - 1e-9);
    for (const other of sounding) {
      if (other.part === current.part || !CLASH_INTERVALS.has(Math.abs(other.note.midi - current.note.midi))) continue;
      const together = Math.min(other.note.time + other.note.duration, start + current.note.duration) - start;
      if (together >= CLASH_MIN_SECONDS - 1e-9) {
        clashes.push({ time: start, seconds: together, low: Math.min(other.note.midi, current.note.midi), high: Math.max(other.note.midi, current.note.midi) });
      }
    }
    sounding.push(current);
  }
  return clashes;
}

/** Clashes per minute of music; 0 for an empty piece. */
export function clashesPerMinute(parts: ReadonlyArray<readonly MidiNote[]>, durationSeconds: number): number {
  return durationSeconds > 0 ? findClashes(parts).length / (durationSeconds / 60) : 0;
}
