// metrics: the figures of EVALUATION.md §1, §2 and §4 for one rendered track, computed from what
// was rendered (the audio and the MIDI file) against what the picture holds (cuts, motion).

import { EMOTIONS, type Emotion, type EmotionTimeline } from '../analysis/emotion.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { chordPitchClasses, chordQuality, type ChordQuality } from '../music/theory.js';
import type { AudioAnalysis } from './audio.js';
import { estimateKey, keyLabel, pearson, scalePitchClasses, type EstimatedKey } from './key.js';
import { clashesPerMinute } from './clashes.js';
import type { MidiAnalysis, MidiNote } from './midi.js';
import { tempoSteadiness } from './tempo-steadiness.js';

/** A cut is hit when a beat and an audible onset both fall within this distance of it. */
export const CUT_TOLERANCE_SECONDS = 0.05;
/** A music onset hits a visual beat within this distance (the beat hit score of the literature). */
export const BEAT_TOLERANCE_SECONDS = 0.1;
/** The last 250 ms must sit this far under the track's median level to count as a fade-out. */
const FADE_DEPTH_DB = 20;

/** What the picture offers the music, in seconds and per second. */
export interface PictureEvents {
  duration: number;
  cuts: number[];
  /** Cuts and motion peaks: the visual beats. */
  visualBeats: number[];
  motionPerSecond: number[];
  emotion: EmotionTimeline;
}

/** The events of a timeline; `groundTruthCuts` (a montage's known cut times) replace the detected cuts. */
export function pictureEvents(timeline: VideoTimeline, groundTruthCuts?: readonly number[]): PictureEvents {
  const cuts = groundTruthCuts ? [...groundTruthCuts] : timeline.cuts.map((cut) => cut.time);
  const motionBeats = timeline.visualBeats.filter((beat) => beat.kind === 'motion').map((beat) => beat.time);
  return {
    duration: timeline.duration,
    cuts,
    visualBeats: [...cuts, ...motionBeats].sort((a, b) => a - b),
    motionPerSecond: timeline.features.motionMean,
    emotion: timeline.emotion,
  };
}

export interface TrackMetrics {
  /**
   * Share of cuts the music strikes: within ±50 ms the MIDI has a beat or an eighth of its tempo map or a
   * cymbal crash (an accent played on the cut's frame), and the rendered audio has an onset; null without cuts.
   */
  cutHitRate: number | null;
  /** The same, from the MIDI alone and (below) from the audio onsets alone. */
  cutHitRateMidi: number | null;
  /** Share of cuts within ±50 ms of a beat or an eighth of the MIDI's tempo map (the click track alone). */
  cutOnGridRate: number | null;
  cutHitRateAudio: number | null;
  beatHitScore: number | null;
  beatCoverage: number | null;
  motionLoudnessR: number;
  motionDensityR: number;
  /** Over seconds whose top emotion has probability ≥ 0.8: share whose chord quality that emotion allows; null without such seconds or chords. */
  emotionCorrespondence: number | null;
  integratedLufs: number;
  truePeakDbtp: number;
  lengthErrorSeconds: number;
  longestSilenceSeconds: number;
  key: string | null;
  inKeyRatio: number;
  endsOnTonic: boolean;
  fadesOut: boolean;
  audioTempoBpm: number;
  onsets: number;
  /** Minor 2nds and 9ths between different parts held ≥ 0.25 s, per minute of music (EVALUATION.md §6). */
  clashesPerMinute: number;
  /** Tempo steadiness from the MIDI tempo map (EVALUATION.md §7). */
  largestTempoStepPercent: number;
  tempoChangesPerMinute: number;
  shortestSectionBeats: number;
}

export interface MetricsInput {
  picture: PictureEvents;
  audio: AudioAnalysis;
  midi: MidiAnalysis;
  /** True peak from ffmpeg's ebur128 (4× oversampled), which v2m does not measure itself. */
  truePeakDbtp: number;
  /** The chord symbols the composer wrote (the MIDI holds notes, not names). */
  chords?: ReadonlyArray<{ time: number; duration: number; chord: string }>;
}

/** General MIDI crash, splash and china cymbals: the accents that mark a cut off the beat. */
const CRASH_KEYS: ReadonlySet<number> = new Set([49, 52, 55, 57]);

