// shot-change: is a candidate cut a change of shot, or only of the light or of what passes in front
// of the lens? Judged from coarse colour cells of the frames around it (a ring of about two seconds).

import { BLACK_LUMA } from './transitions.js';

/** Why a candidate was not taken for a cut. */
export type CutRejection = 'flash' | 'occlusion' | 'light' | 'text-change' | 'fade';

/** A frame reduced to the mean colour of 4×4-pixel cells: coarse enough to ignore noise and a pixel of motion. */
export interface FrameCells {
  /** RGB means (0–255) of each cell, row by row. */
  rgb: Float32Array;
  columns: number;
  rows: number;
  /** Mean Rec. 601 luma, 0–255. */
  luma: number;
}

const CELL_PIXELS = 4;

export function frameCells(rgb: Uint8Array, width: number, height: number): FrameCells {
  const columns = Math.max(1, Math.floor(width / CELL_PIXELS));
  const rows = Math.max(1, Math.floor(height / CELL_PIXELS));
  const sums = new Float32Array(columns * rows * 3);
  const counts = new Uint16Array(columns * rows);
  let luma = 0;
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor(y / CELL_PIXELS));
    for (let x = 0; x < width; x++) {
      const cell = row * columns + Math.min(columns - 1, Math.floor(x / CELL_PIXELS));
      const i = 3 * (y * width + x);
      sums[3 * cell] += rgb[i]!;
      sums[3 * cell + 1] += rgb[i + 1]!;
      sums[3 * cell + 2] += rgb[i + 2]!;
      counts[cell] += 1;
      luma += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    }
  }
  for (let cell = 0; cell < counts.length; cell++) for (let c = 0; c < 3; c++) sums[3 * cell + c] /= counts[cell]!;
  return { rgb: sums, columns, rows, luma: luma / (width * height) };
}

