// transitions: gradual shot boundaries. A hard cut is one frame; a fade through black or a dissolve
// takes a while, so each is reported as a soft boundary with a start, an end and the moment between
// the shots. Fades are found from per-frame brightness; dissolves from the small luma frames, kept
// for a couple of seconds only (DissolveDetector), so memory does not grow with the video.

import { round3 } from '../numbers.js';
import { histogramDistance } from './frame-features.js';

export interface Transition {
  kind: 'fade-out' | 'fade-in' | 'fade' | 'dissolve';
  /** When the picture starts to darken (fade-out, fade), first shows black (fade-in) or starts to blend (dissolve), seconds. */
  start: number;
  /** When the picture is back (fade-in, fade), last shows black (fade-out) or the blend ends (dissolve), seconds. */
  end: number;
  /** The boundary between the shots: the middle of the black, or of the blend. */
  time: number;
}

/** Mean luma (0–1) under which a frame counts as black. */
export const BLACK_LUMA = 0.04;
/** A darkening or brightening must last this many frames to be a fade rather than a cut to black. */
const MIN_FADE_FRAMES = 3;
/** How far back and forward a fade is followed. */
const MAX_FADE_SECONDS = 3;

export function detectFades(brightness: ArrayLike<number>, framesPerSecond: number): Transition[] {
  const transitions: Transition[] = [];
  const maxFrames = Math.round(MAX_FADE_SECONDS * framesPerSecond);
  const at = (frame: number) => frame / framesPerSecond;
  for (let frame = 0; frame < brightness.length; frame++) {
    if (brightness[frame]! >= BLACK_LUMA) continue;
    const blackStart = frame;
    while (frame + 1 < brightness.length && brightness[frame + 1]! < BLACK_LUMA) frame += 1;
    const blackEnd = frame;
    let outStart = blackStart;
    while (outStart > 0 && blackStart - outStart < maxFrames && brightness[outStart - 1]! > brightness[outStart]!) outStart -= 1;
    let inEnd = blackEnd;
    while (inEnd + 1 < brightness.length && inEnd - blackEnd < maxFrames && brightness[inEnd + 1]! > brightness[inEnd]!) inEnd += 1;
    // A fade gets there gradually: its last step into black (or first out of it) is no bigger than the rest of it.
    // A black frame dropped into a shot (a flash of black) jumps there in one step.
    const fadesOut = blackStart - outStart >= MIN_FADE_FRAMES && isGradual(brightness[outStart]!, brightness[blackStart - 1]!, brightness[blackStart]!);
    const fadesIn = inEnd - blackEnd >= MIN_FADE_FRAMES && isGradual(brightness[inEnd]!, brightness[blackEnd + 1]!, brightness[blackEnd]!);
    // Black at the very start or end of the video is an opening or a closing, not a boundary.
    const opening = blackStart === 0;
    const closing = blackEnd === brightness.length - 1;
    if (opening || closing || (!fadesOut && !fadesIn)) continue;
    const kind = fadesOut && fadesIn ? 'fade' : fadesOut ? 'fade-out' : 'fade-in';
    transitions.push({
      kind,
      start: round3(at(fadesOut ? outStart : blackStart)),
      end: round3(at(fadesIn ? inEnd : blackEnd)),
      time: round3(at((blackStart + blackEnd + 1) / 2)),
    });
  }
  return transitions;
}

/** From `far` through `near` to `black`: the step from `near` to black is at most the change from `far` to `near`. */
function isGradual(far: number, near: number, black: number): boolean {
  return near - black <= far - near;
}

/** Dissolve lengths tried, seconds: editors' cross-dissolves run from a third of a second to about two. */
const DISSOLVE_SECONDS = [0.4, 0.6, 0.8, 1.0, 1.4, 2.0];
/** Dissolves are looked for every this many seconds (a tenth keeps the cost to a few per cent of a frame's work). */
const DISSOLVE_STEP_SECONDS = 0.1;
/** The two ends must differ by this much (mean absolute luma, 0–255, brightness removed): different shots. */
const MIN_DISSOLVE_CHANGE = 18;
/** …and their colour histograms this much (0–1): a camera moving over one scene keeps its colours. */
const MIN_DISSOLVE_HISTOGRAM_CHANGE = 0.2;
/** Frames inside must sit this close to the straight blend of the ends, as a share of the ends' difference. */
const MAX_BLEND_RESIDUAL = 0.3;

interface DissolveCandidate {
  start: number;
  end: number;
  /** Blend residual ÷ change of the ends: lower is a cleaner dissolve. */
  fit: number;
}

/**
 * Finds cross-dissolves: windows whose inside frames are, at every quarter, the linear blend of the
 * window's two ends (A·(1−α) + B·α), while the ends show different pictures. A pan or a person
 * walking fails the blend test (the middle frame is sharp, not a double exposure); a change of light
 * fails the first test, because each frame's mean brightness is removed before comparing; a slow
 * camera move over smooth content (sky), which can pass the blend test at 64 px, keeps its colours.
 */