export function trackMetrics({ picture, audio, midi, truePeakDbtp, chords }: MetricsInput): TrackMetrics {
  const onsetTimes = audio.onsets.map((onset) => onset.time);
  const pitched = midi.notes.filter((note) => !note.isDrums);
  const key = estimateKey(pitched);
  const seconds = picture.motionPerSecond.length;
  const onsetsPerSecond = countPerSecond(midi.notes.map((note) => note.time), seconds);
  const silence = audio.longestSilence;
  const steadiness = tempoSteadiness(midi);
  // The click track's beats and eighths, and the cymbal crashes that mark a cut off them: what can strike a cut.
  const grid = [...midi.beats, ...midi.beats.slice(1).map((beat, i) => (beat + midi.beats[i]!) / 2)];
  const strikes = [...grid, ...midi.notes.filter((note) => note.isDrums && CRASH_KEYS.has(note.midi)).map((note) => note.time)];
  const pitchedParts = midi.tracks.filter((track) => track.instrument !== 'drums').map((track) => track.notes.filter((note) => !note.isDrums));
  return {
    cutHitRate: picture.cuts.length === 0 ? null : hitRate(picture.cuts, [strikes, onsetTimes], CUT_TOLERANCE_SECONDS),
    cutHitRateMidi: picture.cuts.length === 0 ? null : hitRate(picture.cuts, [strikes], CUT_TOLERANCE_SECONDS),
    cutOnGridRate: picture.cuts.length === 0 ? null : hitRate(picture.cuts, [grid], CUT_TOLERANCE_SECONDS),
    cutHitRateAudio: picture.cuts.length === 0 ? null : hitRate(picture.cuts, [onsetTimes], CUT_TOLERANCE_SECONDS),
    beatHitScore: onsetTimes.length === 0 ? null : hitRate(onsetTimes, [picture.visualBeats], BEAT_TOLERANCE_SECONDS),
    beatCoverage: picture.visualBeats.length === 0 ? null : onsetTimes.length / picture.visualBeats.length,
    motionLoudnessR: pearson(picture.motionPerSecond, audio.rmsDbPerSecond.slice(0, seconds)),
    motionDensityR: pearson(picture.motionPerSecond, onsetsPerSecond),
    emotionCorrespondence: chords ? emotionCorrespondence(picture.emotion, chords) : null,
    integratedLufs: audio.integratedLufs,
    truePeakDbtp,
    lengthErrorSeconds: Math.abs(audio.duration - picture.duration),
    longestSilenceSeconds: silence ? silence.end - silence.start : 0,
    key: key ? keyLabel(key) : null,
    inKeyRatio: key ? inKeyRatio(pitched, key, chords) : 0,
    endsOnTonic: key ? endsOnTonic(pitched, key) : false,
    fadesOut: fadesOut(audio.rmsDbPerSecond, audio.endingRmsDb),
    audioTempoBpm: audio.tempoBpm,
    onsets: onsetTimes.length,
    clashesPerMinute: clashesPerMinute(pitchedParts, midi.duration),
    largestTempoStepPercent: steadiness.largestStepPercent,
    tempoChangesPerMinute: steadiness.tempoChangesPerMinute,
    shortestSectionBeats: steadiness.shortestSectionBeats,
  };
}

/** Chord qualities each emotion allows (Video2Music; EVALUATION.md §2). */
export const ALLOWED_QUALITIES: Record<Emotion, readonly ChordQuality[] | null> = {
  exciting: ['maj', 'sus4', '7'],
  fearful: ['dim', 'min7', 'dim7', 'hdim7'],
  tense: ['dim', 'sus4', 'min7', '7'],
  sad: ['min7', 'min', 'sus2'],
  relaxing: ['maj', 'maj6', 'maj7'],
  neutral: null,
};
/** Only seconds whose top emotion is at least this likely are judged. */
const CONFIDENT_EMOTION = 0.8;

/** The qualities allowed in a second with these emotion probabilities (EMOTIONS order); null when no emotion is confident or it is neutral. */
export function allowedQualitiesFor(probabilities: readonly number[]): readonly ChordQuality[] | null {
  const top = probabilities.indexOf(Math.max(...probabilities));
  if (top < 0 || probabilities[top]! < CONFIDENT_EMOTION) return null;
  return ALLOWED_QUALITIES[EMOTIONS[top]!];
}

