// emotion: what the picture feels like, per second, as MuVi-Sync labels it — probabilities of six
// classes — plus valence (−1 unpleasant … 1 pleasant) and arousal (0 calm … 1 excited).
//
// A transparent mapping, not a learned model: arousal rises with motion and cut rate (and a little
// with contrast); valence with light, saturation and warmth; the expressions of faces on screen
// move both. Each class is a point in the
// valence–arousal plane (Russell's circumplex); a class's probability falls with the distance from
// the second's point to it (a softmax over −distance² / temperature).

import { FACE_EXPRESSIONS, type FaceExpression, type FaceTimeline } from './faces.js';
import { clamp, round3 } from '../numbers.js';

export const EMOTIONS = ['exciting', 'fearful', 'tense', 'sad', 'relaxing', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/** Where each class sits in the valence–arousal plane. */
const PROTOTYPES: Record<Emotion, { valence: number; arousal: number }> = {
  exciting: { valence: 0.6, arousal: 0.85 },
  fearful: { valence: -0.7, arousal: 0.75 },
  tense: { valence: -0.3, arousal: 0.55 },
  sad: { valence: -0.6, arousal: 0.15 },
  relaxing: { valence: 0.5, arousal: 0.15 },
  neutral: { valence: 0, arousal: 0.4 },
};
/** Smaller is more decisive: at 0.05 a second on a prototype gets ≥ 0.8 of the probability. */
const TEMPERATURE = 0.05;
/** Cuts per minute at which the cut rate's share of arousal saturates (fast trailer editing). */
const FAST_CUTS_PER_MINUTE = 30;
/** Seconds on each side over which the cut rate is counted. */
const CUT_RATE_RADIUS_SECONDS = 5;

export interface EmotionInputs {
  /** 0–1 picture energy per second (from motion). */
  energy: number[];
  cutTimes: number[];
  brightness: number[];
  contrast: number[];
  saturation: number[];
  warmth: number[];
  /** Faces' expressions per second (FACE_EXPRESSIONS order), when faces were looked for. */
  faces?: Pick<FaceTimeline, 'count' | 'expressions'>;
}

/** How much a face's expression moves valence and arousal (the picture's light and motion do the rest). */
const FACE_WEIGHT = 0.6;

export interface EmotionTimeline {
  labels: readonly Emotion[];
  /** Per second, one probability per label (summing to 1, give or take rounding to 3 decimals). */
  probabilities: number[][];
  valence: number[];
  arousal: number[];
}

export function emotionTimeline(inputs: EmotionInputs): EmotionTimeline {
  const seconds = inputs.energy.length;
  const valence: number[] = [];
  const arousal: number[] = [];
  const probabilities: number[][] = [];
  for (let s = 0; s < seconds; s++) {
    const cutsNearby = inputs.cutTimes.filter((t) => Math.abs(t - (s + 0.5)) <= CUT_RATE_RADIUS_SECONDS).length;
    const cutsPerMinute = (cutsNearby / Math.min(seconds, 2 * CUT_RATE_RADIUS_SECONDS)) * 60;
    const a = clamp(0.65 * inputs.energy[s]! + 0.25 * Math.min(1, cutsPerMinute / FAST_CUTS_PER_MINUTE) + 0.1 * Math.min(1, inputs.contrast[s]! / 0.25), 0, 1);
    const v = clamp(1.6 * (inputs.brightness[s]! - 0.4) + 1.0 * (inputs.saturation[s]! - 0.3) + 0.8 * inputs.warmth[s]!, -1, 1);
    const [faceValence, faceArousal] = faceAffect(inputs.faces, s);
    const valenceWithFaces = clamp(v + FACE_WEIGHT * faceValence, -1, 1);
    const arousalWithFaces = clamp(a + FACE_WEIGHT * faceArousal * 0.5, 0, 1);
    valence.push(round3(valenceWithFaces));
    arousal.push(round3(arousalWithFaces));
    probabilities.push(classProbabilities(valenceWithFaces, arousalWithFaces));
  }
  return { labels: EMOTIONS, probabilities, valence, arousal };
}

/**
 * Valence and arousal shifts from the faces on screen in one second: happy faces lift valence;
 * sad, angry, fearful and disgusted ones lower it; surprise, fear and anger raise arousal.
 */
function faceAffect(faces: EmotionInputs['faces'], second: number): [number, number] {
  if (!faces || !(faces.count[second]! > 0)) return [0, 0];
  const e = Object.fromEntries(FACE_EXPRESSIONS.map((name, i) => [name, faces.expressions[second]?.[i] ?? 0])) as Record<FaceExpression, number>;
  return [e.happy - (e.sad + e.angry + e.fear + e.disgust) / 2, e.surprise + e.fear + e.angry - e.neutral / 2];
}

/** A fixed mood for every second (`--mood`): the class gets probability 1. */
export function fixedEmotion(mood: Emotion, seconds: number): EmotionTimeline {
  const point = PROTOTYPES[mood];
  return {
    labels: EMOTIONS,
    probabilities: Array.from({ length: seconds }, () => EMOTIONS.map((e) => (e === mood ? 1 : 0))),
    valence: new Array<number>(seconds).fill(point.valence),
    arousal: new Array<number>(seconds).fill(point.arousal),
  };
}

export function classProbabilities(valence: number, arousal: number): number[] {
  const scores = EMOTIONS.map((e) => -((valence - PROTOTYPES[e].valence) ** 2 + (arousal - PROTOTYPES[e].arousal) ** 2) / TEMPERATURE);
  const top = Math.max(...scores);
  const weights = scores.map((score) => Math.exp(score - top));
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => round3(w / total));
}

/** The most probable class of each second. */
export function topEmotion(timeline: EmotionTimeline, second: number): { emotion: Emotion; probability: number } {
  const row = timeline.probabilities[Math.min(second, timeline.probabilities.length - 1)] ?? [];
  let best = 0;
  row.forEach((p, i) => {
    if (p > row[best]!) best = i;
  });
  return { emotion: timeline.labels[best]!, probability: row[best] ?? 0 };
}
