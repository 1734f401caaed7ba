// arrange: the chords, the beat grid and the energy curve become notes for four players — chords,
// pad, bass and drums — in the plan's style. Busier, louder and with more drums where the picture moves.

import { chordPitchClasses, finalChordVoicing, pitchAtOrAbove, rootPitchClass, voiceLead } from '../music/theory.js';
import { streamRng, type Rng } from '../music/random.js';
import { accompanimentPart } from './accompaniment.js';
import { drumPart } from './drums.js';
import { melodyPart } from './melody.js';
import { energyAt, velocity } from './dynamics.js';
import { chordAt } from './harmony.js';
import { endAtChordChanges, resolveClashes } from './clashes.js';
import type { Beat, ChordEvent, Note, ScorePlan, Track, TrackRole } from './score.js';
import type { StyleSpec } from './styles.js';
import { shippedTextures } from './texture-library.js';

/** Registers (MIDI note ranges) per role. */
const RANGE = { chords: [52, 76], pad: [55, 74], bass: [36, 52], hits: [48, 67] } as const;
/** A swell on a cut lasts at most this long (or until the next cut). */
const HIT_MAX_SECONDS = 1.5;
/** Root, third and fifth: the tones of the final chord. */
const TRIAD_TONES = 3;

export interface ArrangementInput {
  plan: ScorePlan;
  beats: readonly Beat[];
  chords: readonly ChordEvent[];
  duration: number;
}

export function arrange(input: ArrangementInput): Track[] {
  const style = input.plan.spec;
  // Each part draws from its own named stream: rewriting one part never changes another.
  const stream = (name: string) => streamRng(input.plan.seed, name);
  const tracks: Track[] = [
    { role: 'chords', name: style.chords.name, program: style.chords.program, isDrums: false, notes: chordPart(input, style, stream('accompaniment')) },
    { role: 'pad', name: style.pad.name, program: style.pad.program, isDrums: false, notes: padPart(input) },
    { role: 'bass', name: style.bass.name, program: style.bass.program, isDrums: false, notes: bassPart(input) },
    ...(style.hits ? [{ role: 'hits' as const, name: style.hits.name, program: style.hits.program, isDrums: false, notes: hitPart(input) }] : []),
    ...(style.melody
      ? [{ role: 'melody' as const, name: style.melody.name, program: style.melody.program, isDrums: false, notes: melodyPart({ ...input, range: style.melody.range }, stream('melody')) }]
      : []),
    { role: 'drums', name: 'Drums', program: 0, isDrums: true, notes: drumPart(input, style, stream('drums')) },
  ];
  const ending = endingChord(input);
  const underMelody = keepUnderMelody(tracks);
  const ended = underMelody.map((track) => ({ ...track, notes: withEnding(track.notes, track.role, ending, input).map((note) => clip(note, input.duration)) }));
  // Voice leading across the changes, then the clash pass over every pitched part together.
  const led = ended.map((track) => (track.isDrums ? track : { ...track, notes: endAtChordChanges(track.notes, input.chords, input.beats) }));
  return resolveClashes(led, input.chords).tracks;
}

type Role = TrackRole;

/** Parts that accompany the tune and must not sit over it. */
const ACCOMPANYING_ROLES: ReadonlySet<Role> = new Set(['chords', 'pad', 'hits']);

/**
 * The tune on top, as an arranger keeps it (and as POP909's piano parts sit under their melodies): an
 * accompanying note that would sound at or above the melody note it meets drops by octaves under the
 * lowest melody note it sounds with; one that would then fall below the bass's register is left out
 * (the other tones of its chord carry the harmony). Where the melody rests the accompaniment keeps its voicing.
 */
