// analysis: turns a stream of small frames into the VideoTimeline — cuts, motion and brightness per
// second. It keeps per-frame scalars only (a few bytes a frame), never the frames themselves.

import { badInput } from '../errors.js';
import { readFrames, type FrameStream } from '../media/frames.js';
import type { MediaInfo } from '../media/probe.js';
import { DEFAULT_CUT_DETECTOR, detectCuts, sceneOffsetPerSecond } from './cuts.js';
import { colourHistogram, histogramDistance, meanAbsoluteDifference, meanBrightness } from './frame-features.js';
import type { VideoTimeline } from './timeline.js';

export type { Cut } from './cuts.js';
export type { TimelineFeatures, VideoTimeline } from './timeline.js';

export interface AnalysisOptions {
  /** Analysis frames are decoded at the video's own rate, but never above this. */
  maxFramesPerSecond: number;
  /** Width of the analysis frames in pixels; tiny is enough for cuts and motion and keeps it fast. */
  frameWidth: number;
  /** Called with 0–1 as frames arrive. */
  onProgress?: (fraction: number) => void;
}

export const DEFAULT_ANALYSIS: AnalysisOptions = { maxFramesPerSecond: 30, frameWidth: 64 };

/** A decode that stops before this share of the video means the file is truncated or corrupt. */
const MIN_DECODED_SHARE = 0.9;

export async function analyzeVideo(info: MediaInfo, options: AnalysisOptions = DEFAULT_ANALYSIS): Promise<VideoTimeline> {
  const analysisFps = Math.min(options.maxFramesPerSecond, Math.round(info.video.framesPerSecond * 1000) / 1000);
  const frames = readFrames(info, { framesPerSecond: analysisFps, width: options.frameWidth });
  return analyzeFrames(frames, { duration: info.duration, analysisFps, path: info.path, onProgress: options.onProgress });
}

interface FrameAnalysisContext {
  duration: number;
  analysisFps: number;
  path: string;
  onProgress?: (fraction: number) => void;
}

export async function analyzeFrames(frames: FrameStream, context: FrameAnalysisContext): Promise<VideoTimeline> {
  const seconds = Math.max(1, Math.ceil(context.duration - 1e-6));
  const histogramChange: number[] = [];
  const motion = new Array<number>(seconds).fill(0);
  const motionSum = new Array<number>(seconds).fill(0);
  const motionCount = new Array<number>(seconds).fill(0);
  const brightnessSum = new Array<number>(seconds).fill(0);
  const brightnessCount = new Array<number>(seconds).fill(0);

  let previous: { rgb: Uint8Array; histogram: Float32Array } | undefined;
  let lastTime = -1;
  let frameCount = 0;
  for await (const frame of frames) {
    const second = Math.min(seconds - 1, Math.floor(frame.time + 1e-9));
    const histogram = colourHistogram(frame.rgb);
    const difference = previous ? meanAbsoluteDifference(previous.rgb, frame.rgb) : 0;
    histogramChange.push(previous ? histogramDistance(previous.histogram, histogram) : 0);
    if (previous) {
      motionSum[second] += difference;
      motionCount[second] += 1;
    }
    // The first frame of each second: its difference to the frame before is MuVi-Sync's motion value.
    if (previous && Math.floor(lastTime + 1e-9) < second) motion[second] = difference;
    brightnessSum[second] += meanBrightness(frame.rgb);
    brightnessCount[second] += 1;
    previous = { rgb: frame.rgb, histogram };
    lastTime = frame.time;
    frameCount += 1;
    context.onProgress?.(Math.min(1, frame.time / context.duration));
  }

  if (frameCount === 0) throw badInput(`No frame of '${context.path}' could be decoded. The file may be corrupt or truncated.`);
  if (lastTime + 1 / context.analysisFps < MIN_DECODED_SHARE * context.duration) {
    throw badInput(
      `'${context.path}' stops after ${lastTime.toFixed(1)} s although it says it lasts ${context.duration.toFixed(1)} s: ` +
        'it is probably truncated. Re-export or re-download the video and try again.',
    );
  }

  const cuts = detectCuts(histogramChange, { ...DEFAULT_CUT_DETECTOR, framesPerSecond: context.analysisFps });
  return {
    duration: context.duration,
    analysisFps: context.analysisFps,
    seconds,
    cuts,
    features: {
      motion: motion.map(round4),
      motionMean: fillGaps(motionSum.map((sum, s) => (motionCount[s] ? sum / motionCount[s]! : Number.NaN))).map(round4),
      brightness: fillGaps(brightnessSum.map((sum, s) => (brightnessCount[s] ? sum / brightnessCount[s]! : Number.NaN))).map(round4),
      sceneOffset: sceneOffsetPerSecond(cuts, seconds),
    },
  };
}

/** Seconds without a frame (a very low frame rate) take the previous second's value, never NaN. */
function fillGaps(values: number[]): number[] {
  let last = values.find((v) => Number.isFinite(v)) ?? 0;
  return values.map((value) => {
    if (Number.isFinite(value)) last = value;
    return last;
  });
}

function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
