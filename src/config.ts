// Every option of `scoreVideo`, with its default, in one place. CLI flags and (later) API fields map
// onto these one to one, with the same names.

import { EMOTIONS } from './analysis/emotion.js';
import type { StyleName } from './compose/score.js';
import { STYLE_NAMES } from './compose/score.js';
import type { MuxMode } from './media/mux.js';
import { AUDIO_FORMATS, type AudioFormat } from './render/master.js';
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
  /** With `mux: 'mix'`: lower the music under speech found in the video's own sound (sidechain-style ducking). */
  duck: boolean;
  /** How far the music goes down under speech, dB (12 means −12 dB). */
  duckDb: number;
  /** The music file's format: wav (16-bit, default), wav24, flac (24-bit) or mp3 (320 kb/s); its extension follows. */
  audioFormat: AudioFormat;
  /** Also write one WAV per role (`<stem>.stems/<role>.wav`) that add up to the music file. */
  stems?: boolean;
  /** A General MIDI SoundFont (.sf2/.sf3) to play the music with instead of the shipped one. */
  soundFont?: string;
  /** Score a damaged input (decode errors, a missing tail) with a warning instead of refusing it. */
  allowDamaged?: boolean;
  /** Never re-encode the picture: an MP4/MOV output for a stream those cannot hold is refused (without it, the picture is re-encoded to H.264). */
  copyVideo?: boolean;
  /** Score only the video from this time, seconds (the music and its files start there: README, "Length, loops and spans"). */
  from?: number;
  /** Score only the video up to this time, seconds. */
  to?: number;
  /** The music's length in seconds, shorter or longer than the video (or the span); it still ends on its final cadence. */
  duration?: number;
  /** A seamless loop: whole bars, the last leading into the first, no ending; rendered so that it repeats without a click. */
  loop?: boolean;
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
  duck: true,
  duckDb: 12,
  audioFormat: 'wav',
  // Switches off unless asked, with a default of their own so that the page's unticked box reads as "not changed".
  stems: false,
  loop: false,
};

/** The shortest music v2m writes (`--duration`, a `--from/--to` span), and the longest `--duration`, seconds. */
export const MUSIC_LENGTH_LIMITS_SECONDS = { min: 2, max: 3600 } as const;
/** The latest `--from`/`--to` the option table accepts (24 h); the video's own length is checked once it is probed. */
const LATEST_TIME_SECONDS = 86_400;

/** Tempo bounds accepted from the user; outside them the music stops sounding like music. */
export const TEMPO_LIMITS_BPM = { min: 40, max: 240 } as const;

/**
 * Every user option of `scoreVideo` — the one contract. The server's JSON schema (and so OpenAPI),
 * the page's controls (from GET /options) and the CLI's help read their ranges and choices from
 * here; `checkOptions` (options.ts) is the one checker, and it checks these ranges.
 */
export interface OptionSpec {
  /** The field of ScoreOptions, and of the API. */
  name: keyof ScoreOptions;
  /** The CLI flag that sets it. */
  flag: `--${string}`;
  /** What the page calls it, with its unit. */
  label: string;
  kind: 'integer' | 'number' | 'text' | 'choice' | 'switch';
  minimum?: number;
  maximum?: number;
  /** Words for the ends of a range, e.g. 0 "hold back", 1 "push". */
  minimumMeans?: string;
  maximumMeans?: string;
  unit?: string;
  choices?: readonly string[];
  maxLength?: number;
  help: string;
  /** The server takes it (everything musical); options that name a file stay on the CLI. */
  api: boolean;
  /** Folded away on the page (the everyday choices stay in view). */
  advanced: boolean;
}

/** Seeds are 31-bit everywhere: the CLI, the API and the page accept the same ones. */
export const SEED_LIMITS = { min: 0, max: 2 ** 31 - 1 } as const;
/** The chord vocabulary of the shipped AMT: top-k beyond it means "all". */
const CHORD_VOCABULARY_SIZE = 157;

