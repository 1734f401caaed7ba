// texture-orchestration: one bar of re-voiced texture played the way the style's chord instrument
// plays — the piano as written, strings held, the arpeggiator in sixteenths, guitar strummed, ambient sparse.

import { velocity } from './dynamics.js';
import type { ChordFigure } from './styles.js';
import { ACCENT_VELOCITY } from './texture-library.js';

/** A note of the re-voiced texture inside its bar (steps are sixteenths from the downbeat). */
export interface PlacedNote {
  step: number;
  lengthSteps: number;
  midi: number;
  /** Velocity accent of the source note, in ACCENT_VELOCITY steps. */
  accent: number;
  /** Whether it is a tone of the chord sounding at its onset (passing tones are not). */
  chordTone: boolean;
}

/** A note as the instrument plays it. */
export interface PlayedNote extends PlacedNote {
  velocity0to127: number;
  /** Offset after the step (a strum's later strings). */
  delaySeconds: number;
}

export interface BarContext {
  figure: ChordFigure;
  barSteps: number;
  /** Picture energy 0–1 over the bar. */
  energy: number;
  /** Pitch classes of the chord sounding through this stretch (orchestration works chord by chord). */
  chordPitchClasses: readonly number[];
  /** MIDI range of the part. */
  range: readonly [number, number];
}

/** Strings bow at most this many voices (a section divided further thins out). */
const MAX_HELD_VOICES = 4;
/** A strummed chord has at most six strings; an ambient onset at most three voices. */
const MAX_STRINGS = 6;
const MAX_SPARSE_VOICES = 3;
/** Seconds between strings of a strum: a strum, not a block. */
const STRUM_STRING_SECONDS = 0.012;
/** Above this energy the strings re-bow on the texture's eighths; below, on its beats. */
const HELD_EIGHTHS_FROM = 0.45;
/** Above this energy the ambient keys break the chord on eighths; below, on beats. */
const SPARSE_EIGHTHS_FROM = 0.4;
/** Below this energy the arpeggiator runs in eighths; above, sixteenths. */
const ARPEGGIATOR_SIXTEENTHS_FROM = 0.35;
/** Video2Music's arpeggio moves from eighths to sixteenths at this energy. */
const V2M_ARPEGGIO_SIXTEENTHS_FROM = 0.5;
const DOWNBEAT_ACCENT = 6;

export function orchestrate(notes: readonly PlacedNote[], bar: BarContext): PlayedNote[] {
  if (bar.figure === 'texture') {
    return notes.map((note) => played(note, velocity(bar.energy, (note.accent * ACCENT_VELOCITY) / 2 + (note.step === 0 ? DOWNBEAT_ACCENT : 0))));
  }
  // Passing tones belong to the piano's hands: the other instruments voice the chord tones only.
  const tones = notes.filter((note) => note.chordTone);
  if (tones.length === 0) return [];
  switch (bar.figure) {
    case 'held':
      return held(tones, bar);
    case 'arpeggiator':
      return arpeggiated(tones, bar);
    case 'strum':
      return strummed(tones, bar);
    case 'sparse':
      return sparse(tones, bar);
    case 'arpeggio':
      return videoToMusicArpeggio(tones, bar);
  }
}

function played(note: PlacedNote, velocity0to127: number, delaySeconds = 0): PlayedNote {
  return { ...note, velocity0to127, delaySeconds };
}

/**
 * Strings re-bow the chord on the texture's rhythm: every onset of the texture on an eighth (on a beat
 * when the picture is calm) is a bow of the whole chord, held legato to the next — string pulses
 * that breathe with the piece, not one note held through the bar.
 */
function held(notes: readonly PlacedNote[], bar: BarContext): PlayedNote[] {
  const grid = bar.energy >= HELD_EIGHTHS_FROM ? 2 : 4;
  const bows = [...new Set([0, ...notes.map((note) => note.step).filter((step) => step % grid === 0)])].sort((a, b) => a - b);
  return bows.flatMap((step, index) => {
    const end = bows[index + 1] ?? bar.barSteps;
    // Each bow voices what the texture plays until the next, the missing chord tones filled in: the
    // section's top voice moves with the texture's line instead of repeating one note.
    const voices = spreadVoices(withEveryChordTone(pitchesBetween(notes, step, end), bar), MAX_HELD_VOICES);
    return voices.map((midi) => played({ step, lengthSteps: end - step, midi, accent: 0, chordTone: true }, velocity(bar.energy * 0.8, step === 0 ? 0 : -6)));
  });
}

/** The pitches the texture starts between two steps (its notes from the first step when none start there). */
function pitchesBetween(notes: readonly PlacedNote[], from: number, to: number): number[] {
  const inside = notes.filter((note) => note.step >= from && note.step < to).map((note) => note.midi);
  return inside.length > 0 ? inside : notes.map((note) => note.midi);
}

