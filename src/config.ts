// Every option of `scoreVideo`, with its default, in one place. CLI flags and (later) API fields map
// onto these one to one, with the same names.

import type { StyleName } from './compose/score.js';
import { STYLE_NAMES } from './compose/score.js';
import type { MuxMode } from './media/mux.js';
import { TEMPO_FREEDOMS, type TempoFreedom } from './compose/tempo-map.js';

export { TEMPO_FREEDOMS, type TempoFreedom };

export type StyleChoice = StyleName | 'auto';
export const STYLE_CHOICES: readonly StyleChoice[] = ['auto', ...STYLE_NAMES];
export const MUX_MODES: readonly MuxMode[] = ['replace', 'mix'];
/** Containers the scored video can be written in (the video stream is copied, never re-encoded). */
export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv'] as const;
/** Video codecs an MP4/MOV can carry as they are; anything else (VP8, Theora…) goes into Matroska. */
export const MP4_VIDEO_CODECS = ['h264', 'hevc', 'mpeg4', 'vp9', 'av1', 'mpeg2video', 'mjpeg', 'prores'] as const;

export interface ScoreOptions {
  /** Path of the scored video; the WAV, MIDI and cue sheet go beside it with the same stem. Default: `<input>.v2m.mp4` (`.mkv` for codecs MP4 cannot hold). */
  output?: string;
  /** Seed of every random choice: same input + same seed → the same MIDI, byte for byte. */
  seed: number;
  /** Arrangement style, or `auto` to pick one from the picture's energy. */
  style: StyleChoice;
  /** Key such as "A minor" or "Eb"; chosen from the picture's light when absent. */
  key?: string;
  /** A tempo in BPM to lock the music to (one tempo, no change); chosen from the picture's motion when absent. */
  tempo?: number;
  /** How far the tempo may bend to land the cuts: none (one tempo), few (a few ≤ 8 % changes), free (every cut on a downbeat). */
  tempoChanges: TempoFreedom;
  /** One mood for the whole piece (exciting, fearful, tense, sad, relaxing, neutral) instead of the picture's. */
  mood?: string;
  /** Chords to open with, one per bar, e.g. "C Am F G"; the key follows the first unless `key` is given. */
  primer?: string;
  /** 0–1: how hard the music pushes; 0.5 follows the picture as it is. */
  intensity?: number;
  /** Instruments per role, e.g. "melody=flute,bass=33" (General MIDI programs or names). */
  instruments?: string;
  /** A MIDI file whose tempo, instruments, density and swing the arrangement takes on. */
  styleFrom?: string;
  /** Who writes the chords: the shipped AMT (from the picture's emotion, motion and scenes) or v2m's progression rules. */
  chords: ChordSource;
  /** Who shapes the per-second dynamics: the shipped biGRU together with motion, or motion alone. */
  dynamics: DynamicsSource;
  /** AMT sampling temperature: lower is safer, higher more adventurous; 0 always takes the likeliest chord. */
  temperature: number;
  /** AMT: sample among the k likeliest chords each second (0: all of them). */
  topK: number;
  /** Look for faces and expressions (they feed the emotion); off makes analysis faster. */
  faces: boolean;
  /** With faces: also name the objects in view (they label the report only; slower). */
  objects: boolean;
  /** `replace` drops the video's own sound; `mix` keeps it under the music at `originalGainDb`. */
  mux: MuxMode;
  originalGainDb: number;
  /** A General MIDI SoundFont (.sf2/.sf3) to play the music with instead of the shipped one. */
  soundFont?: string;
  /** Score a damaged input (decode errors, a missing tail) with a warning instead of refusing it. */
  allowDamaged?: boolean;
}

export const CHORD_SOURCES = ['amt', 'rules'] as const;
export type ChordSource = (typeof CHORD_SOURCES)[number];
export const DYNAMICS_SOURCES = ['bigru', 'motion'] as const;
export type DynamicsSource = (typeof DYNAMICS_SOURCES)[number];

export const DEFAULT_OPTIONS: ScoreOptions = {
  seed: 1,
  style: 'auto',
  chords: 'amt',
  dynamics: 'bigru',
  tempoChanges: 'few',
  temperature: 0.9,
  topK: 8,
  faces: true,
  objects: false,
  mux: 'replace',
  originalGainDb: -12,
};

/** Tempo bounds accepted from the user; outside them the music stops sounding like music. */
export const TEMPO_LIMITS_BPM = { min: 40, max: 240 } as const;
