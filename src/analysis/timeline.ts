// The VideoTimeline record: what v2m saw, one value per second plus the cut times. Every later stage
// reads only this; it round-trips through JSON and is the `analysis` part of the cue sheet.

import type { Cut, RejectedCut } from './cuts.js';
import type { EmotionTimeline } from './emotion.js';
import type { FaceTimeline } from './faces.js';
import type { Transition } from './transitions.js';
import type { MotionCurve, VisualBeat } from './visual-beats.js';

export interface TimelineFeatures {
  /** MuVi-Sync's `vevo_motion`: mean absolute RGB difference (0–255) of the two frames at each second boundary. */
  motion: number[];
  /** Mean absolute RGB difference (0–255) of consecutive frames, averaged over each second: steadier than `motion`. */
  motionMean: number[];
  /** Camera pan/tilt per second: the global shift between frames, in percent of the frame width per second. */
  cameraMotion: number[];
  /** Motion in the scene per second: mean luma difference (0–255) between frames 0.2 s apart left once the camera's shift is undone. */
  sceneMotion: number[];
  /** Mean luma per second, 0–1. */
  brightness: number[];
  /** Luma standard deviation (RMS contrast) per second, 0–1. */
  contrast: number[];
  /** Mean HSV saturation per second, 0–1. */
  saturation: number[];
  /** Hasler & Süsstrunk colourfulness per second, ÷255. */
  colourfulness: number[];
  /** Mean (R − B)/255 per second: > 0 warm, < 0 cool. */
  warmth: number[];
  /** Seconds since the current shot began (MuVi-Sync's `vevo_scene_offset`). */
  sceneOffset: number[];
}

export interface VideoTimeline {
  /** Video length in seconds. */
  duration: number;
  /** Frame rate the analysis decoded at. */
  analysisFps: number;
  /** Number of per-second values in each feature array: ceil(duration). */
  seconds: number;
  cuts: Cut[];
  /** Cut candidates turned down (a flash, a change of light, something crossing the lens, a fade's black, new text on a card), with why. */
  rejectedCuts: RejectedCut[];
  /** Gradual boundaries (fades through black, dissolves), each with a start, an end and the boundary time. */
  transitions: Transition[];
  /** Cuts and motion peaks, in time order. */
  visualBeats: VisualBeat[];
  /** Tempo of the picture's motion (autocorrelation of its rises), BPM; 0 when it has none. */
  visualTempoBpm: number;
  /** Motion energy at 10 Hz, finer than the per-second features. */
  motionCurve: MotionCurve;
  features: TimelineFeatures;
  /** Faces, expressions and objects per second; null when face detection was off (`--no-faces`). */
  faces: FaceTimeline | null;
  /** Six-class emotion probabilities, valence and arousal per second (see analysis/emotion.ts). */
  emotion: EmotionTimeline;
}