function keepUnderMelody(tracks: readonly Track[]): Track[] {
  const melody = tracks.find((track) => track.role === 'melody')?.notes ?? [];
  if (melody.length === 0) return [...tracks];
  const sorted = [...melody].sort((a, b) => a.time - b.time);
  const lowestMelodyDuring = (note: Note): number | undefined => {
    let lowest: number | undefined;
    for (const tune of sorted) {
      if (tune.time >= note.time + note.duration - 1e-6) break;
      if (tune.time + tune.duration <= note.time + 1e-6) continue;
      lowest = lowest === undefined ? tune.midi : Math.min(lowest, tune.midi);
    }
    return lowest;
  };
  return tracks.map((track) => {
    if (!ACCOMPANYING_ROLES.has(track.role)) return track;
    const notes: Note[] = [];
    for (const note of track.notes) {
      const ceiling = lowestMelodyDuring(note);
      if (ceiling === undefined || note.midi < ceiling) {
        notes.push(note);
        continue;
      }
      const midi = note.midi - 12 * Math.ceil((note.midi - ceiling + 1) / 12);
      if (midi >= RANGE.bass[1]) notes.push({ ...note, midi });
    }
    // Two notes of one part that now land on the same pitch at the same time are one note.
    const unique = new Map(notes.map((note) => [`${note.time.toFixed(4)}:${note.midi}`, note]));
    return { ...track, notes: [...unique.values()] };
  });
}

/** The final tonic chord, held from its downbeat to the last frame (a chord shorter than this is not worth holding). */
function endingChord(input: ArrangementInput): ChordEvent | undefined {
  // A loop has no ending: its last bar plays on into its first (compose/plan, --loop).
  if (input.plan.loop) return undefined;
  const last = input.chords[input.chords.length - 1];
  return last && input.duration - last.time >= 0.25 ? last : undefined;
}

/**
 * The proper ending: every part stops its pattern at the final chord — nothing from before rings
 * into it — and all hold it to the last frame and release together: chords, pad and hits on the
 * plain tonic triad (a final chord rests, it adds no colour), bass on the root, the melody on the
 * tonic; over one last kick and crash (a low tom in the orchestra).
 */
function withEnding(notes: Note[], role: Role, ending: ChordEvent | undefined, input: ArrangementInput): Note[] {
  if (!ending) return notes;
  const kept = notes.filter((note) => note.time < ending.time - 1e-6).map((note) => endBy(note, ending.time));
  const length = input.duration - ending.time;
  const loud = velocity(energyAt(input.plan, ending.time), 6);
  const pcs = chordPitchClasses(ending.chord).slice(0, TRIAD_TONES);
  const held = (midis: number[], scale = 1) => midis.map((midi) => ({ time: ending.time, duration: length, midi, velocity0to127: Math.round(loud * scale) }));
  switch (role) {
    case 'drums': {
      const style = input.plan.spec;
      // A cut inside the held ending is still marked: its accent stays.
      const accents = notes.filter((note) => note.time > ending.time + 1e-6 && input.plan.hits.some((hit) => Math.abs(hit.time + (hit.landing === 'accent' ? 0 : hit.offset) - note.time) < 1e-6));
      if (style.drums.maxLevel < 2) return [...kept, ...accents];
      const keys = style.drums.groove === 'orchestral' ? [41] : [36, 49];
      return [...kept, ...keys.map((midi) => ({ time: ending.time, duration: 0.1, midi, velocity0to127: Math.round(loud * style.drums.velocityScale) })), ...accents];
    }
    case 'bass':
      return [...kept, ...held([pitchAtOrAbove(pcs[0]!, RANGE.bass[0])])];
    case 'melody': {
      const range = input.plan.spec.melody!.range;
      return [...kept, ...held([pitchAtOrAbove(pcs[0]!, range[0])], 0.85)];
    }
    default:
      return [...kept, ...held(finalChordVoicing(pcs, RANGE[role][0], RANGE[role][1]), role === 'pad' ? 0.7 : 0.9)];
  }
}

/** The chord part: POP909 piano textures retrieved per phrase, re-voiced and played as the style's instrument plays them. */
function chordPart(input: ArrangementInput, style: StyleSpec, rng: Rng): Note[] {
  return accompanimentPart(input, style.chords, shippedTextures(), rng);
}