export const OPTION_TABLE: readonly OptionSpec[] = [
  { name: 'style', flag: '--style', label: 'Style', kind: 'choice', choices: STYLE_CHOICES, help: "arrangement style; auto picks one from the picture's energy", api: true, advanced: false },
  { name: 'mood', flag: '--mood', label: 'Mood', kind: 'choice', choices: EMOTIONS, help: "one mood for the whole piece instead of the picture's", api: true, advanced: false },
  { name: 'seed', flag: '--seed', label: 'Seed', kind: 'integer', minimum: SEED_LIMITS.min, maximum: SEED_LIMITS.max, help: 'same video + same seed → the same music', api: true, advanced: false },
  { name: 'intensity', flag: '--intensity', label: 'Intensity (0–1)', kind: 'number', minimum: 0, maximum: 1, minimumMeans: 'hold back', maximumMeans: 'push', help: 'how hard the music pushes; 0.5 follows the picture as it is', api: true, advanced: false },
  { name: 'key', flag: '--key', label: 'Key', kind: 'text', maxLength: 16, help: "e.g. 'A minor' or 'Eb' (default: from the picture's light)", api: true, advanced: false },
  { name: 'tempo', flag: '--tempo', label: 'Tempo (BPM)', kind: 'number', minimum: TEMPO_LIMITS_BPM.min, maximum: TEMPO_LIMITS_BPM.max, unit: 'BPM', help: "lock the music to this tempo: one tempo, no change (default: from the picture's motion)", api: true, advanced: false },
  { name: 'tempoChanges', flag: '--tempo-changes', label: 'Tempo changes', kind: 'choice', choices: TEMPO_FREEDOMS, help: 'how far the tempo may bend to land the cuts: none (one tempo), few (a few changes of at most 8 %), free (every cut on a downbeat)', api: true, advanced: false },
  { name: 'faces', flag: '--no-faces', label: 'Read faces', kind: 'switch', help: 'look for faces and expressions (they feed the emotion); off makes analysis faster', api: true, advanced: false },
  { name: 'instruments', flag: '--instruments', label: 'Instruments', kind: 'text', maxLength: 200, help: "instruments per role (chords, pad, bass, melody), e.g. 'melody=flute,bass=33': General MIDI names or programs 0–127", api: true, advanced: true },
  { name: 'primer', flag: '--primer', label: 'Opening chords', kind: 'text', maxLength: 200, help: "chords to open with, one per bar, e.g. 'C Am F G' (the key follows the first unless a key is given)", api: true, advanced: true },
  { name: 'mux', flag: '--mux', label: 'Original sound', kind: 'choice', choices: MUX_MODES, help: "replace the video's sound, or mix the music over it", api: true, advanced: true },
  { name: 'audioFormat', flag: '--audio-format', label: 'Music file format', kind: 'choice', choices: AUDIO_FORMATS, help: 'the music file: wav (16-bit), wav24, flac (24-bit) or mp3 (320 kb/s); its extension follows', api: false, advanced: true },
  { name: 'copyVideo', flag: '--copy-video', label: 'Copy the picture only', kind: 'switch', help: 'never re-encode the picture: an .mp4/.mov output for a stream those cannot hold (VP8, Theora, Cinepak…) is refused instead of re-encoded to H.264', api: false, advanced: true },
  { name: 'stems', flag: '--stems', label: 'Stems', kind: 'switch', help: 'also write one WAV per role (chords, pad, bass, melody, hits, drums) in <output>.stems/, adding up to the music file', api: true, advanced: true },
  { name: 'originalGainDb', flag: '--original-gain', label: 'Original sound level (dB)', kind: 'number', minimum: -60, maximum: 12, unit: 'dB', help: 'level of the original sound under the music with mux mix', api: true, advanced: true },
  { name: 'duck', flag: '--no-duck', label: 'Duck under speech', kind: 'switch', help: "with mux mix: lower the music where the video's own sound has speech (on by default)", api: true, advanced: true },
  { name: 'duckDb', flag: '--duck-db', label: 'Ducking depth (dB)', kind: 'number', minimum: 0, maximum: 40, unit: 'dB', help: 'with mux mix: how far the music goes down under speech', api: true, advanced: true },
  { name: 'duration', flag: '--duration', label: 'Music length (s)', kind: 'number', minimum: MUSIC_LENGTH_LIMITS_SECONDS.min, maximum: MUSIC_LENGTH_LIMITS_SECONDS.max, unit: 's', help: "the music's length, shorter or longer than the video (or the span); it still ends on the tonic (default: the video's length)", api: true, advanced: true },
  { name: 'loop', flag: '--loop', label: 'Seamless loop', kind: 'switch', help: 'a loop of whole bars whose last bar leads back into its first, with no ending, that repeats without a click; the video plays it over and over', api: true, advanced: true },
  { name: 'from', flag: '--from', label: 'Score from (s)', kind: 'number', minimum: 0, maximum: LATEST_TIME_SECONDS, unit: 's', help: 'score only the video from this time: the music starts here (the scored video keeps its whole length)', api: true, advanced: true },
  { name: 'to', flag: '--to', label: 'Score to (s)', kind: 'number', minimum: 0, maximum: LATEST_TIME_SECONDS, unit: 's', help: 'score only the video up to this time', api: true, advanced: true },
  { name: 'chords', flag: '--chords', label: 'Chords by', kind: 'choice', choices: CHORD_SOURCES, help: 'who writes the chords: amt (the shipped Affective Multimodal Transformer) or rules (progressions)', api: true, advanced: true },
  { name: 'temperature', flag: '--temperature', label: 'Chord temperature', kind: 'number', minimum: 0, maximum: 5, minimumMeans: 'always the likeliest chord', help: 'amt: sampling temperature, lower is safer', api: true, advanced: true },
  { name: 'topK', flag: '--top-k', label: 'Chord top-k', kind: 'integer', minimum: 0, maximum: CHORD_VOCABULARY_SIZE, minimumMeans: 'all chords', help: 'amt: sample among the k likeliest chords each second', api: true, advanced: true },
  { name: 'dynamics', flag: '--dynamics', label: 'Dynamics by', kind: 'choice', choices: DYNAMICS_SOURCES, help: 'who shapes loudness and density: bigru (the shipped model with motion) or motion alone', api: true, advanced: true },
  { name: 'objects', flag: '--objects', label: 'Name objects', kind: 'switch', help: 'with faces: also name the objects in view (labels in the report; slower)', api: true, advanced: true },
];

/** "between 0 (hold back) and 1 (push)", "a whole number from 0 to 157": what a ranged option accepts. */
export function describeRange(spec: OptionSpec): string {
  const end = (value: number | undefined, means: string | undefined) => `${value}${means ? ` (${means})` : ''}`;
  const unit = spec.unit ? ` ${spec.unit}` : '';
  if (spec.kind === 'integer') return `a whole number from ${end(spec.minimum, spec.minimumMeans)} to ${end(spec.maximum, spec.maximumMeans)}${unit}`;
  return `between ${end(spec.minimum, spec.minimumMeans)} and ${end(spec.maximum, spec.maximumMeans)}${unit}`;
}

/** The CLI's help for an option: its help text and what it accepts, from the table. */
export function optionHelp(name: keyof ScoreOptions): string {
  const spec = OPTION_TABLE.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`No option '${name}' in OPTION_TABLE.`);
  if (spec.kind === 'integer' || spec.kind === 'number') return `${spec.help}; ${describeRange(spec)}`;
  if (spec.kind === 'choice') return `${spec.help}: ${spec.choices!.join(' | ')}`;
  return spec.help;
}