export class DissolveDetector {
  private readonly recent: Array<{ luma: Uint8Array; histogram: Float32Array }> = [];
  private readonly lengths: number[];
  private readonly longest: number;
  private readonly step: number;
  /** The best window of the current run of overlapping candidates, and where that run ends. */
  private cluster: { best: DissolveCandidate; end: number } | undefined;
  /** One window per finished run: as many as the video has gradual changes, not frames. */
  private readonly found: DissolveCandidate[] = [];
  private frame = -1;

  constructor(private readonly framesPerSecond: number) {
    this.lengths = [...new Set(DISSOLVE_SECONDS.map((s) => Math.max(4, Math.round(s * framesPerSecond))))];
    this.longest = Math.max(...this.lengths);
    this.step = Math.max(1, Math.round(DISSOLVE_STEP_SECONDS * framesPerSecond));
  }

  /** Feeds the next frame's luma (any size, the same for every frame) and colour histogram. */
  add(luma: Uint8Array, histogram: Float32Array): void {
    this.frame += 1;
    this.recent.push({ luma, histogram });
    if (this.recent.length > this.longest + 1) this.recent.shift();
    if (this.frame % this.step !== 0) return;
    for (const length of this.lengths) {
      if (length >= this.recent.length) continue;
      const at = (offset: number) => this.recent[this.recent.length - 1 - length + offset]!;
      if (histogramDistance(at(0).histogram, at(length).histogram) < MIN_DISSOLVE_HISTOGRAM_CHANGE) continue;
      // A blend towards black is a fade (detectFades), or the closing of the video: no dissolve.
      if (isFadedVersion(at(0).luma, at(length).luma) || isFadedVersion(at(length).luma, at(0).luma)) continue;
      const fit = blendFit(at(0).luma, at(length).luma, [0.25, 0.5, 0.75].map((share) => ({ share, frame: at(Math.round(share * length)).luma })));
      if (fit !== undefined) this.consider({ start: this.frame - length, end: this.frame, fit });
    }
  }

  /** Overlapping candidates are one dissolve seen through several windows: keep the best fit. */
  private consider(candidate: DissolveCandidate): void {
    if (this.cluster && candidate.start <= this.cluster.end) {
      if (candidate.fit < this.cluster.best.fit) this.cluster.best = candidate;
      this.cluster.end = Math.max(this.cluster.end, candidate.end);
      return;
    }
    if (this.cluster) this.found.push(this.cluster.best);
    this.cluster = { best: candidate, end: candidate.end };
  }

  /** The dissolves found, none that crosses a hard cut or a fade (a fade through black blends too). */
  dissolves(cutTimes: readonly number[], fades: readonly Transition[]): Transition[] {
    const at = (frame: number) => frame / this.framesPerSecond;
    const all = this.cluster ? [...this.found, this.cluster.best] : this.found;
    return all
      .filter((c) => !cutTimes.some((t) => t > at(c.start) && t <= at(c.end)) && !fades.some((f) => at(c.start) <= f.end && at(c.end) >= f.start))
      .map((c) => ({ kind: 'dissolve' as const, start: round3(at(c.start)), end: round3(at(c.end)), time: round3(at((c.start + c.end) / 2)) }));
  }
}

/** How far the inside frames are from the blend of `a` and `b`, relative to their difference; undefined when it is no dissolve. */
function blendFit(a: Uint8Array, b: Uint8Array, inside: ReadonlyArray<{ share: number; frame: Uint8Array }>): number | undefined {
  const meanA = mean(a);
  const meanB = mean(b);
  let change = 0;
  for (let i = 0; i < a.length; i++) change += Math.abs(a[i]! - meanA - (b[i]! - meanB));
  change /= a.length;
  if (change < MIN_DISSOLVE_CHANGE) return undefined;
  let worst = 0;
  for (const { share, frame } of inside) {
    let residual = 0;
    let fromA = 0;
    let fromB = 0;
    for (let i = 0; i < a.length; i++) {
      residual += Math.abs(frame[i]! - (a[i]! * (1 - share) + b[i]! * share));
      fromA += Math.abs(frame[i]! - a[i]!);
      fromB += Math.abs(frame[i]! - b[i]!);
    }
    residual /= a.length;
    // A cut inside the window leaves the inside frames equal to one end: not a blend of both.
    if (Math.min(fromA, fromB) / a.length < 0.5 * Math.min(share, 1 - share) * change) return undefined;
    worst = Math.max(worst, residual / change);
  }
  return worst <= MAX_BLEND_RESIDUAL ? worst : undefined;
}

/** Mean luma and contrast both at most this share of the other end's: the picture is fading to black, not dissolving. */
const FADED_SHARE = 0.35;

/** `dim` is darker and flatter than `bright` by FADED_SHARE, or black: the far end of a fade. */
function isFadedVersion(dim: Uint8Array, bright: Uint8Array): boolean {
  const meanDim = mean(dim);
  if (meanDim < BLACK_LUMA * 255) return true;
  return meanDim <= FADED_SHARE * mean(bright) && deviation(dim) <= FADED_SHARE * deviation(bright);
}

function deviation(values: Uint8Array): number {
  const centre = mean(values);
  let sum = 0;
  for (const v of values) sum += Math.abs(v - centre);
  return sum / values.length;
}

function mean(values: Uint8Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
