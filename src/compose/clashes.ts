// clashes: the arranger's last look over the parts. Notes that would ring on into a chord they do
// not belong to end at the change, and minor 2nds / minor 9ths between parts are resolved as an
// arranger would — the less important part gives way, the melody and the bass keep their notes.

import { CLASH_INTERVALS, CLASH_MIN_SECONDS } from '../measure/clashes.js';
import { chordPitchClasses } from '../music/theory.js';
import { chordAt } from './harmony.js';
import type { Beat, ChordEvent, Note, Track, TrackRole } from './score.js';

/** A note shortened to make way keeps at least this much, or it is not worth keeping shortened. */
const MIN_SHORTENED_SECONDS = 0.1;
/** A re-pitched note moves at most this far (a 4th), so the part keeps its register and line. */
const MAX_REPITCH_SEMITONES = 5;
/** Passes over the whole score: a fix can expose another clash, rarely more than once. */
const MAX_PASSES = 4;
/** Who gives way: the lower a part ranks, the sooner its note is changed (the tune and the bass are heard first). */
const PRIORITY: Record<TrackRole, number> = { melody: 5, bass: 4, hits: 3, chords: 2, pad: 1, drums: 0 };
/** Parts that hold their chord under everything else rather than play a figure. */
const SUSTAINED_ROLES: ReadonlySet<TrackRole> = new Set(['pad', 'hits']);
const EPSILON = 1e-6;

/** Two notes in different parts a minor 2nd or 9th apart, sounding together for `overlapSeconds`. */
export interface Clash {
  time: number;
  overlapSeconds: number;
  /** Track index and note index of each note. */
  first: { track: number; note: number };
  second: { track: number; note: number };
}

/** Every clash in the pitched tracks, in time order. */
export function findClashes(tracks: readonly Track[]): Clash[] {
  const sounding = soundingNotes(tracks);
  const clashes: Clash[] = [];
  sounding.forEach((a, i) => {
    for (let j = i + 1; j < sounding.length && sounding[j]!.time < a.end - CLASH_MIN_SECONDS + EPSILON; j++) {
      const b = sounding[j]!;
      if (b.track === a.track || !CLASH_INTERVALS.has(Math.abs(a.midi - b.midi))) continue;
      const overlapSeconds = Math.min(a.end, b.end) - b.time;
      if (overlapSeconds < CLASH_MIN_SECONDS - EPSILON) continue;
      clashes.push({ time: b.time, overlapSeconds, first: { track: a.track, note: a.index }, second: { track: b.track, note: b.index } });
    }
  });
  return clashes;
}

export interface ClashResolution {
  tracks: Track[];
  clashesBefore: number;
  clashesAfter: number;
}

/**
 * Resolves clashes the way an arranger would, on the part that ranks lower: a note outside the
 * chord moves to the nearest chord tone; an earlier note stops where the other begins; a note
 * another part already doubles is dropped; otherwise it moves to the nearest chord tone that sits
 * well, and as a last resort it is left out. Sustained parts (pad, swells) keep sounding where they
 * can: a doubled note goes first, one held over a chord change ends with its chord, others move.
 * Returns the counts before and after, for the evaluation's comparison.
 */
export function resolveClashes(tracks: readonly Track[], chords: readonly ChordEvent[]): ClashResolution {
  const working = tracks.map((track) => ({ ...track, notes: track.notes.map((note) => ({ ...note })) as Array<Note | null> }));
  const clashesBefore = findClashes(tracks).length;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const current = compact(working);
    const clashes = findClashes(current.tracks);
    if (clashes.length === 0) break;
    const changed = new Set<string>();
    for (const clash of clashes) {
      const [yielding, keeping] = whoGivesWay(clash, current.tracks);
      const key = `${yielding.track}:${yielding.note}`;
      if (changed.has(key) || changed.has(`${keeping.track}:${keeping.note}`)) continue;
      changed.add(key);
      const at = current.indices[yielding.track]![yielding.note]!;
      const note = working[yielding.track]!.notes[at];
      const other = working[keeping.track]!.notes[current.indices[keeping.track]![keeping.note]!];
      if (note && other) working[yielding.track]!.notes[at] = giveWay(note, other, yielding.track, compact(working).tracks, chords);
    }
  }
  const resolved = compact(working).tracks;
  return { tracks: resolved, clashesBefore, clashesAfter: findClashes(resolved).length };
}

/**
 * Notes that ring on past a chord change end there unless they belong to the new chord, or resolve
 * by step onto one of its tones within a beat (a suspension). Each part is judged alone.
 */
export function endAtChordChanges(notes: readonly Note[], chords: readonly ChordEvent[], beats: readonly Beat[]): Note[] {
  const byOnset = [...notes].sort((a, b) => a.time - b.time);
  return notes.map((note) => {
    const end = note.time + note.duration;
    for (const change of chords) {
      if (change.time <= note.time + EPSILON) continue;
      if (change.time >= end - EPSILON) break;
      const tones = chordPitchClasses(change.chord);
      if (tones.includes(pitchClass(note.midi))) continue;
      if (resolvesBySuspension(note, change, tones, byOnset, beatSecondsAt(beats, change.time))) break;
      return { ...note, duration: change.time - note.time };
    }
    return note;
  });
}

