// Hard scene cuts from the frame-to-frame histogram change, with an adaptive threshold: a frame is a
// candidate when its change is large in absolute terms *and* large against its neighbours' (the idea of
// PySceneDetect's AdaptiveDetector), so fast motion inside one shot does not read as a cut. Each
// candidate is then judged from the frames around it (shot-change.ts): flashes, flicker, things
// crossing the lens, fades into black and new text on a card are turned down, the rest get a confidence.

import { frameCells, type FrameCells } from './frame-cells.js';
import { judgeCandidate, type CutRejection } from './shot-change.js';

export type { CutRejection } from './shot-change.js';

export interface Cut {
  /** Time of the first frame of the new shot, in seconds. */
  time: number;
  /** How different the two shots look, 0–1 (histogram and pixel change across the cut): how big a hit it is. */
  strength: number;
  /**
   * How sure v2m is that the shot changed, 0–1, as opposed to a flash, a change of light, something
   * passing in front of the lens or new text on a card (those are turned down and listed in
   * `rejectedCuts`). 1: a new picture over most of the frame, not the old one under other light,
   * and the old one does not come back; 0.5: in two minds (a small part of the frame changed, or a
   * look-alike of the old picture is near, as in a cut between two shots of one place); under 0.5:
   * nearly turned down (the old picture almost came back, or the light almost explains the change).
   * A cut's weight as a hit point is strength × confidence; a composer may ignore cuts under 0.5.
   */
  confidence: number;
}

/** A candidate that was not taken for a cut, and why (for the cue sheet). */
export interface RejectedCut {
  time: number;
  reason: CutRejection;
}

export interface CutDetectorOptions {
  framesPerSecond: number;
  /** Minimum histogram change for a cut (0–1). */
  minimumChange: number;
  /** How many times larger than its neighbours' average change a cut's change must be. */
  neighbourRatio: number;
  /** A smaller change still counts when it is this many times its neighbours' (a cut out of a still shot)… */
  quietNeighbourRatio: number;
  /** …and at least this large. */
  quietMinimumChange: number;
  /** Frames on each side that form the neighbourhood. */
  neighbourFrames: number;
  /** Shots shorter than this are merged into the previous one. */
  minimumSceneSeconds: number;
}

export const DEFAULT_CUT_DETECTOR: Omit<CutDetectorOptions, 'framesPerSecond'> = {
  minimumChange: 0.25,
  neighbourRatio: 3,
  quietNeighbourRatio: 10,
  quietMinimumChange: 0.1,
  neighbourFrames: 2,
  minimumSceneSeconds: 0.5,
};

/** How far before and after a candidate the picture is looked at for a comeback: flashes and a waving hand pass within this. */
const JUDGING_SECONDS = 2;

/**
 * Finds cuts in a stream of frames. It holds the last ~4 s of frames as colour cells (under 2 KB
 * each at 64 px) and judges a candidate once the frames after it have arrived, so memory does not grow
 * with the video.
 */
export class CutDetector {
  private readonly judgingFrames: number;
  private readonly minimumSceneFrames: number;
  /** Content change of the last frames, enough for a candidate's neighbourhood; `recentChanges[i]` is frame `frame − length + 1 + i`. */
  private readonly recentChanges: number[] = [];
  /** The last frames' cells, oldest first. */
  private readonly recentFrames: FrameCells[] = [];
  /** Candidates waiting for the frames after them: frame index and change. */
  private readonly waiting: Array<{ frame: number; change: number }> = [];
  private readonly cuts: Cut[] = [];
  private readonly rejected: RejectedCut[] = [];
  private lastCutFrame = 0;
  private frame = -1;

  constructor(private readonly options: CutDetectorOptions) {
    this.judgingFrames = Math.max(2, Math.round(JUDGING_SECONDS * options.framesPerSecond));
    this.minimumSceneFrames = Math.max(1, Math.round(options.minimumSceneSeconds * options.framesPerSecond));
  }

  /** Feeds the next frame (RGB, width × height) and its content change from the frame before (0–1; ignored for the first). */
  add(rgb: Uint8Array, width: number, height: number, contentChange: number): void {
    this.frame += 1;
    this.recentChanges.push(this.frame === 0 ? 0 : contentChange);
    if (this.recentChanges.length > 2 * this.options.neighbourFrames + 1) this.recentChanges.shift();
    this.recentFrames.push(frameCells(rgb, width, height));
    if (this.recentFrames.length > 2 * this.judgingFrames + 2) this.recentFrames.shift();
    // A frame's neighbourhood is complete once `neighbourFrames` more have come.
    this.considerCandidate(this.frame - this.options.neighbourFrames, this.frame + 1);
    this.judgeWaiting(false);
  }

