// Music theory as small pure functions over plain data, on tonal: keys, diatonic chords by degree,
// chord tones as MIDI pitches, and voice-led voicings.

import { Chord, Key, Note } from 'tonal';

export type Mode = 'major' | 'minor';

export interface MusicalKey {
  tonic: string;
  mode: Mode;
}

/** Tonics v2m accepts, in the spelling it writes (flats for the black keys, as most charts do). */
export const TONICS = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'] as const;

/** Minor keys on these tonics are written with sharps (G# minor, not Ab minor with its seven flats). */
const SHARP_MINOR_TONICS: Record<string, string> = { Db: 'C#', Gb: 'F#', Ab: 'G#' };

/** The key as musicians spell it: a minor key takes the enharmonic tonic with the fewer accidentals. */
export function conventionalKey(key: MusicalKey): MusicalKey {
  return key.mode === 'minor' && SHARP_MINOR_TONICS[key.tonic] ? { ...key, tonic: SHARP_MINOR_TONICS[key.tonic]! } : key;
}

export function keyName(key: MusicalKey): string {
  return `${key.tonic} ${key.mode}`;
}

/** Parses "A minor", "Am", "C", "F# major", "ebm"; undefined if it is not a key. */
export function parseKey(text: string): MusicalKey | undefined {
  const match = /^\s*([A-Ga-g])([#b]?)\s*(major|minor|maj|min|m)?\s*$/.exec(text);
  if (!match) return undefined;
  const tonic = Note.pitchClass(`${match[1]!.toUpperCase()}${match[2] ?? ''}`);
  if (!tonic) return undefined;
  const modeWord = match[3] ?? 'major';
  const mode: Mode = modeWord === 'minor' || modeWord === 'min' || modeWord === 'm' ? 'minor' : 'major';
  return { tonic, mode };
}

/** The seven diatonic triads of the key, by scale degree (index 0 = I or i). Minor uses the harmonic V. */
export function diatonicTriads(key: MusicalKey): string[] {
  if (key.mode === 'major') return [...Key.majorKey(key.tonic).triads];
  const natural = [...Key.minorKey(key.tonic).natural.triads];
  // The major V (from harmonic minor) gives minor keys their cadence.
  natural[4] = Key.minorKey(key.tonic).harmonic.triads[4] ?? natural[4]!;
  return natural;
}

/** Pitch classes (0–11) of a chord symbol, root first. */
export function chordPitchClasses(symbol: string): number[] {
  const chord = Chord.get(symbol);
  if (chord.empty) throw new Error(`unknown chord '${symbol}'`);
  return chord.notes.map((note) => Note.chroma(note) as number);
}

export function rootPitchClass(symbol: string): number {
  return chordPitchClasses(symbol)[0]!;
}

/** The MIDI note of pitch class `pc` nearest above or at `floor`. */
export function pitchAtOrAbove(pc: number, floor: number): number {
  return floor + ((pc - floor) % 12 + 12) % 12;
}

/**
 * A close-position voicing of `pcs` inside [low, high] that moves least from `previous`
 * (the sum of distances between sorted voices), so chords connect smoothly. Common-practice
 * spacing: no two neighbouring voices a semitone apart (a 7th under the root, a 9th on the 3rd);
 * where no inversion avoids that, the chord's extensions (7th, 9th…) are left out, and whole-tone
 * neighbours low in the register, which muddy, cost extra.
 */
export function voiceLead(pcs: readonly number[], previous: readonly number[] | undefined, low: number, high: number): number[] {
  const candidates = spacedVoicings(pcs, low, high);
  if (candidates.length === 0) return pcs.map((pc) => pitchAtOrAbove(pc, low)).sort((a, b) => a - b);
  if (!previous || previous.length === 0) {
    const cheapest = Math.min(...candidates.map(spacingCost));
    const tidy = candidates.filter((candidate) => spacingCost(candidate) === cheapest);
    return tidy[Math.floor(tidy.length / 2)]!;
  }
  const centre = previous.reduce((sum, n) => sum + n, 0) / previous.length;
  let best = candidates[0]!;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const mean = candidate.reduce((sum, n) => sum + n, 0) / candidate.length;
    const cost = Math.abs(mean - centre) + movement(candidate, previous) / candidate.length + spacingCost(candidate);
    if (cost < bestCost) {
      best = candidate;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * The final chord as common practice writes it: root position, the root doubled an octave above,
 * third and fifth between (C E G C), placed nearest the middle of [low, high]; a plain close
 * voicing where the range is too narrow for it.
 */
export function finalChordVoicing(triad: readonly number[], low: number, high: number): number[] {
  const [root, ...upper] = triad;
  const middle = (low + high) / 2;
  let best: number[] | undefined;
  for (let bass = pitchAtOrAbove(root!, low); bass + 12 <= high; bass += 12) {
    const voicing = [bass, ...upper.map((pc) => pitchAtOrAbove(pc, bass + 1)), bass + 12].sort((a, b) => a - b);
    const centre = (voicing[0]! + voicing[voicing.length - 1]!) / 2;
    if (!best || Math.abs(centre - middle) < Math.abs((best[0]! + best[best.length - 1]!) / 2 - middle)) best = voicing;
  }
  return best ?? voiceLead(triad, undefined, low, high);
}

/** Triads have three tones; what a chord symbol adds beyond them (7th, 9th, 6th) is its colour. */
const TRIAD_TONES = 3;
/** Below this MIDI note (middle C) a whole step between neighbouring voices sounds thick. */
const MUDDY_BELOW = 60;

/** Close voicings of `pcs` in the range with no semitone between neighbours; with the colour tones dropped if none has all of them. */
function spacedVoicings(pcs: readonly number[], low: number, high: number): number[][] {
  const spaced = closeVoicings(pcs, low, high).filter((voicing) => !hasSemitoneNeighbours(voicing));
  if (spaced.length > 0 || pcs.length <= TRIAD_TONES) return spaced.length > 0 ? spaced : closeVoicings(pcs, low, high);
  return spacedVoicings(pcs.slice(0, -1), low, high);
}

/** Every close-position voicing of `pcs` (each tone once, within an octave above its lowest) inside [low, high]. */
function closeVoicings(pcs: readonly number[], low: number, high: number): number[][] {
  const candidates: number[][] = [];
  for (let bass = low; bass <= high - 7; bass++) {
    if (!pcs.includes(((bass % 12) + 12) % 12)) continue;
    const voicing = [bass];
    for (const pc of pcs) if (pc !== ((bass % 12) + 12) % 12) voicing.push(pitchAtOrAbove(pc, bass + 1));
    voicing.sort((a, b) => a - b);
    if (voicing[voicing.length - 1]! <= high) candidates.push(voicing);
  }
  return candidates;
}

function hasSemitoneNeighbours(voicing: readonly number[]): boolean {
  return voicing.some((midi, i) => i > 0 && midi - voicing[i - 1]! === 1);
}

/** One point per whole step between neighbouring voices low in the register. */
function spacingCost(voicing: readonly number[]): number {
  return voicing.filter((midi, i) => i > 0 && midi - voicing[i - 1]! === 2 && voicing[i - 1]! < MUDDY_BELOW).length;
}

function movement(a: readonly number[], b: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - (b[Math.min(i, b.length - 1)] ?? a[i]!));
  return total;
}

/** Pitch classes of the key's scale (natural minor plus the raised 7th used by the V chord). */
export function scalePitchClasses(key: MusicalKey): number[] {
  const scale = key.mode === 'major' ? Key.majorKey(key.tonic).scale : Key.minorKey(key.tonic).natural.scale;
  const pcs = scale.map((note) => Note.chroma(note) as number);
  if (key.mode === 'minor') pcs.push(((Note.chroma(key.tonic) as number) + 11) % 12);
  return pcs;
}

/** Chord qualities in the vocabulary of Video2Music / EVALUATION.md §2. */
export type ChordQuality = 'maj' | 'min' | 'dim' | 'aug' | 'sus2' | 'sus4' | '7' | 'maj7' | 'min7' | 'maj6' | 'dim7' | 'hdim7' | 'other';

const QUALITY_BY_TONAL_TYPE: Record<string, ChordQuality> = {
  major: 'maj',
  minor: 'min',
  diminished: 'dim',
  augmented: 'aug',
  'suspended second': 'sus2',
  'suspended fourth': 'sus4',
  'dominant seventh': '7',
  'major seventh': 'maj7',
  'minor seventh': 'min7',
  sixth: 'maj6',
  'diminished seventh': 'dim7',
  'half-diminished': 'hdim7',
};

export function chordQuality(symbol: string): ChordQuality {
  return QUALITY_BY_TONAL_TYPE[Chord.get(symbol).type] ?? 'other';
}

/** Symbol suffix that spells each quality on a root (tonal's spelling). */
export const QUALITY_SUFFIX: Record<Exclude<ChordQuality, 'other'>, string> = {
  maj: '', min: 'm', dim: 'dim', aug: 'aug', sus2: 'sus2', sus4: 'sus4', '7': '7', maj7: 'maj7', min7: 'm7', maj6: '6', dim7: 'dim7', hdim7: 'm7b5',
};

/** The chord's root as a note name, e.g. "Bb" for "Bbmaj7". */
export function chordRoot(symbol: string): string {
  return Chord.get(symbol).tonic ?? symbol;
}

/** Pitch class 0–11 as the key spells it: its scale's name when diatonic, else sharps or flats as the key leans. */
export function spellPitchClass(pc: number, key: MusicalKey): string {
  const scale = key.mode === 'major' ? Key.majorKey(key.tonic).scale : Key.minorKey(key.tonic).natural.scale;
  const diatonic = scale.find((note) => Note.chroma(note) === pc);
  if (diatonic) return diatonic;
  const flats = scale.some((note) => note.includes('b'));
  return (flats ? ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'] : ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'])[pc]!;
}
