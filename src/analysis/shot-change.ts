// shot-change: is a candidate cut a change of shot, or only of the light or of what passes in front
// of the lens? Judged from the colour cells (frame-cells.ts) of the frames 0.8 s either side of it.

import {
  backgroundShare,
  cellDistance,
  changedShare,
  largestCellChange,
  lightFit,
  medianColour,
  shareMovingWithFrame,
  shiftedCellDistance,
  structureSpread,
  type FrameCells,
} from './frame-cells.js';
import { BLACK_LUMA } from './transitions.js';

/** Why a candidate was not taken for a cut. */
export type CutRejection = 'flash' | 'occlusion' | 'light' | 'text-change' | 'fade';

/** The frames around a candidate: `before` ends with the last frame of the old shot, `after` starts with the first of the new. */
export interface CandidateWindow {
  before: readonly FrameCells[];
  after: readonly FrameCells[];
  /** True when `after` runs to the last frame of the video. */
  reachesEnd: boolean;
  framesPerSecond: number;
}

export interface ShotChangeVerdict {
  /** 0–1: how sure the picture is that the shot changed (see Cut.confidence). */
  confidence: number;
  /** Set when the candidate is no cut at all. */
  rejection?: CutRejection;
}

// --- Thresholds. Differences are mean absolute cell differences, 0–255. ---
/** Frames on each side of a candidate that show whether the light is fading through it. */
const FADE_FRAMES = 3;
/** A step inside a fade changes less than this share of the cells (more is a cut during a fade). */
const FADE_MAX_CHANGED_SHARE = 0.25;
/** Inside a fade, the step across the candidate is at most this many times the largest of its other steps. */
const FADE_STEP_RATIO = 2;
/** Luma wobble (0–255) that still counts as a steady fade. */
const LUMA_NOISE = 0.5;
/** A disturbance is a flash when it lasts at most this long (four frames at 25 fps) and is mostly light (a white, black or veiled frame). */
const FLASH_MAX_SECONDS = 0.16;
/**
 * Flashes and things crossing the lens move the cells by more than this (the faintest planted one, a
 * hand leaving a grey card, by 17): a fainter jump, as between two shots of one bare car park, is
 * too close to a shot's own drift to call the old picture back.
 */
const MIN_DISTURBANCE = 10;
/**
 * An occluder leaves at least this share of the old picture in view, on average over its passage
 * (the planted hands and discs leave 0.25–0.8; a cutaway to another shot, under 0.02).
 */
const MIN_KEPT_SHARE = 0.12;
/** A stretch that holds still this long inside a disturbance is a shot of its own (the cut detector's shortest shot). */
const MIN_SHOT_SECONDS = 0.5;
/** Confidence looks for the old picture this close to the candidate (the comeback test looks as far as the window goes). */
const NEAR_SECONDS = 0.8;
/** The best match across the candidate, as a share of its jump, under which the old picture came back: a transient. */
const RETURN_REJECT_SHARE = 0.35;
/** …and above which the new picture is surely new. */
const RETURN_SURE_SHARE = 0.75;
/** The confidence on that count when the old picture came back close but something else explained it. */
const EXPLAINED_RETURN_SCORE = 0.5;
/** What is left of the jump once one gain and offset for all channels are fitted (lightFit), under which only the light changed. */
const LIGHT_REJECT_SHARE = 0.3;
/** …and above which the change is surely more than light. */
const LIGHT_SURE_SHARE = 0.6;
/** Pictures flatter than this (cell colour spread) carry no structure to compare, so the light test does not apply. */
const MIN_STRUCTURE = 6;
/** …and the two pictures must be this correlated, cell for cell (the same picture under other light). */
const MIN_LIGHT_CORRELATION = 0.8;
/** …and a correlation under this says surely more than the light changed. */
const LIGHT_SURE_CORRELATION = 0.5;
/** A change of light reaches this share of the cells… */
const WHOLE_FRAME_SHARE = 0.85;
/** …each moving at least this much in luma (0–255) the same way. */
const MIN_LIGHT_STEP = 2;
/** A cell whose colour moved more than this changed. */
const CELL_CHANGE = 20;
/** A cell within this of the frame's median colour belongs to a plain background. */
const BACKGROUND_TOLERANCE = 14;
/** A card holds still: over this many frames on each side of the candidate… */
const STILL_FRAMES = 3;
/** …no cell's colour moves by this much from one frame to the next (the codec's noise stays well under it). */
const STILL_CELL_CHANGE = 8;
/** A card: at least this share of cells is its plain background, before and after. */
const CARD_BACKGROUND_SHARE = 0.5;
/** On a card, a change over less than this share of cells is new text, not a new shot. */
const TEXT_CHANGE_MAX_SHARE = 0.45;
/** Cuts that change at least this share of the picture's cells are fully trusted on that count. */
const AREA_SURE_SHARE = 0.5;

