// The cue sheet (out.cues.json): what v2m saw and what it decided, in a stable, documented shape
// (see README "Cue sheet") so editors' tools can read it. Bump CUE_SHEET_VERSION on any breaking change.

import type { Cut, RejectedCut } from '../analysis/cuts.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import type { Composition } from '../compose/index.js';
import type { MediaInfo } from '../media/probe.js';
import type { TrackMetrics } from '../measure/metrics.js';
import { keyName } from '../music/theory.js';
import { landingsByFreedom } from '../compose/plan.js';
import { licenceStatement, type LicenceStatement } from './licence.js';
import type { Landing, TempoFreedom } from '../compose/tempo-map.js';
import type { SpeechSpan } from '../analysis/speech.js';
import type { DuckingSettings } from '../media/duck.js';

export const CUE_SHEET_VERSION = 1;

export interface AnalysisSheet {
  version: number;
  input: { path: string; duration: number; width: number; height: number; framesPerSecond: number; hasAudio: boolean };
  analysisFps: number;
  cuts: Cut[];
  /** Cut candidates turned down, and why (a flash, light, an occlusion, a fade, new text on a card). */
  rejectedCuts: RejectedCut[];
  transitions: VideoTimeline['transitions'];
  visualBeats: VideoTimeline['visualBeats'];
  visualTempoBpm: number;
  motionCurve: VideoTimeline['motionCurve'];
  features: VideoTimeline['features'];
  faces: VideoTimeline['faces'];
  emotion: VideoTimeline['emotion'];
}

export interface CueSheet extends AnalysisSheet {
  generator: { name: 'v2m'; version: string; soundFont: string };
  /** Who owns the music and the terms of what it was made with, in plain words. */
  licence: LicenceStatement;
  seed: number;
  style: string;
  key: string;
  /** Reference tempo in BPM (the picture's, or the user's lock); `tempoMap` holds every tempo the music plays at. */
  tempo: number;
  tempoMap: Array<{ time: number; tempo: number }>;
  /** How far the tempo could bend (`--tempo-changes`; `none` when `--tempo` locked it). */
  tempoChanges: TempoFreedom;
  /** Every hit point and how the music met it: on a downbeat, a beat, an eighth, a sixteenth (all within a frame), or an accent on its own frame. */
  hitPoints: Array<{ time: number; kind: string; weight: number; landing: Landing; offset: number }>;
  /** How many hit points land where under each `--tempo-changes` setting (the report compares them). */
  landingsBySetting: Record<TempoFreedom, Record<Landing, number>>;
  /** Time signature changes (beats per quarter-note bar) as written in the MIDI file. */
  meter: Array<{ time: number; beatsPerBar: number }>;
  beatsPerBar: number;
  /** Times of the first beat of every bar. */
  downbeats: number[];
  sections: Array<{ start: number; end: number; beats: number; tempo: number; energy: number; part: string; bars: number[] }>;
  chords: Array<{ time: number; duration: number; chord: string }>;
  instruments: Array<{ name: string; program: number | null; notes: number }>;
  /** Why the plan chose its style, key and tempo. */
  reasons: { style: string; key: string; tempo: string };
  /** Which model and weights version wrote the chords ('amt <version>' or 'rules') and shaped the dynamics. */
  models: { chords: string; dynamics: string; melody?: string };
  outputs: { video: string; audio: string; midi: string; cues: string; report: string };
  /** Present when the scored video's picture is not the input's own stream: an MP4/MOV output for a codec it cannot hold is re-encoded to H.264 (`--copy-video` refuses instead). */
  videoNote?: string;
  audio: { duration: number; integratedLufs: number; truePeakDbtp: number };
  /** EVALUATION.md's metrics, measured on the rendered WAV and MIDI. */
  metrics: TrackMetrics;
  /**
   * Present with `--from/--to`, `--duration` or `--loop`: where the music sits in the video. Every
   * other time in this sheet (cuts, hit points, bars, chords, sections) and in the MIDI, WAV and
   * marker files counts from the music's start, which is `from` seconds into the video.
   */
  placement?: MusicPlacement;
  /**
   * With `--mux mix` and ducking on: where the video's own sound has speech, and how the music in the
   * scored video was lowered there (depth in dB, look-ahead attack and release in seconds). The music
   * file itself is not ducked. Times count from the music's start, like every other time here.
   */
  speech?: SpeechDucking;
}