function padPart(input: ArrangementInput): Note[] {
  const notes: Note[] = [];
  let voicing: number[] | undefined;
  for (const chord of input.chords) {
    // The bass has the root: the pad holds the colour above it (third, fifth, seventh).
    const tones = chordPitchClasses(chord.chord);
    voicing = voiceLead(tones.length > 2 ? tones.slice(1) : tones, voicing, RANGE.pad[0], RANGE.pad[1]);
    const energy = energyAt(input.plan, chord.time);
    for (const midi of voicing) notes.push({ time: chord.time, duration: chord.duration, midi, velocity0to127: velocity(energy * 0.7, -12) });
  }
  return notes;
}

function bassPart(input: ArrangementInput): Note[] {
  const notes: Note[] = [];
  for (const beat of input.beats) {
    const chord = chordAt(input.chords, beat.time);
    const root = pitchAtOrAbove(rootPitchClass(chord.chord), RANGE.bass[0]);
    const energy = energyAt(input.plan, beat.time);
    const startsChord = Math.abs(chord.time - beat.time) < 1e-6;
    // The bass stops where its chord does: a root ringing into the next chord is a wrong note there.
    const untilChange = chord.time + chord.duration - beat.time;
    if (energy < 0.35) {
      if (startsChord) notes.push({ time: beat.time, duration: chord.duration, midi: root, velocity0to127: velocity(energy, 6) });
    } else if (energy < 0.7) {
      // Root on the chord's first beat, its fifth below on the half bar when the chord is still there (a two-feel).
      const midi = startsChord || beat.beatInBar === 0 ? root : fifthBelowOrAbove(chord.chord, root);
      if (startsChord || beat.beatInBar % 2 === 0) notes.push({ time: beat.time, duration: Math.min(beat.duration * 1.9, untilChange), midi, velocity0to127: velocity(energy, startsChord ? 6 : 2) });
    } else {
      const half = beat.duration / 2;
      notes.push({ time: beat.time, duration: half * 0.9, midi: root, velocity0to127: velocity(energy, 8) });
      notes.push({ time: beat.time + half, duration: half * 0.9, midi: beat.beatInBar === 3 ? root + 12 : root, velocity0to127: velocity(energy) });
    }
  }
  return notes;
}

/** The chord's fifth next to its root in the bass register (below it where the register allows), or the root when the chord has no perfect fifth. */
function fifthBelowOrAbove(symbol: string, root: number): number {
  const pcs = chordPitchClasses(symbol);
  if (!pcs.includes((rootPitchClass(symbol) + 7) % 12)) return root;
  return root - 5 >= RANGE.bass[0] ? root - 5 : root + 7;
}

/** Hit points: a brass swell on every cut, fade and dissolve, on the chord sounding there, so every one is marked. */
function hitPart(input: ArrangementInput): Note[] {
  const notes: Note[] = [];
  for (const hit of input.plan.hits) {
    // Played where the hit landed: its beat, eighth or sixteenth, or its own frame when off the grid.
    const time = hit.landing === 'accent' ? hit.time : hit.time + hit.offset;
    const chord = chordAt(input.chords, time);
    const nextHit = input.plan.hits.find((other) => other.time > hit.time + 1e-6)?.time ?? input.duration;
    // The swell belongs to the chord on the cut: it fades before the next chord or hit comes.
    const length = Math.min(nextHit - time, HIT_MAX_SECONDS, chord.time + chord.duration - time);
    if (length <= 0.05) continue;
    for (const midi of voiceLead(chordPitchClasses(chord.chord), undefined, RANGE.hits[0], RANGE.hits[1])) {
      notes.push({ time, duration: length, midi, velocity0to127: velocity(energyAt(input.plan, time), Math.round(20 * hit.weight) - 4) });
    }
  }
  return notes;
}

/** The note, stopped at `time` if it would sound past it. */
function endBy(note: Note, time: number): Note {
  return note.time + note.duration > time ? { ...note, duration: Math.max(0.01, time - note.time) } : note;
}

function clip(note: Note, duration: number): Note {
  const end = Math.min(duration, note.time + note.duration);
  return { ...note, duration: Math.max(0.01, end - note.time) };
}