/** A held note resolves as a suspension: it ends within a beat of the change, and the same part steps from it onto a tone of the new chord. */
function resolvesBySuspension(note: Note, change: ChordEvent, tones: readonly number[], byOnset: readonly Note[], beatSeconds: number): boolean {
  const end = note.time + note.duration;
  if (end - change.time > beatSeconds + EPSILON) return false;
  const next = byOnset.find((other) => Math.abs(other.time - end) < 0.02 && other !== note);
  return next !== undefined && Math.abs(next.midi - note.midi) <= 2 && next.midi !== note.midi && tones.includes(pitchClass(next.midi));
}

function beatSecondsAt(beats: readonly Beat[], time: number): number {
  const beat = beats.find((b) => b.time <= time + EPSILON && time < b.time + b.duration - EPSILON) ?? beats[beats.length - 1];
  return beat?.duration ?? 0.5;
}

interface SoundingNote {
  track: number;
  index: number;
  time: number;
  end: number;
  midi: number;
}

/** The pitched notes of every track, by onset. */
function soundingNotes(tracks: readonly Track[]): SoundingNote[] {
  return tracks
    .flatMap((track, t) => (track.isDrums ? [] : track.notes.map((note, index) => ({ track: t, index, time: note.time, end: note.time + note.duration, midi: note.midi }))))
    .sort((a, b) => a.time - b.time || a.track - b.track || a.midi - b.midi);
}

type NoteRef = Clash['first'];

/** The clashing note of the lower-ranked part gives way; between equals, the later one. */
function whoGivesWay(clash: Clash, tracks: readonly Track[]): [NoteRef, NoteRef] {
  const rank = (ref: NoteRef) => PRIORITY[tracks[ref.track]!.role];
  return rank(clash.first) < rank(clash.second) ? [clash.first, clash.second] : [clash.second, clash.first];
}

type WorkingTrack = Omit<Track, 'notes'> & { notes: Array<Note | null> };

/** The changed note (or null: left out) that no longer clashes with `keeping`. */
function giveWay(note: Note, other: Note, trackIndex: number, tracks: readonly Track[], chords: readonly ChordEvent[]): Note | null {
  const tones = chords.length > 0 ? chordPitchClasses(chordAt(chords, note.time).chord) : [];
  const repitched = () => nearestSettledChordTone(note, trackIndex, tones, tracks);
  if (!tones.includes(pitchClass(note.midi))) {
    const moved = repitched();
    if (moved) return moved;
  }
  const shortened = other.time - note.time >= MIN_SHORTENED_SECONDS ? { ...note, duration: other.time - note.time } : undefined;
  // A sustained part (pad, swell) keeps sounding under the tune: a doubled note goes, another moves.
  if (SUSTAINED_ROLES.has(tracks[trackIndex]!.role)) {
    if (isDoubled(note, trackIndex, tracks)) return null;
    // Held over a chord change, it is the change that brings the clash: the note ends with its chord.
    const spansChange = chords.some((chord) => chord.time > note.time + EPSILON && chord.time < note.time + note.duration - EPSILON);
    return (spansChange ? shortened : undefined) ?? repitched() ?? shortened ?? null;
  }
  if (shortened) return shortened;
  if (isDoubled(note, trackIndex, tracks)) return null;
  return repitched() ?? null;
}

/** Whether another part sounds the same pitch class over the whole of `note` (leaving it out loses nothing of the chord). */
function isDoubled(note: Note, trackIndex: number, tracks: readonly Track[]): boolean {
  const end = note.time + note.duration;
  return tracks.some(
    (track, t) =>
      t !== trackIndex &&
      !track.isDrums &&
      track.notes.some((other) => pitchClass(other.midi) === pitchClass(note.midi) && other.time <= note.time + EPSILON && other.time + other.duration >= end - EPSILON),
  );
}

/** The nearest chord tone (within a 4th) that clashes with nothing else sounding, or undefined. */
function nearestSettledChordTone(note: Note, trackIndex: number, tones: readonly number[], tracks: readonly Track[]): Note | undefined {
  const end = note.time + note.duration;
  const around = tracks.flatMap((track, t) =>
    track.isDrums ? [] : track.notes.filter((other) => other.time < end - EPSILON && other.time + other.duration > note.time + EPSILON).map((other) => ({ other, sameTrack: t === trackIndex })),
  );
  for (let distance = 1; distance <= MAX_REPITCH_SEMITONES; distance++) {
    for (const midi of [note.midi - distance, note.midi + distance]) {
      if (!tones.includes(pitchClass(midi))) continue;
      const grates = around.some(({ other, sameTrack }) => {
        if (other === note) return false;
        const interval = Math.abs(other.midi - midi);
        // Within its own part a note must not rub a semitone either, nor land on a note already there.
        if (sameTrack) return interval === 0 || interval === 1;
        const together = Math.min(end, other.time + other.duration) - Math.max(note.time, other.time);
        return CLASH_INTERVALS.has(interval) && together >= CLASH_MIN_SECONDS - EPSILON;
      });
      if (!grates) return { ...note, midi };
    }
  }
  return undefined;
}

/** The working tracks without their left-out notes, and for each kept note its index in the working list. */
function compact(working: readonly WorkingTrack[]): { tracks: Track[]; indices: number[][] } {
  const indices = working.map((track) => track.notes.flatMap((note, i) => (note ? [i] : [])));
  const tracks = working.map((track) => ({ ...track, notes: track.notes.filter((note): note is Note => note !== null) }));
  return { tracks, indices };
}

function pitchClass(midi: number): number {
  return ((midi % 12) + 12) % 12;
}