/**
 * The verdict on one candidate. The tests run from the most certain to the least: a fade into black,
 * a picture that comes back after a brief disturbance (flash, flicker, something crossing the lens),
 * a change of light alone, new text on the same card. What survives gets a confidence from how
 * clearly it passed each test.
 */
export function judgeCandidate(window: CandidateWindow): ShotChangeVerdict {
  const last = window.before.at(-1);
  const first = window.after[0];
  if (!last || !first) return { confidence: 1 };
  const changed = changedShare(last, first, CELL_CHANGE);
  if (isFadeStep(window, changed)) return { confidence: 0, rejection: 'fade' };
  const jump = cellDistance(last, first);
  const comeback = pictureComesBack(window, shortestComeback(window, RETURN_REJECT_SHARE * jump), jump);
  if (comeback) return { confidence: 0, rejection: comeback };
  const light = lightOnly(last, first, jump);
  if (light.explained) return { confidence: 0, rejection: 'light' };
  if (changed < TEXT_CHANGE_MAX_SHARE && isStillOnBothSides(window) && isSameCard(last, first)) return { confidence: 0, rejection: 'text-change' };
  const returnShare = (closestNear(window)?.distance ?? jump) / jump;
  // A picture that came back close but was let through (a steady shot between, or too faint a jump to
  // judge) leaves v2m in two minds; one that almost came back and was not explained, in more doubt.
  const returnScore = returnShare < RETURN_REJECT_SHARE ? EXPLAINED_RETURN_SCORE : ramp(returnShare, RETURN_REJECT_SHARE, RETURN_SURE_SHARE);
  const lightScore = Math.max(ramp(light.leftShare, LIGHT_REJECT_SHARE, LIGHT_SURE_SHARE), ramp(-light.correlation, -MIN_LIGHT_CORRELATION, -LIGHT_SURE_CORRELATION));
  // A change over a small part of the frame may be something moving in it: at most half sure.
  const areaScore = 0.5 + 0.5 * ramp(changed, 0, AREA_SURE_SHARE);
  const confidence = Math.min(returnScore, lightScore, areaScore);
  return { confidence: Math.round(confidence * 1000) / 1000 };
}

/**
 * A step inside a fade rather than a new shot: black from the candidate on, after a darkening
 * picture or to the end of the video (the last frame of a fade-out); or the light falling (or rising)
 * steadily through the candidate while little of the picture changes.
 */
function isFadeStep({ before, after, reachesEnd }: CandidateWindow, changed: number): boolean {
  const blackLuma = BLACK_LUMA * 255;
  const around = [...before.slice(-FADE_FRAMES), ...after.slice(0, FADE_FRAMES)].map((frame) => frame.luma);
  if (after[0]!.luma < blackLuma) {
    if (reachesEnd && after.every((frame) => frame.luma < blackLuma)) return true;
    // Darkening before, and a last step into black no bigger than that darkening (a black frame dropped into a shot jumps there).
    const darkening = around.slice(0, FADE_FRAMES);
    return darkening.length === FADE_FRAMES && isSteady(darkening, -1) && darkening.at(-1)! - after[0]!.luma <= darkening[0]! - darkening.at(-1)!;
  }
  if (changed >= FADE_MAX_CHANGED_SHARE || around.length < 2 * FADE_FRAMES || !(isSteady(around, -1) || isSteady(around, 1))) return false;
  // Smooth: the step across the candidate is no bigger than the fade's other steps (a cut between two dimming shots jumps).
  const steps = around.slice(1).map((luma, i) => Math.abs(luma - around[i]!));
  const acrossCandidate = steps[FADE_FRAMES - 1]!;
  return acrossCandidate <= FADE_STEP_RATIO * Math.max(...steps.filter((_, i) => i !== FADE_FRAMES - 1));
}