/** The frames around a candidate: `before` ends with the last frame of the old shot, `after` starts with the first of the new. */
export interface CandidateWindow {
  before: readonly FrameCells[];
  after: readonly FrameCells[];
  /** True when `after` runs to the last frame of the video. */
  reachesEnd: boolean;
  /** Shots shorter than this many frames are not shots (the cut detector's minimum scene length). */
  minimumSceneFrames: number;
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
/** A disturbance is a flash when it lasts at most this many frames and is mostly light (a white, black or veiled frame). */
const FLASH_MAX_FRAMES = 4;
/**
 * Flashes and things crossing the lens move the cells by more than this (the faintest planted one, a
 * hand leaving a grey card, by 17): a fainter jump, as between two shots of one bare car park, is
 * too close to a shot's own drift to call the old picture back.
 */
const MIN_DISTURBANCE = 10;
/** The best match across the candidate, as a share of its jump, under which the old picture came back: a transient. */
const RETURN_REJECT_SHARE = 0.35;
/** …and above which the new picture is surely new. */
const RETURN_SURE_SHARE = 0.75;
/** The confidence on that count when the old picture came back close but something else explained it. */
const EXPLAINED_RETURN_SCORE = 0.5;
/** What is left of the jump once each colour channel's gain and offset are fitted, under which only the light changed. */
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
  const changed = changedShare(last, first);
  if (isFadeStep(window, changed)) return { confidence: 0, rejection: 'fade' };
  const jump = cellDistance(last, first);
  const { closest, shortestReturn } = pairsAcross(window, RETURN_REJECT_SHARE * jump);
  const comeback = pictureComesBack(window, shortestReturn, jump);
  if (comeback) return { confidence: 0, rejection: comeback };
  const light = lightFit(last, first, jump);
  if (light.explained) return { confidence: 0, rejection: 'light' };
  if (changed < TEXT_CHANGE_MAX_SHARE && isStillOnBothSides(window) && isSameCard(last, first)) return { confidence: 0, rejection: 'text-change' };
  const returnShare = (closest?.distance ?? jump) / jump;
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
 * The most alike pair across the candidate, and the pair closest in time among those alike enough
 * to say the old picture came back (under `returnDistance`): the shortest disturbance.
 */
function pairsAcross({ before, after }: CandidateWindow, returnDistance: number): { closest?: FramePair; shortestReturn?: FramePair } {
  let closest: FramePair | undefined;
  let shortestReturn: FramePair | undefined;
  const span = (pair: FramePair) => before.length - pair.from + pair.to;
  for (let from = 0; from < before.length; from++) {
    for (let to = 0; to < after.length; to++) {
      if (from === before.length - 1 && to === 0) continue;
      const pair = { distance: shiftedCellDistance(before[from]!, after[to]!), from, to };
      if (!closest || pair.distance < closest.distance) closest = pair;
      if (pair.distance < returnDistance && (!shortestReturn || span(pair) < span(shortestReturn))) shortestReturn = pair;
    }
  }
  return { closest, shortestReturn };
}

/**
 * 'flash' or 'occlusion' when the old picture came back after the candidate (a flash, a flicker, a
 * hand passing), unless what came between is a steady insert shot long enough to count as a shot.
 */
function pictureComesBack(window: CandidateWindow, comeback: FramePair | undefined, jump: number): CutRejection | undefined {
  if (!comeback || jump < MIN_DISTURBANCE) return undefined;
  const { before, after } = window;
  // The frames strictly between the matching pair: the disturbance.
  const disturbance = [...before.slice(comeback.from + 1), ...after.slice(0, comeback.to)];
  if (disturbance.length === 0) return undefined;
  const reference = before[comeback.from]!;
  const middle = disturbance[Math.floor(disturbance.length / 2)]!;
  // Longer than a flash, with a picture of its own that holds still: a shot (a jump cut and back, or a
  // new shot of the same place whose frames drift towards the old one). An occluder moves; a hand over
  // the whole lens leaves a flat frame.
  const steadyInsert =
    disturbance.length > FLASH_MAX_FRAMES &&
    structureSpread(middle) >= MIN_STRUCTURE &&
    cellDistance(disturbance[0]!, disturbance.at(-1)!) < RETURN_REJECT_SHARE * jump;
  if (steadyInsert) return undefined;
  const lightOnly = structureSpread(middle) < MIN_STRUCTURE || movesAsOne(reference, middle) || lightFit(reference, middle, cellDistance(reference, middle)).explained;
  return disturbance.length <= FLASH_MAX_FRAMES && lightOnly ? 'flash' : 'occlusion';
}

function cellDistance(a: FrameCells, b: FrameCells): number {
  let sum = 0;
  for (let i = 0; i < a.rgb.length; i++) sum += Math.abs(a.rgb[i]! - b.rgb[i]!);
  return sum / a.rgb.length;
}

/** The smallest cell distance with `b` moved by up to one cell each way: a little camera motion is forgiven. */
function shiftedCellDistance(a: FrameCells, b: FrameCells): number {
  let best = Infinity;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      let sum = 0;
      let count = 0;
      for (let row = Math.max(0, -dy); row < Math.min(a.rows, a.rows - dy); row++) {
        for (let column = Math.max(0, -dx); column < Math.min(a.columns, a.columns - dx); column++) {
          const i = 3 * (row * a.columns + column);
          const j = 3 * ((row + dy) * a.columns + column + dx);
          sum += Math.abs(a.rgb[i]! - b.rgb[j]!) + Math.abs(a.rgb[i + 1]! - b.rgb[j + 1]!) + Math.abs(a.rgb[i + 2]! - b.rgb[j + 2]!);
          count += 3;
        }
      }
      if (count > 0) best = Math.min(best, sum / count);
    }
  }
  return best;
}

/**
 * How well a change of light alone explains the jump from `a` to `b`: `b` is fitted as one gain and
 * one offset applied to all three channels of `a` (a veil, a flash, an exposure change); a new
 * picture, a new colour or a flat frame is not explained that way.
 */
function lightFit(a: FrameCells, b: FrameCells, jump: number): { explained: boolean; leftShare: number; correlation: number } {
  if (jump <= 0) return { explained: true, leftShare: 0, correlation: 1 };
  if (structureSpread(a) < MIN_STRUCTURE) return { explained: false, leftShare: 1, correlation: 0 };
  const n = a.rgb.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a.rgb[i]!;
    meanB += b.rgb[i]!;
  }
  meanA /= n;
  meanB /= n;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    const da = a.rgb[i]! - meanA;
    const db = b.rgb[i]! - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  const gain = covariance / varianceA;
  let residual = 0;
  for (let i = 0; i < n; i++) residual += Math.abs(b.rgb[i]! - (meanB + gain * (a.rgb[i]! - meanA)));
  const correlation = varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : 0;
  const leftShare = residual / n / jump;
  return { explained: correlation >= MIN_LIGHT_CORRELATION && leftShare < LIGHT_REJECT_SHARE, leftShare, correlation };
}

