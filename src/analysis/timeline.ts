// The VideoTimeline record: what v2m saw, one value per second plus the cut times. Every later stage
// reads only this; it round-trips through JSON and is the `analysis` part of the cue sheet.

import type { Cut } from './cuts.js';

export interface TimelineFeatures {
  /** MuVi-Sync's `vevo_motion`: mean absolute RGB difference (0–255) of the two frames at each second boundary. */
  motion: number[];
  /** Mean absolute RGB difference (0–255) of consecutive frames, averaged over each second: steadier than `motion`. */
  motionMean: number[];
  /** Mean luma per second, 0–1. */
  brightness: number[];
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
  features: TimelineFeatures;
}