/** The arpeggiator: the texture's pitches in the order it plays them, one per sixteenth (eighths when calm), accented where the texture strikes. */
function arpeggiated(notes: readonly PlacedNote[], bar: BarContext): PlayedNote[] {
  const sequence = notes.map((note) => note.midi).filter((midi, index, all) => index === 0 || midi !== all[index - 1]);
  if (new Set(sequence).size < 3) sequence.push(...[...new Set(notes.map((note) => note.midi))].sort((a, b) => a - b));
  const struck = new Set(notes.map((note) => note.step));
  const stride = bar.energy >= ARPEGGIATOR_SIXTEENTHS_FROM ? 1 : 2;
  const out: PlayedNote[] = [];
  for (let step = 0, index = 0; step < bar.barSteps; step += stride, index++) {
    const accent = (struck.has(step) ? 6 : 0) + (step === 0 ? DOWNBEAT_ACCENT : 0) - (step % 4 === 0 ? 0 : 6);
    out.push(played({ step, lengthSteps: stride, midi: sequence[index % sequence.length]!, accent: 0, chordTone: true }, velocity(bar.energy, accent)));
  }
  return out;
}

/** Guitar or keys strum the chord wherever the texture strikes on an eighth: down on the beat, up off it. */
function strummed(notes: readonly PlacedNote[], bar: BarContext): PlayedNote[] {
  const strums = [...new Set([0, ...notes.map((note) => note.step).filter((step) => step % 2 === 0)])].sort((a, b) => a - b);
  return strums.flatMap((step, index) => {
    const lengthSteps = (strums[index + 1] ?? bar.barSteps) - step;
    // The chord shape follows the texture: what it plays until the next strum, the missing chord tones filled in.
    const strings = spreadVoices(withEveryChordTone(pitchesBetween(notes, step, step + lengthSteps), bar), MAX_STRINGS);
    const down = step % 4 === 0;
    const order = down ? strings : [...strings].reverse();
    const accent = (step === 0 ? DOWNBEAT_ACCENT : 0) + (down ? 0 : -8);
    return order.map((midi, string) => played({ step, lengthSteps, midi, accent: 0, chordTone: true }, velocity(bar.energy, accent), string * STRUM_STRING_SECONDS));
  });
}

/**
 * Ambient electric piano: the texture's chord tones broken as the texture plays them, on eighths (on
 * beats when the picture is calm), each let ring to the next onset as under a half pedal — a few
 * voices at a time, never a block held through the bar.
 */
function sparse(notes: readonly PlacedNote[], bar: BarContext): PlayedNote[] {
  const grid = bar.energy >= SPARSE_EIGHTHS_FROM ? 2 : 4;
  const byOnset = new Map<number, number[]>();
  for (const note of notes) {
    const step = Math.floor(note.step / grid) * grid;
    byOnset.set(step, [...(byOnset.get(step) ?? []), note.midi]);
  }
  if (!byOnset.has(0)) byOnset.set(0, withEveryChordTone(notes.map((note) => note.midi), bar));
  const onsets = [...byOnset.keys()].sort((a, b) => a - b);
  return onsets.flatMap((step, index) => {
    const end = onsets[index + 1] ?? bar.barSteps;
    const voices = spreadVoices([...new Set(byOnset.get(step)!)].sort((a, b) => a - b), MAX_SPARSE_VOICES);
    return voices.map((midi) => played({ step, lengthSteps: end - step, midi, accent: 0, chordTone: true }, velocity(bar.energy * 0.7, step === 0 ? -4 : -10)));
  });
}

/** The distinct pitches, sorted, plus any chord tone the texture left out (a strummed or held chord is a whole chord), placed near their middle. */
function withEveryChordTone(pitches: readonly number[], bar: BarContext): number[] {
  const distinct = [...new Set(pitches)];
  const middle = distinct.reduce((sum, midi) => sum + midi, 0) / Math.max(1, distinct.length);
  for (const pc of bar.chordPitchClasses) {
    if (distinct.some((midi) => midi % 12 === pc)) continue;
    const near = Math.round(middle) - 6 + ((pc - (Math.round(middle) - 6)) % 12 + 12) % 12;
    // Folded by octaves into the range (clamping would change the pitch class).
    let folded = near;
    while (folded < bar.range[0]) folded += 12;
    while (folded > bar.range[1]) folded -= 12;
    if (folded >= bar.range[0]) distinct.push(folded);
  }
  return [...new Set(distinct)].sort((a, b) => a - b);
}

/** Video2Music's piano rendering: the chord's tones rising (the lowest an octave up to close), eighths, sixteenths when busy. */
function videoToMusicArpeggio(notes: readonly PlacedNote[], bar: BarContext): PlayedNote[] {
  const voicing = spreadVoices(withEveryChordTone(notes.map((note) => note.midi), bar), bar.chordPitchClasses.length);
  const tones = [...voicing, voicing[0]! + 12];
  const stride = bar.energy >= V2M_ARPEGGIO_SIXTEENTHS_FROM ? 1 : 2;
  const out: PlayedNote[] = [];
  for (let step = 0, index = 0; step < bar.barSteps; step += stride, index++) {
    const accent = (step === 0 ? DOWNBEAT_ACCENT : 0) - 6 * ((step % 4) / stride);
    out.push(played({ step, lengthSteps: Math.min(2 * stride, bar.barSteps - step), midi: tones[index % tones.length]!, accent: 0, chordTone: true }, velocity(bar.energy, accent)));
  }
  return out;
}

/** At most `count` of the sorted pitches, the lowest and highest kept and the rest evenly between. */
function spreadVoices(sorted: readonly number[], count: number): number[] {
  if (sorted.length <= count) return [...sorted];
  return Array.from({ length: count }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (count - 1))]!);
}