/** Lumas that move one way (`direction` −1 down, 1 up) frame after frame, and by a tenth in all. */
function isSteady(lumas: readonly number[], direction: -1 | 1): boolean {
  const first = lumas[0]!;
  const last = lumas.at(-1)!;
  const monotonic = lumas.every((luma, i) => i === 0 || direction * (luma - lumas[i - 1]!) >= -LUMA_NOISE);
  return monotonic && (direction < 0 ? last < 0.9 * first : first < 0.9 * last);
}

/** A frame before the candidate and one after it (the jump itself aside), and how alike they look. */
interface FramePair {
  distance: number;
  /** Index into `before`. */
  from: number;
  /** Index into `after`. */
  to: number;
}

/**
 * The pair closest in time whose frames are alike enough (under `returnDistance`) to say the old
 * picture came back: the shortest disturbance. Pairs are tried shortest span first, so a flash costs
 * a handful of comparisons.
 */
function shortestComeback({ before, after }: CandidateWindow, returnDistance: number): FramePair | undefined {
  // Span 1 is the jump itself (last before, first after).
  for (let span = 2; span <= before.length + after.length - 1; span++) {
    for (let to = Math.max(0, span - before.length); to <= Math.min(after.length - 1, span - 1); to++) {
      const from = before.length - span + to;
      const distance = shiftedCellDistance(before[from]!, after[to]!);
      if (distance < returnDistance) return { distance, from, to };
    }
  }
  return undefined;
}

/** The most alike pair across the candidate (the jump itself aside) within NEAR_SECONDS of it. */
function closestNear({ before, after, framesPerSecond }: CandidateWindow): FramePair | undefined {
  const nearFrames = Math.max(1, Math.round(NEAR_SECONDS * framesPerSecond));
  let closest: FramePair | undefined;
  for (let from = Math.max(0, before.length - nearFrames); from < before.length; from++) {
    for (let to = 0; to < Math.min(after.length, nearFrames); to++) {
      if (from === before.length - 1 && to === 0) continue;
      const distance = shiftedCellDistance(before[from]!, after[to]!);
      if (!closest || distance < closest.distance) closest = { distance, from, to };
    }
  }
  return closest;
}

/**
 * 'flash' or 'occlusion' when the old picture came back after the candidate (a flash, a flicker, a
 * hand passing), unless what came between is a steady shot of its own.
 */
function pictureComesBack(window: CandidateWindow, comeback: FramePair | undefined, jump: number): CutRejection | undefined {
  if (!comeback || jump < MIN_DISTURBANCE) return undefined;
  const { before, after } = window;
  // The frames strictly between the matching pair: the disturbance.
  const disturbance = [...before.slice(comeback.from + 1), ...after.slice(0, comeback.to)];
  if (disturbance.length === 0) return undefined;
  const reference = before[comeback.from]!;
  const middle = disturbance[Math.floor(disturbance.length / 2)]!;
  const flashFrames = Math.max(1, Math.round(FLASH_MAX_SECONDS * window.framesPerSecond));
  // Longer than a flash, with a picture of its own that holds still: a shot (a jump cut and back, or a
  // new shot of the same place whose frames drift towards the old one). So is any stretch of it that
  // holds still for a shot's length: the match reaches past a shot. An occluder moves; a hand over the
  // whole lens leaves a flat frame.
  const limit = RETURN_REJECT_SHARE * jump;
  const steadyInsert = disturbance.length > flashFrames && structureSpread(middle) >= MIN_STRUCTURE && holdsStill(disturbance, limit);
  const shotFrames = Math.max(flashFrames + 1, Math.round(MIN_SHOT_SECONDS * window.framesPerSecond));
  if (steadyInsert || holdsAShot(disturbance, limit, shotFrames)) return undefined;
  // Something crossing the lens covers part of the picture: the rest of the old one stays in view. A
  // longer disturbance that replaced all of it is a cutaway (a reverse shot, an insert) and back.
  if (disturbance.length > flashFrames && meanKeptShare(reference, disturbance) < MIN_KEPT_SHARE) return undefined;
  const light =
    structureSpread(middle) < MIN_STRUCTURE ||
    shareMovingWithFrame(reference, middle, MIN_LIGHT_STEP) >= WHOLE_FRAME_SHARE ||
    lightOnly(reference, middle, cellDistance(reference, middle)).explained;
  return disturbance.length <= flashFrames && light ? 'flash' : 'occlusion';
}

