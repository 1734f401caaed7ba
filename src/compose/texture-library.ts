// texture-library: the accompaniment patterns cut from POP909's PIANO track (Wang et al. 2020, MIT),
// one bar each on a sixteenth grid, every note stored against the bar's chord — its record, its file.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TEXTURE_FORMAT = 'v2m-textures';
export const TEXTURE_FORMAT_VERSION = 1;
export const STEPS_PER_BEAT = 4;
/** Each note in the file is these five integers, in this order. */
export const NOTE_FIELDS = ['step', 'lengthSteps', 'semitonesFromRoot', 'chordTone', 'accent'] as const;
/** `chordTone` in the file for a note that is not a tone of the bar's chord (a passing or colour tone). */
export const NON_CHORD_TONE = 4;
/** `semitonesFromRoot` counts from the chord root in the octave that starts at MIDI 48 (C3). */
export const ROOT_OCTAVE_MIDI = 48;

/** One note of a pattern, relative to its bar and its chord. */
export interface TextureNote {
  /** Sixteenth of the bar the note starts on (0 = downbeat). */
  step: number;
  lengthSteps: number;
  /** Pitch as semitones above the chord root's C3 octave (negative below it). */
  semitonesFromRoot: number;
  /** 0 root, 1 third (or the suspended tone), 2 fifth, 3 seventh or sixth; undefined for a non-chord tone. */
  chordTone?: number;
  /** Velocity against the bar's mean, in steps of ACCENT_VELOCITY (−2 … 2). */
  accent: number;
}

/** What retrieval compares patterns by. */
export interface TextureFeatures {
  /** Distinct onset sixteenths per beat (0.25 … 4): the pattern's rhythmic density. */
  onsetsPerBeat: number;
  /** Mean pitch, semitones from the root's C3 octave: the register. */
  meanPitch: number;
  /** Highest minus lowest pitch. */
  spanSemitones: number;
  /** Which sixteenths have an onset, one bit per step (bit 0 = downbeat). */
  onsetMask: number;
  /** Share of onsets on the second or fourth sixteenth of a beat: how syncopated the figure is. */
  offbeatShare: number;
  /** Notes held half the bar or longer: the sustained voices. */
  sustainedVoices: number;
}

export interface TexturePattern {
  beats: number;
  /** Quality of the chord it was played over (Harte: maj, min, 7, min7, sus2 …). */
  quality: string;
  /** POP909 song it came from ('001' … '909'). */
  song: string;
  notes: TextureNote[];
  features: TextureFeatures;
}

/** The file as written by scripts/build-textures.ts. */
export interface TextureLibraryFile {
  format: typeof TEXTURE_FORMAT;
  version: typeof TEXTURE_FORMAT_VERSION;
  source: string;
  stepsPerBeat: typeof STEPS_PER_BEAT;
  noteFields: typeof NOTE_FIELDS;
  patterns: Array<{ beats: number; quality: string; song: string; notes: number[] }>;
}

export interface TextureLibrary {
  source: string;
  patterns: TexturePattern[];
}

/** Velocity per accent step: POP909 pianists' accents, coarsely. */
export const ACCENT_VELOCITY = 10;

export function textureFeatures(notes: readonly TextureNote[], beats: number): TextureFeatures {
  const onsetSteps = [...new Set(notes.map((note) => note.step))];
  const pitches = notes.map((note) => note.semitonesFromRoot);
  const stepsInBar = beats * STEPS_PER_BEAT;
  return {
    onsetsPerBeat: onsetSteps.length / beats,
    meanPitch: pitches.reduce((sum, pitch) => sum + pitch, 0) / Math.max(1, pitches.length),
    spanSemitones: pitches.length ? Math.max(...pitches) - Math.min(...pitches) : 0,
    onsetMask: onsetSteps.reduce((mask, step) => mask + 2 ** step, 0),
    offbeatShare: onsetSteps.filter((step) => step % 2 === 1).length / Math.max(1, onsetSteps.length),
    sustainedVoices: notes.filter((note) => note.lengthSteps * 2 >= stepsInBar).length,
  };
}

export function encodeNotes(notes: readonly TextureNote[]): number[] {
  return notes.flatMap((note) => [note.step, note.lengthSteps, note.semitonesFromRoot, note.chordTone ?? NON_CHORD_TONE, note.accent]);
}

export function decodeNotes(flat: readonly number[]): TextureNote[] {
  const notes: TextureNote[] = [];
  for (let i = 0; i + NOTE_FIELDS.length <= flat.length; i += NOTE_FIELDS.length) {
    const [step, lengthSteps, semitonesFromRoot, chordTone, accent] = flat.slice(i, i + NOTE_FIELDS.length) as [number, number, number, number, number];
    notes.push({ step, lengthSteps, semitonesFromRoot, chordTone: chordTone === NON_CHORD_TONE ? undefined : chordTone, accent });
  }
  return notes;
}

/** A library from its file, refusing one written in another layout. */
export function parseTextureLibrary(file: TextureLibraryFile): TextureLibrary {
  if (file.format !== TEXTURE_FORMAT || file.version !== TEXTURE_FORMAT_VERSION || file.stepsPerBeat !== STEPS_PER_BEAT || file.noteFields.join() !== NOTE_FIELDS.join()) {
    throw new Error(`texture library is not ${TEXTURE_FORMAT} v${TEXTURE_FORMAT_VERSION} with ${NOTE_FIELDS.join(',')} notes; rebuild it with scripts/build-textures.ts`);
  }
  const patterns = file.patterns.map((pattern) => {
    const notes = decodeNotes(pattern.notes);
    return { beats: pattern.beats, quality: pattern.quality, song: pattern.song, notes, features: textureFeatures(notes, pattern.beats) };
  });
  return { source: file.source, patterns };
}

/** The shipped library: models/textures.json at the package root (beside dist/ and src/). */
export const SHIPPED_TEXTURES_FILE = fileURLToPath(new URL('../../models/textures.json', import.meta.url));

let shipped: TextureLibrary | undefined;

/** The shipped library, read once per process (a few hundred kilobytes; composition stays synchronous). */
export function shippedTextures(): TextureLibrary {
  shipped ??= parseTextureLibrary(JSON.parse(readFileSync(SHIPPED_TEXTURES_FILE, 'utf8')) as TextureLibraryFile);
  return shipped;
}