export interface SpeechDucking extends DuckingSettings {
  spans: SpeechSpan[];
}

export interface MusicPlacement {
  /** The scored span of the video, seconds: the music starts at `from`. */
  from: number;
  to: number;
  /** The music's length (a loop's, one cycle). */
  musicSeconds: number;
  loop: boolean;
  /** What the scored video carries, in words. */
  inVideo: string;
}

export function analysisSheet(info: MediaInfo, timeline: VideoTimeline): AnalysisSheet {
  return {
    version: CUE_SHEET_VERSION,
    input: {
      path: info.path,
      duration: round(info.duration),
      width: info.video.displayWidth,
      height: info.video.displayHeight,
      framesPerSecond: round(info.video.framesPerSecond),
      hasAudio: info.hasAudio,
    },
    analysisFps: timeline.analysisFps,
    // Analyses stored before cuts were judged (a server job regenerated) have no confidence and no rejections.
    cuts: timeline.cuts.map((cut) => ({ time: round(cut.time), strength: round(cut.strength), confidence: round(cut.confidence ?? 1) })),
    rejectedCuts: (timeline.rejectedCuts ?? []).map((rejected) => ({ ...rejected, time: round(rejected.time) })),
    transitions: timeline.transitions,
    visualBeats: timeline.visualBeats.map((beat) => ({ ...beat, time: round(beat.time) })),
    visualTempoBpm: timeline.visualTempoBpm,
    motionCurve: timeline.motionCurve,
    features: timeline.features,
    faces: timeline.faces,
    emotion: timeline.emotion,
  };
}

export interface CueSheetInput {
  info: MediaInfo;
  timeline: VideoTimeline;
  composition: Composition;
  generator: CueSheet['generator'];
  outputs: CueSheet['outputs'];
  audio: CueSheet['audio'];
  metrics: TrackMetrics;
  speech?: SpeechDucking;
}

export function cueSheet(input: CueSheetInput): CueSheet {
  const { plan, chords, beats, score } = input.composition;
  return {
    ...analysisSheet(input.info, input.timeline),
    generator: input.generator,
    licence: licenceStatement(input.generator.soundFont),
    seed: plan.seed,
    style: plan.style,
    key: keyName(plan.key),
    tempo: plan.tempoBpm,
    tempoMap: score.tempoMap.map((change) => ({ time: round(change.time), tempo: round(change.tempoBpm) })),
    tempoChanges: plan.tempoChanges,
    hitPoints: plan.hits.map((hit) => ({ time: round(hit.time), kind: hit.kind, weight: round(hit.weight), landing: hit.landing, offset: round(hit.offset) })),
    landingsBySetting: landingsByFreedom(input.timeline, plan),
    meter: (score.meter ?? []).map((change) => ({ time: round(change.time), beatsPerBar: change.beatsPerBar })),
    beatsPerBar: plan.beatsPerBar,
    downbeats: beats.filter((beat) => beat.beatInBar === 0).map((beat) => round(beat.time)),
    sections: plan.sections.map((s) => ({ start: round(s.start), end: round(s.end), beats: s.beats, tempo: round(s.tempoBpm), energy: round(s.energy), part: s.part, bars: s.bars ?? [] })),
    chords: chords.map((c) => ({ time: round(c.time), duration: round(c.duration), chord: c.chord })),
    instruments: score.tracks.map((t) => ({ name: t.name, program: t.isDrums ? null : t.program, notes: t.notes.length })),
    reasons: plan.reasons,
    models: plan.models,
    outputs: input.outputs,
    audio: input.audio,
    metrics: roundNumbers(input.metrics),
    ...(input.speech ? { speech: { ...input.speech, spans: input.speech.spans.map((span) => ({ start: round(span.start), end: round(span.end) })) } } : {}),
  };
}

function roundNumbers<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, typeof value === 'number' ? round(value) : value])) as T;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