/** The mean share of `reference`'s cells that each of `frames` still shows (within CELL_CHANGE). */
function meanKeptShare(reference: FrameCells, frames: readonly FrameCells[]): number {
  return frames.reduce((sum, frame) => sum + 1 - changedShare(reference, frame, CELL_CHANGE), 0) / frames.length;
}

/** Whether `frames` has a run of `runFrames` with a picture of its own that holds still (steps and ends under `limit`). */
function holdsAShot(frames: readonly FrameCells[], limit: number, runFrames: number): boolean {
  let runStart = 0;
  for (let i = 1; i <= frames.length; i++) {
    const still = i < frames.length && cellDistance(frames[i - 1]!, frames[i]!) < limit && cellDistance(frames[runStart]!, frames[i]!) < limit;
    if (still) continue;
    if (i - runStart >= runFrames && structureSpread(frames[runStart]!) >= MIN_STRUCTURE) return true;
    runStart = i;
  }
  return false;
}

/** Frames whose every step, and whose first and last, differ by less than `limit`: one shot, not something moving across the lens. */
function holdsStill(frames: readonly FrameCells[], limit: number): boolean {
  const steps = frames.slice(1).map((frame, i) => cellDistance(frames[i]!, frame));
  return Math.max(0, ...steps) < limit && cellDistance(frames[0]!, frames.at(-1)!) < limit;
}

/** Whether a change of light alone explains the jump from `a` to `b`, with how much of the jump the fit leaves and how alike the pictures are. */
function lightOnly(a: FrameCells, b: FrameCells, jump: number): { explained: boolean; leftShare: number; correlation: number } {
  if (jump <= 0) return { explained: true, leftShare: 0, correlation: 1 };
  // A flat picture (a white frame, a plain card) has no structure to compare.
  if (structureSpread(a) < MIN_STRUCTURE) return { explained: false, leftShare: 1, correlation: 0 };
  const { residual, correlation } = lightFit(a, b);
  const leftShare = residual / jump;
  return { explained: correlation >= MIN_LIGHT_CORRELATION && leftShare < LIGHT_REJECT_SHARE, leftShare, correlation };
}

/** Neither side moves: no cell of the frames next to the candidate differs from its neighbour's (cards stand still; life crawls). */
function isStillOnBothSides({ before, after }: CandidateWindow): boolean {
  const sides = [before.slice(-STILL_FRAMES), after.slice(0, STILL_FRAMES)];
  return sides.every((frames) => frames.length === STILL_FRAMES && frames.every((frame, i) => i === 0 || largestCellChange(frames[i - 1]!, frame) < STILL_CELL_CHANGE));
}

/** Both frames are mostly one plain colour, the same one: a title or lyric card. */
function isSameCard(a: FrameCells, b: FrameCells): boolean {
  const backgroundA = medianColour(a);
  const backgroundB = medianColour(b);
  const sameBackground = backgroundA.every((value, channel) => Math.abs(value - backgroundB[channel]!) <= BACKGROUND_TOLERANCE);
  return sameBackground && backgroundShare(a, backgroundA, BACKGROUND_TOLERANCE) >= CARD_BACKGROUND_SHARE && backgroundShare(b, backgroundB, BACKGROUND_TOLERANCE) >= CARD_BACKGROUND_SHARE;
}

/** 0 at `low`, 1 at `high`, straight between. */
function ramp(value: number, low: number, high: number): number {
  return Math.min(1, Math.max(0, (value - low) / (high - low)));
}
