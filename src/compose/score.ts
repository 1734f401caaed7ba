// The records composition produces: the plan (the long view), the beat grid with its tempo map, the
// chord track and the Score — notes per instrument in seconds — that the renderer consumes.

import type { Emotion } from '../analysis/emotion.js';
import type { MusicalKey } from '../music/theory.js';
import type { StyleSpec } from './styles.js';
import type { PlacedHit, TempoFreedom } from './tempo-map.js';

export const STYLE_NAMES = ['piano', 'ambient', 'cinematic', 'electronic', 'band', 'lofi'] as const;
export type StyleName = (typeof STYLE_NAMES)[number];

/** A stretch of music from one downbeat hit point (or the start) to the next, at one steady tempo. */
export interface Section {
  start: number;
  end: number;
  /** Beats that start in the section (the last one of the piece may be cut short by the end of the video). */
  beats: number;
  tempoBpm: number;
  /** Beats per bar, bar by bar (absent: all of the plan's `beatsPerBar`); an odd bar just before a hit gets its own time signature. */
  bars?: number[];
  /** Mean picture energy over the section, 0–1. */
  energy: number;
  /** Its place in the piece's shape: the arrangement thins the intro and outro and fills the peak. */
  part: SectionPart;
}

export type SectionPart = 'intro' | 'build' | 'peak' | 'outro';

export interface ScorePlan {
  style: StyleName;
  key: MusicalKey;
  /** The piece's reference tempo (from the picture's motion, or the user's); the tempo map stays near it. */
  tempoBpm: number;
  /** How far the tempo map may bend to land hit points (`--tempo-changes`); `none` when the user locked the tempo. */
  tempoChanges: TempoFreedom;
  /** The user set the tempo (`--tempo`): one tempo, whatever the cuts. */
  tempoLocked: boolean;
  /** Every hit point (cuts, fades, dissolves) and where it landed: downbeat, beat, eighth or an accent on its frame. */
  hits: PlacedHit[];
  /** Why the plan chose its tempo, key and style, in words (for the cue sheet and the report). */
  reasons: { tempo: string; key: string; style: string };
  beatsPerBar: number;
  seed: number;
  sections: Section[];
  /** Per-second energy 0–1 (from motion), the dynamics curve the arrangement follows. */
  energyPerSecond: number[];
  /** Per-second mood (the picture's top emotion, or the user's --mood), which colours the chords. */
  moods: Emotion[];
  /** The style as played: its instruments and feel after `--style-from` and `--instruments`. */
  spec: StyleSpec;
  /** Chords the piece opens with, one per bar (may be empty). */
  primer: string[];
  /** The AMT's chord for every second, in the plan's key (absent when the chords come from rules). */
  learnedChords?: string[];
  /** Which model (and weights version) wrote the chords and shaped the dynamics. */
  models: { chords: string; dynamics: string; melody?: string };
  /** A seamless loop (`--loop`): whole bars, the last leading into the first, no final cadence or held ending. */
  loop?: boolean;
  /** The music's length when it is not the timeline's: a loop ends on its last bar line. */
  duration?: number;
}

export interface Beat {
  time: number;
  /** Seconds until the next beat. */
  duration: number;
  /** Bar number from 0; bars restart at each section (a cut always starts a bar). */
  bar: number;
  beatInBar: number;
  section: number;
}

export interface ChordEvent {
  time: number;
  duration: number;
  /** Chord symbol, e.g. "Am", "F", "G". */
  chord: string;
}

export interface TempoChange {
  time: number;
  tempoBpm: number;
}

export interface Note {
  time: number;
  duration: number;
  midi: number;
  velocity0to127: number;
}

/** What a part does in the arrangement (the mix, the stems and the evaluation read it). */
export type TrackRole = 'chords' | 'pad' | 'bass' | 'hits' | 'melody' | 'drums';

export interface Track {
  role: TrackRole;
  name: string;
  /** General MIDI program 0–127 (ignored for drums). */
  program: number;
  isDrums: boolean;
  notes: Note[];
  /** Controller changes (pan, sends, expression, pedal) in time order; absent: a dry, centred part (compose/mix writes them). */
  controls?: ControlChange[];
}

/** A MIDI controller change on a track's channel: the mix and the player's expression, beside the notes. */
export interface ControlChange {
  time: number;
  /** MIDI controller number (10 pan, 11 expression, 64 sustain pedal, 91 reverb send, 93 chorus send). */
  controller: number;
  value0to127: number;
}

export interface Score {
  duration: number;
  tempoMap: TempoChange[];
  beatsPerBar: number;
  /** Time signature changes (absent: `beatsPerBar`/4 throughout). */
  meter?: Array<{ time: number; beatsPerBar: number }>;
  /** Named moments for a DAW or an editor: section starts and hit points. */
  markers?: Array<{ time: number; text: string }>;
  tracks: Track[];
}