/** Nearly every cell got lighter, or nearly every cell darker: light over the whole frame, not a thing in one part of it. */
function movesAsOne(a: FrameCells, b: FrameCells): boolean {
  const cells = a.rgb.length / 3;
  const lumaChange = (cell: number) => {
    const i = 3 * cell;
    return 0.299 * (b.rgb[i]! - a.rgb[i]!) + 0.587 * (b.rgb[i + 1]! - a.rgb[i + 1]!) + 0.114 * (b.rgb[i + 2]! - a.rgb[i + 2]!);
  };
  const direction = Math.sign(b.luma - a.luma);
  let together = 0;
  for (let cell = 0; cell < cells; cell++) if (direction * lumaChange(cell) >= MIN_LIGHT_STEP) together += 1;
  return together >= WHOLE_FRAME_SHARE * cells;
}

/** Mean absolute deviation of the cells from the frame's mean colour: how much picture there is. */
function structureSpread(frame: FrameCells): number {
  const cells = frame.rgb.length / 3;
  let spread = 0;
  for (let channel = 0; channel < 3; channel++) {
    let mean = 0;
    for (let cell = 0; cell < cells; cell++) mean += frame.rgb[3 * cell + channel]!;
    mean /= cells;
    for (let cell = 0; cell < cells; cell++) spread += Math.abs(frame.rgb[3 * cell + channel]! - mean);
  }
  return spread / frame.rgb.length;
}

/** Share of cells whose colour moved by more than CELL_CHANGE. */
function changedShare(a: FrameCells, b: FrameCells): number {
  const cells = a.rgb.length / 3;
  let changed = 0;
  for (let cell = 0; cell < cells; cell++) {
    const i = 3 * cell;
    const difference = (Math.abs(a.rgb[i]! - b.rgb[i]!) + Math.abs(a.rgb[i + 1]! - b.rgb[i + 1]!) + Math.abs(a.rgb[i + 2]! - b.rgb[i + 2]!)) / 3;
    if (difference > CELL_CHANGE) changed += 1;
  }
  return changed / cells;
}

/** Neither side moves: no cell of the frames next to the candidate differs from its neighbour's (cards stand still; life crawls). */
function isStillOnBothSides({ before, after }: CandidateWindow): boolean {
  const sides = [before.slice(-STILL_FRAMES), after.slice(0, STILL_FRAMES)];
  return sides.every((frames) => frames.length === STILL_FRAMES && frames.every((frame, i) => i === 0 || largestCellChange(frames[i - 1]!, frame) < STILL_CELL_CHANGE));
}

function largestCellChange(a: FrameCells, b: FrameCells): number {
  let largest = 0;
  for (let i = 0; i < a.rgb.length; i++) largest = Math.max(largest, Math.abs(a.rgb[i]! - b.rgb[i]!));
  return largest;
}

/** Both frames are mostly one plain colour, the same one: a title or lyric card. */
function isSameCard(a: FrameCells, b: FrameCells): boolean {
  const backgroundA = medianColour(a);
  const backgroundB = medianColour(b);
  const sameBackground = backgroundA.every((value, channel) => Math.abs(value - backgroundB[channel]!) <= BACKGROUND_TOLERANCE);
  return sameBackground && backgroundShare(a, backgroundA) >= CARD_BACKGROUND_SHARE && backgroundShare(b, backgroundB) >= CARD_BACKGROUND_SHARE;
}

function medianColour(frame: FrameCells): number[] {
  const cells = frame.rgb.length / 3;
  return [0, 1, 2].map((channel) => {
    const values = Array.from({ length: cells }, (_, cell) => frame.rgb[3 * cell + channel]!).sort((x, y) => x - y);
    return values[Math.floor(cells / 2)]!;
  });
}

function backgroundShare(frame: FrameCells, background: readonly number[]): number {
  const cells = frame.rgb.length / 3;
  let inBackground = 0;
  for (let cell = 0; cell < cells; cell++) {
    if ([0, 1, 2].every((channel) => Math.abs(frame.rgb[3 * cell + channel]! - background[channel]!) <= BACKGROUND_TOLERANCE)) inBackground += 1;
  }
  return inBackground / cells;
}

/** 0 at `low`, 1 at `high`, straight between. */
function ramp(value: number, low: number, high: number): number {
  return Math.min(1, Math.max(0, (value - low) / (high - low)));
}