export function emotionCorrespondence(emotion: EmotionTimeline, chords: ReadonlyArray<{ time: number; duration: number; chord: string }>): number | null {
  let judged = 0;
  let allowed = 0;
  emotion.probabilities.forEach((probabilities, second) => {
    const qualities = allowedQualitiesFor(probabilities);
    if (!qualities) return;
    const middle = second + 0.5;
    const chord = chords.find((c) => c.time <= middle && middle < c.time + c.duration);
    if (!chord) return;
    judged += 1;
    if (qualities.includes(chordQuality(chord.chord))) allowed += 1;
  });
  return judged === 0 ? null : allowed / judged;
}

/** Share of `targets` that have, in every one of `eventLists`, an event within ±`tolerance`. */
export function hitRate(targets: readonly number[], eventLists: ReadonlyArray<readonly number[]>, tolerance: number): number {
  if (targets.length === 0) return 0;
  const sortedLists = eventLists.map((events) => [...events].sort((a, b) => a - b));
  const hits = targets.filter((target) => sortedLists.every((events) => nearestDistance(events, target) <= tolerance + 1e-9));
  return hits.length / targets.length;
}

/** Distance from `time` to the nearest of `sorted` (Infinity when empty). */
export function nearestDistance(sorted: readonly number[], time: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < time) low = middle + 1;
    else high = middle;
  }
  const after = sorted[low];
  const before = sorted[low - 1];
  return Math.min(after === undefined ? Infinity : after - time, before === undefined ? Infinity : time - before);
}

export function countPerSecond(times: readonly number[], seconds: number): number[] {
  const counts = new Array<number>(seconds).fill(0);
  for (const time of times) {
    const second = Math.floor(time);
    if (second >= 0 && second < seconds) counts[second] += 1;
  }
  return counts;
}

/** Share of pitched notes (weighted by count) whose pitch class is in the key's scale. */
/**
 * EVALUATION.md's in-key note ratio: the share of notes in the key's scale or in the chord sounding
 * when they start (a borrowed or secondary chord's own tones are not wrong notes).
 */
export function inKeyRatio(notes: readonly MidiNote[], key: EstimatedKey, chords: ReadonlyArray<{ time: number; chord: string }> = []): number {
  if (notes.length === 0) return 0;
  const scale = scalePitchClasses(key);
  const sorted = [...chords].sort((a, b) => a.time - b.time);
  const chordTones = sorted.map((c) => new Set(safePitchClasses(c.chord)));
  const soundingAt = (time: number) => {
    let index = -1;
    for (let low = 0, high = sorted.length - 1; low <= high; ) {
      const middle = (low + high) >> 1;
      if (sorted[middle]!.time <= time + 1e-6) {
        index = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return index < 0 ? undefined : chordTones[index];
  };
  return notes.filter((note) => scale.has(note.midi % 12) || soundingAt(note.time)?.has(note.midi % 12) === true).length / notes.length;
}

function safePitchClasses(symbol: string): number[] {
  try {
    return chordPitchClasses(symbol);
  } catch {
    return [];
  }
}

/**
 * The last chord that sounds: every note still sounding at the last onset. A note that ends exactly
 * where that onset is belongs to the chord before it, not to this one.
 */
export function lastSoundingChord(notes: readonly MidiNote[]): MidiNote[] {
  if (notes.length === 0) return [];
  const lastStart = notes.reduce((latest, note) => Math.max(latest, note.time), 0);
  return notes.filter((note) => note.time <= lastStart + 1e-6 && note.time + note.duration > lastStart + 1e-3);
}

/** Whether the lowest note of the last sounding chord is the tonic. */
export function endsOnTonic(notes: readonly MidiNote[], key: EstimatedKey): boolean {
  const sounding = lastSoundingChord(notes);
  if (sounding.length === 0) return false;
  const bass = sounding.reduce((low, note) => (note.midi < low.midi ? note : low));
  return bass.midi % 12 === key.tonicPitchClass;
}

/** Whether the track ends well under its median level: a fade on the last frame. */
export function fadesOut(rmsDbPerSecond: readonly number[], endingRmsDb: number): boolean {
  if (rmsDbPerSecond.length < 2) return false;
  const sorted = [...rmsDbPerSecond].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return endingRmsDb <= median - FADE_DEPTH_DB;
}
