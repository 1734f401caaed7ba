// Hard scene cuts from the frame-to-frame histogram change, with an adaptive threshold: a frame is a
// cut when its change is large in absolute terms *and* large against its neighbours' (the idea of
// PySceneDetect's AdaptiveDetector), so fast motion inside one shot does not read as a cut.

export interface Cut {
  /** Time of the first frame of the new shot, in seconds. */
  time: number;
  /** How different the two shots look, 0–1 (histogram distance across the cut). */
  strength: number;
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

/** `contentChange[i]` is the change from frame i−1 to frame i, 0–1 (index 0 is ignored). */
export function detectCuts(contentChange: ArrayLike<number>, options: CutDetectorOptions): Cut[] {
  const cuts: Cut[] = [];
  const minimumSceneFrames = Math.max(1, Math.round(options.minimumSceneSeconds * options.framesPerSecond));
  let lastCutFrame = 0;
  for (let frame = 1; frame < contentChange.length; frame++) {
    const change = contentChange[frame] ?? 0;
    const neighbours = neighbourAverage(contentChange, frame, options.neighbourFrames);
    // A large change that stands out, or a smaller one out of a still picture (two similar shots).
    const stands = change >= options.minimumChange && change >= options.neighbourRatio * neighbours;
    const standsOutOfStillness = change >= options.quietMinimumChange && change >= options.quietNeighbourRatio * neighbours;
    if (!stands && !standsOutOfStillness) continue;
    if (frame - lastCutFrame < minimumSceneFrames) continue;
    cuts.push({ time: frame / options.framesPerSecond, strength: Math.min(1, change) });
    lastCutFrame = frame;
  }
  return cuts;
}

function neighbourAverage(values: ArrayLike<number>, centre: number, radius: number): number {
  let sum = 0;
  let count = 0;
  for (let i = centre - radius; i <= centre + radius; i++) {
    if (i === centre || i < 1 || i >= values.length) continue;
    sum += values[i] ?? 0;
    count += 1;
  }
  // With no neighbours (a two-frame video) only the absolute threshold applies.
  return count === 0 ? 0 : sum / count;
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