  /** The cuts and the turned-down candidates, once every frame has been added. */
  finish(): { cuts: Cut[]; rejected: RejectedCut[] } {
    const length = this.frame + 1;
    for (let frame = Math.max(1, length - this.options.neighbourFrames); frame < length; frame++) this.considerCandidate(frame, length);
    this.judgeWaiting(true);
    return { cuts: [...this.cuts], rejected: [...this.rejected] };
  }

  /** Queues `frame` when its change stands out; `length` is how many frames the video has so far. */
  private considerCandidate(frame: number, length: number): void {
    if (frame < 1) return;
    const firstKept = this.frame - this.recentChanges.length + 1;
    const changeAt = (i: number) => this.recentChanges[i - firstKept] ?? 0;
    const neighbours: number[] = [];
    for (let i = frame - this.options.neighbourFrames; i <= frame + this.options.neighbourFrames; i++) {
      if (i !== frame && i >= 1 && i < length) neighbours.push(changeAt(i));
    }
    if (isCutCandidate(changeAt(frame), neighbours, this.options)) this.waiting.push({ frame, change: changeAt(frame) });
  }

  /**
   * Judges the waiting candidates whose frames after have all come, and one more (so a window that
   * ends with the video is known to); at the end, all of them.
   */
  private judgeWaiting(atEnd: boolean): void {
    while (this.waiting.length > 0 && (atEnd || this.waiting[0]!.frame + this.judgingFrames <= this.frame)) {
      const candidate = this.waiting.shift()!;
      // Shots shorter than the minimum are merged into the one before: the second edge of a boundary.
      if (candidate.frame - this.lastCutFrame < this.minimumSceneFrames) continue;
      const firstKept = this.frame - this.recentFrames.length + 1;
      const at = candidate.frame - firstKept;
      const verdict = judgeCandidate({
        // The old shot only: frames before the last cut belong to another.
        before: this.recentFrames.slice(Math.max(0, at - this.judgingFrames, this.lastCutFrame - firstKept), at),
        after: this.recentFrames.slice(at, at + this.judgingFrames),
        reachesEnd: at + this.judgingFrames >= this.recentFrames.length && atEnd,
        framesPerSecond: this.options.framesPerSecond,
      });
      const time = candidate.frame / this.options.framesPerSecond;
      if (verdict.rejection) {
        this.rejected.push({ time, reason: verdict.rejection });
        continue;
      }
      this.cuts.push({ time, strength: Math.min(1, candidate.change), confidence: verdict.confidence });
      this.lastCutFrame = candidate.frame;
    }
  }
}

/**
 * Whether a frame's content change (0–1) marks a candidate cut, given its neighbours' changes: a
 * large change that stands out, or a smaller one out of a still picture (two similar shots).
 */
export function isCutCandidate(change: number, neighbourChanges: readonly number[], options: CutDetectorOptions): boolean {
  // With no neighbours (a two-frame video) only the absolute threshold applies.
  const neighbours = neighbourChanges.length === 0 ? 0 : neighbourChanges.reduce((sum, value) => sum + value, 0) / neighbourChanges.length;
  const stands = change >= options.minimumChange && change >= options.neighbourRatio * neighbours;
  const standsOutOfStillness = change >= options.quietMinimumChange && change >= options.quietNeighbourRatio * neighbours;
  return stands || standsOutOfStillness;
}

/** Seconds since the current shot began, for each whole second (MuVi-Sync's `scene_offset`). */
export function sceneOffsetPerSecond(cuts: readonly Cut[], seconds: number): number[] {
  const offsets: number[] = [];
  let sceneStartSecond = 0;
  let nextCut = 0;
  for (let second = 0; second < seconds; second++) {
    while (nextCut < cuts.length && Math.floor(cuts[nextCut]!.time) <= second) {
      sceneStartSecond = Math.floor(cuts[nextCut]!.time);
      nextCut += 1;
    }
    offsets.push(second - sceneStartSecond);
  }
  return offsets;
}
