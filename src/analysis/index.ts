// analysis: turns a stream of small frames into the VideoTimeline — cuts, motion and brightness per
// second. It keeps per-frame scalars only (a few bytes a frame), never the frames themselves.

import { badInput } from '../errors.js';
import { readFrames, type FrameStream, type SideStream } from '../media/frames.js';
import type { MediaInfo } from '../media/probe.js';
import { CutDetector, DEFAULT_CUT_DETECTOR, sceneOffsetPerSecond } from './cuts.js';
import { emotionTimeline, type EmotionInputs } from './emotion.js';
import { detectFades, DissolveDetector } from './transitions.js';
import { frameMotion, luma } from './camera.js';
import { detectFaces, FACE_FRAME_WIDTH, faceSampleRate, startFaceDetector, type FaceDetector, type FaceTimeline } from './faces.js';
import { motionToEnergy } from './energy.js';
import { colourHistogram, colourStats, contentChange, histogramDistance, meanAbsoluteDifference, type ColourStats } from './frame-features.js';
import type { VideoTimeline } from './timeline.js';
import { motionCurve, visualBeats, visualTempoBpm } from './visual-beats.js';

export type { Cut, RejectedCut } from './cuts.js';
export type { TimelineFeatures, VideoTimeline } from './timeline.js';

export interface AnalysisOptions {
  /** Analysis frames are decoded at the video's own rate, but never above this. */
  maxFramesPerSecond: number;
  /** Width of the analysis frames in pixels; tiny is enough for cuts and motion and keeps it fast. */
  frameWidth: number;
  /** Look for faces and expressions (a worker thread, on larger frames at a low rate). */
  faces: boolean;
  /** With faces: also name the objects in view. They only label the report, and each look costs five to ten face looks. */
  objects: boolean;
  /** A detector started beforehand (startFaceDetector), so its models load meanwhile; the analysis closes it. */
  faceDetector?: FaceDetector;
  /** Called with 0–1 as frames arrive. */
  onProgress?: (fraction: number) => void;
}

export const DEFAULT_ANALYSIS: AnalysisOptions = { maxFramesPerSecond: 30, frameWidth: 64, faces: true, objects: false };

/** A decode that stops before this share of the video means the file is truncated or corrupt. */
const MIN_DECODED_SHARE = 0.9;

export async function analyzeVideo(info: MediaInfo, options: AnalysisOptions = DEFAULT_ANALYSIS): Promise<VideoTimeline> {
  const analysisFps = Math.min(options.maxFramesPerSecond, Math.round(info.video.framesPerSecond * 1000) / 1000);
  const seconds = secondsOf(info.duration);
  let faces: FaceTimeline | undefined;
  const faceRate = faceSampleRate(info.duration);
  const detector = options.faces ? (options.faceDetector ?? startFaceDetector({ objects: options.objects })) : options.faceDetector;
  const side: SideStream | undefined = options.faces
    ? {
        options: { framesPerSecond: faceRate, width: FACE_FRAME_WIDTH },
        consume: async (faceFrames) => {
          faces = await detectFaces(faceFrames, seconds, faceRate, detector!);
        },
      }
    : undefined;
  try {
    const frames = readFrames(info, { framesPerSecond: analysisFps, width: options.frameWidth }, side);
    // readFrames finishes only once the side stream is consumed, so `faces` is set by then.
    const timeline = await analyzeFrames(frames, { duration: info.duration, analysisFps, path: info.path, onProgress: options.onProgress });
    return faces ? withFaces(timeline, faces) : timeline;
  } finally {
    await detector?.close();
  }
}

/** The timeline with faces added, and its emotion read again with the faces' expressions. */
export function withFaces(timeline: VideoTimeline, faces: FaceTimeline): VideoTimeline {
  return { ...timeline, faces, emotion: emotionTimeline({ ...emotionInputs(timeline), faces }) };
}

function emotionInputs(timeline: Pick<VideoTimeline, 'features' | 'cuts'>): EmotionInputs {
  const { features } = timeline;
  return {
    energy: features.motionMean.map(motionToEnergy),
    cutTimes: timeline.cuts.map((cut) => cut.time),
    brightness: features.brightness,
    contrast: features.contrast,
    saturation: features.saturation,
    warmth: features.warmth,
  };
}

function secondsOf(duration: number): number {
  return Math.max(1, Math.ceil(duration - 1e-6));
}

interface FrameAnalysisContext {
  duration: number;
  analysisFps: number;
  path: string;
  onProgress?: (fraction: number) => void;
}

