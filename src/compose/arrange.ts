// arrange: the chords, the beat grid and the energy curve become notes for four players — chords,
// pad, bass and drums — in the plan's style. Busier, louder and with more drums where the picture moves.

import { chordPitchClasses, pitchAtOrAbove, rootPitchClass, voiceLead } from '../music/theory.js';
import type { Rng } from '../music/random.js';
import { chordAt } from './harmony.js';
import type { Beat, ChordEvent, Note, ScorePlan, Track } from './score.js';
import { STYLES, type StyleSpec } from './styles.js';

/** General MIDI percussion keys (channel 10). */
const DRUM = { kick: 36, sideStick: 37, snare: 38, closedHat: 42, openHat: 46, crash: 49, ride: 51 } as const;
/** Registers (MIDI note ranges) per role. */
const RANGE = { chords: [52, 76], pad: [55, 74], bass: [36, 52] } as const;
/** Energy thresholds for drum levels 1, 2, 3. */
const DRUM_LEVEL_ENERGY = [0.2, 0.45, 0.7] as const;

export interface ArrangementInput {
  plan: ScorePlan;
  beats: readonly Beat[];
  chords: readonly ChordEvent[];
  duration: number;
}

export function arrange(input: ArrangementInput, rng: Rng): Track[] {
  const style = STYLES[input.plan.style];
  return [
    { name: style.chords.name, program: style.chords.program, isDrums: false, notes: chordPart(input, style, rng) },
    { name: style.pad.name, program: style.pad.program, isDrums: false, notes: padPart(input) },
    { name: style.bass.name, program: style.bass.program, isDrums: false, notes: bassPart(input) },
    { name: 'Drums', program: 0, isDrums: true, notes: drumPart(input, style, rng) },
  ].map((track) => ({ ...track, notes: track.notes.map((note) => clip(note, input.duration)) }));
}

function energyAt(plan: ScorePlan, time: number): number {
  const curve = plan.energyPerSecond;
  return curve[Math.min(curve.length - 1, Math.max(0, Math.floor(time)))] ?? 0;
}

function velocity(energy: number, accent = 0): number {
  return Math.round(Math.min(127, Math.max(20, 48 + 58 * energy + accent)));
}

function chordPart(input: ArrangementInput, style: StyleSpec, rng: Rng): Note[] {
  const notes: Note[] = [];
  let voicing: number[] | undefined;
  let voicedChord: ChordEvent | undefined;
  for (const beat of input.beats) {
    const chord = chordAt(input.chords, beat.time);
    if (chord !== voicedChord) {
      voicing = voiceLead(chordPitchClasses(chord.chord), voicing, RANGE.chords[0], RANGE.chords[1]);
      voicedChord = chord;
    }
    const energy = energyAt(input.plan, beat.time);
    const accent = beat.beatInBar === 0 ? 8 : 0;
    if (style.chords.figure === 'arpeggio') {
      // Video2Music renders chords as piano arpeggios; busier pictures get finer subdivisions.
      const steps = energy >= 0.5 ? 4 : 2;
      const tones = [...voicing!, voicing![0]! + 12];
      for (let step = 0; step < steps; step++) {
        const index = (beat.beatInBar * steps + step) % tones.length;
        const stepSeconds = beat.duration / steps;
        notes.push({ time: beat.time + step * stepSeconds, duration: stepSeconds * 2, midi: tones[index]!, velocity0to127: velocity(energy, accent - 6 * step) });
      }
    } else if (style.chords.figure === 'strum') {
      // A down-strum: strings 12 ms apart, so the attack is a strum, not a block.
      voicing!.forEach((midi, string) =>
        notes.push({ time: beat.time + string * 0.012, duration: beat.duration * 0.9, midi, velocity0to127: velocity(energy, accent - 4 + Math.round(rng() * 6)) }),
      );
    } else if (chord.time === beat.time) {
      voicing!.forEach((midi) => notes.push({ time: beat.time, duration: chord.duration, midi, velocity0to127: velocity(energy * 0.8) }));
    }
  }
  return notes;
}

function padPart(input: ArrangementInput): Note[] {
  const notes: Note[] = [];
  let voicing: number[] | undefined;
  for (const chord of input.chords) {
    voicing = voiceLead(chordPitchClasses(chord.chord), voicing, RANGE.pad[0], RANGE.pad[1]);
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
    if (energy < 0.35) {
      if (startsChord) notes.push({ time: beat.time, duration: chord.duration, midi: root, velocity0to127: velocity(energy, 6) });
    } else if (energy < 0.7) {
      if (startsChord || beat.beatInBar % 2 === 0) notes.push({ time: beat.time, duration: beat.duration * 1.9, midi: root, velocity0to127: velocity(energy, 6) });
    } else {
      const half = beat.duration / 2;
      notes.push({ time: beat.time, duration: half * 0.9, midi: root, velocity0to127: velocity(energy, 8) });
      notes.push({ time: beat.time + half, duration: half * 0.9, midi: beat.beatInBar === 3 ? root + 12 : root, velocity0to127: velocity(energy) });
    }
  }
  return notes;
}

function drumPart(input: ArrangementInput, style: StyleSpec, rng: Rng): Note[] {
  const notes: Note[] = [];
  const hit = (time: number, midi: number, energy: number, accent = 0) =>
    notes.push({ time, duration: 0.1, midi, velocity0to127: Math.round(velocity(energy, accent + Math.round(rng() * 6 - 3)) * style.drums.velocityScale) });
  let section = -1;
  for (const beat of input.beats) {
    const energy = energyAt(input.plan, beat.time);
    const level = Math.min(style.drums.maxLevel, DRUM_LEVEL_ENERGY.filter((threshold) => energy >= threshold).length);
    // A new section starts at a cut: mark it with a crash once the drums are playing at all.
    if (beat.section !== section) {
      section = beat.section;
      if (section > 0 && level >= 1) hit(beat.time, DRUM.crash, energy, 10);
    }
    if (level === 0) continue;
    const b = beat.beatInBar;
    if (level === 1) {
      if (b === 0) hit(beat.time, DRUM.kick, energy);
      if (b === 2) hit(beat.time, DRUM.sideStick, energy, -6);
      hit(beat.time, style.drums.maxLevel === 1 ? DRUM.ride : DRUM.closedHat, energy, -14);
      continue;
    }
    if (b === 0 || b === 2) hit(beat.time, DRUM.kick, energy, 4);
    if (b === 1 || b === 3) hit(beat.time, DRUM.snare, energy, 2);
    const hatsPerBeat = level === 3 ? 4 : 2;
    for (let h = 0; h < hatsPerBeat; h++) {
      hit(beat.time + (h * beat.duration) / hatsPerBeat, DRUM.closedHat, energy, h === 0 ? -8 : -16);
    }
    if (level === 3 && b === 2) hit(beat.time + beat.duration / 2, DRUM.kick, energy, -4);
    if (level === 3 && b === 3) hit(beat.time + beat.duration / 2, DRUM.openHat, energy, -10);
  }
  return notes;
}

function clip(note: Note, duration: number): Note {
  const end = Math.min(duration, note.time + note.duration);
  return { ...note, duration: Math.max(0.01, end - note.time) };
}
