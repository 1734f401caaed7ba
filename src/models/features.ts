// features: what the learned models read, one row per second — the same numbers whether they come
// from MuVi-Sync's files (training, evaluation) or from v2m's own analysis of a video (scoring) —
// and the chord tokens and emotion masks the chord model is trained with.

import type { VideoTimeline } from '../analysis/timeline.js';
import { ALLOWED_QUALITIES, allowedQualitiesFor } from '../measure/metrics.js';
import { EMOTIONS } from '../analysis/emotion.js';
import type { MuviVideo } from './muvisync.js';
import { CHORD_CLASSES, classQuality, factorise, QUALITIES, ROOTS } from './vocabulary.js';

/**
 * Per second: 6 emotion probabilities, log motion, log scene offset, "a scene starts here", and
 * where in the video the second lies (log seconds from the start and to the end): music videos open
 * and close differently from their middles, which no chord-only model can know.
 */
export const FEATURES = EMOTIONS.length + 5;

/**
 * v2m's frame differences are taken on 64-pixel frames, which average small motions away: over the
 * shared clips their median is 0.9 where MuVi-Sync's is 4.8 (README, "What v2m sees"). This brings
 * v2m's motion onto MuVi-Sync's scale before the models read it.
 */
export const V2M_MOTION_TO_MUVI = 4.8 / 0.9;

export interface SecondFeatures {
  emotion: ReadonlyArray<readonly number[]>;
  motion: readonly number[];
  sceneOffset: readonly number[];
}

/**
 * Row-major [seconds × FEATURES], one row per second of `seconds` (default: as many as there are
 * emotion rows). A second past the end of the emotion keeps the last one: MuVi-Sync's emotion files
 * are often a second shorter than the chords.
 */
export function featureMatrix(input: SecondFeatures, seconds = input.emotion.length): Float32Array {
  const rows = new Float32Array(seconds * FEATURES);
  for (let t = 0; t < seconds; t++) {
    const row = rows.subarray(t * FEATURES, (t + 1) * FEATURES);
    const emotion = input.emotion[Math.min(t, input.emotion.length - 1)];
    EMOTIONS.forEach((_, e) => (row[e] = emotion?.[e] ?? 0));
    row[EMOTIONS.length] = Math.log1p(Math.max(0, input.motion[t] ?? 0)) / 3;
    const offset = Math.max(0, input.sceneOffset[t] ?? 0);
    row[EMOTIONS.length + 1] = Math.log1p(offset) / 3;
    row[EMOTIONS.length + 2] = offset === 0 ? 1 : 0;
    row[EMOTIONS.length + 3] = Math.log1p(t) / 4;
    row[EMOTIONS.length + 4] = Math.log1p(seconds - 1 - t) / 4;
  }
  return rows;
}

export function muviFeatures(video: MuviVideo): Float32Array {
  return featureMatrix(video, video.chords.length);
}

export function timelineFeatures(timeline: VideoTimeline): Float32Array {
  return featureMatrix({
    emotion: timeline.emotion.probabilities,
    motion: timeline.features.motion.map((value) => value * V2M_MOTION_TO_MUVI),
    sceneOffset: timeline.features.sceneOffset,
  });
}

// --- chord tokens: what the decoder reads for the previous second -------------------------------

/** Root token 0 = N, 1–12 = C…B, 13 = start of sequence. */
export const ROOT_TOKENS = ROOTS.length + 2;
/** Quality token 0 = N, 1–13 = MuVi-Sync's qualities, 14 = start of sequence. */
export const QUALITY_TOKENS = QUALITIES.length + 2;
export const START = -1;

const MINOR_QUALITIES = new Set(['min', 'min7', 'min6', 'hdim7', 'dim', 'dim7']);

/** The decoder's input for a chord class (or START): root token, quality token, minor flag. */
export function chordTokens(chord: number): { root: number; quality: number; minor: number } {
  if (chord === START) return { root: ROOTS.length + 1, quality: QUALITIES.length + 1, minor: 0 };
  const { root, quality } = factorise(chord);
  return { root, quality, minor: quality > 0 && MINOR_QUALITIES.has(QUALITIES[quality - 1]!) ? 1 : 0 };
}

// --- the affective target: which chord classes each emotion allows (EVALUATION.md §2) ------------

/** [EMOTIONS × CHORD_CLASSES]: 1 where the emotion allows the class's quality (all 0 for neutral). */
export const ALLOWED_CLASSES: readonly Float32Array[] = EMOTIONS.map((emotion) => {
  const allowed = ALLOWED_QUALITIES[emotion];
  const row = new Float32Array(CHORD_CLASSES);
  if (allowed) for (let c = 0; c < CHORD_CLASSES; c++) row[c] = (allowed as readonly string[]).includes(classQuality(c)) ? 1 : 0;
  return row;
});

/** Index of the emotion whose allowed set applies to a second, or -1 (not confident, or neutral). */
export function confidentEmotion(probabilities: readonly number[]): number {
  if (!allowedQualitiesFor(probabilities)) return -1;
  return probabilities.indexOf(Math.max(...probabilities));
}