export async function analyzeFrames(frames: FrameStream, context: FrameAnalysisContext): Promise<VideoTimeline> {
  const seconds = secondsOf(context.duration);
  const frameDifference: number[] = [];
  const frameBrightness: number[] = [];
  const motion = new Array<number>(seconds).fill(0);
  const motionMean = new PerSecondMean(seconds);
  const colour = Object.fromEntries(COLOUR_FEATURES.map((name) => [name, new PerSecondMean(seconds)])) as Record<keyof ColourStats, PerSecondMean>;

  const cameraMotion = new PerSecondMean(seconds);
  const sceneMotion = new PerSecondMean(seconds);
  // Camera motion compares frames ~0.2 s apart: slow pans move less than a pixel a frame at 64 px.
  const cameraGap = Math.max(1, Math.round(CAMERA_GAP_SECONDS * context.analysisFps));
  const recentLuma: Uint8Array[] = [];
  const dissolves = new DissolveDetector(context.analysisFps);
  const cutDetector = new CutDetector({ ...DEFAULT_CUT_DETECTOR, framesPerSecond: context.analysisFps });
  let previous: { rgb: Uint8Array; histogram: Float32Array } | undefined;
  let lastTime = -1;
  let frameCount = 0;
  for await (const frame of frames) {
    const second = Math.min(seconds - 1, Math.floor(frame.time + 1e-9));
    const histogram = colourHistogram(frame.rgb);
    const frameLuma = luma(frame.rgb);
    const difference = previous ? meanAbsoluteDifference(previous.rgb, frame.rgb) : 0;
    cutDetector.add(frame.rgb, frame.width, frame.height, previous ? contentChange(histogramDistance(previous.histogram, histogram), difference) : 0);
    frameDifference.push(difference);
    if (previous) motionMean.add(second, difference);
    if (recentLuma.length === cameraGap) {
      const camera = frameMotion(recentLuma.shift()!, frameLuma, frame.width, frame.height);
      // Percent of the frame width per second, so it reads the same at any frame rate.
      cameraMotion.add(second, (camera.cameraShift / frame.width / (cameraGap / context.analysisFps)) * 100);
      sceneMotion.add(second, camera.sceneDifference);
    }
    recentLuma.push(frameLuma);
    dissolves.add(frameLuma, histogram);
    // The first frame of each second: its difference to the frame before is MuVi-Sync's motion value.
    if (previous && Math.floor(lastTime + 1e-9) < second) motion[second] = difference;
    const stats = colourStats(frame.rgb);
    for (const name of COLOUR_FEATURES) colour[name].add(second, stats[name]);
    frameBrightness.push(stats.brightness);
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

  const { cuts, rejected: rejectedCuts } = cutDetector.finish();
  const curve = motionCurve(frameDifference, context.analysisFps, context.duration);
  const fades = detectFades(frameBrightness, context.analysisFps);
  const transitions = [...fades, ...dissolves.dissolves(cuts.map((cut) => cut.time), fades)].sort((a, b) => a.time - b.time);
  const perSecond = Object.fromEntries(COLOUR_FEATURES.map((name) => [name, colour[name].values()])) as Record<keyof ColourStats, number[]>;
  const motionMeanValues = motionMean.values();
  const timeline = {
    duration: context.duration,
    analysisFps: context.analysisFps,
    seconds,
    cuts,
    rejectedCuts,
    transitions,
    visualBeats: visualBeats(curve, cuts),
    visualTempoBpm: visualTempoBpm(curve),
    motionCurve: curve,
    features: {
      motion: motion.map(round4),
      motionMean: motionMeanValues,
      cameraMotion: cameraMotion.values(),
      sceneMotion: sceneMotion.values(),
      ...perSecond,
      sceneOffset: sceneOffsetPerSecond(cuts, seconds),
    },
  };
  return { ...timeline, faces: null, emotion: emotionTimeline(emotionInputs(timeline)) };
}

/** Camera motion is measured between frames this far apart. */
const CAMERA_GAP_SECONDS = 0.2;

const COLOUR_FEATURES = ['brightness', 'contrast', 'saturation', 'colourfulness', 'warmth'] as const satisfies ReadonlyArray<keyof ColourStats>;

/** Running means per second; a second without a frame (very low frame rates) takes the previous second's value, never NaN. */
class PerSecondMean {
  private readonly sums: Float64Array;
  private readonly counts: Uint32Array;

  constructor(seconds: number) {
    this.sums = new Float64Array(seconds);
    this.counts = new Uint32Array(seconds);
  }

  add(second: number, value: number): void {
    this.sums[second] += value;
    this.counts[second] += 1;
  }

  values(): number[] {
    const means: number[] = [];
    let last = Number.NaN;
    this.sums.forEach((sum, s) => {
      if (this.counts[s]! > 0) last = sum / this.counts[s]!;
      means.push(last);
    });
    const first = means.find((v) => Number.isFinite(v)) ?? 0;
    return means.map((v) => round4(Number.isFinite(v) ? v : first));
  }
}

function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
