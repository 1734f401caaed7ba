// frame-cells: a frame reduced to the mean colour of small cells, and the measures the cut judge
// (shot-change.ts) compares frames with — distance, a light-only fit, changed area, background.

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

/** Reduces an RGB frame (width × height, 3 bytes a pixel) to its cells. */
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

/** Mean absolute difference of two frames' cells, 0–255. */
export function cellDistance(a: FrameCells, b: FrameCells): number {
  let sum = 0;
  for (let i = 0; i < a.rgb.length; i++) sum += Math.abs(a.rgb[i]! - b.rgb[i]!);
  return sum / a.rgb.length;
}

/** The smallest cell distance with `b` moved by up to one cell each way: a little camera motion is forgiven. */
export function shiftedCellDistance(a: FrameCells, b: FrameCells): number {
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
 * `b` fitted as one gain and one offset applied to all three channels of `a` (least squares), as a
 * veil, a flash or an exposure change would make it: the mean absolute residual (0–255) and the
 * correlation of the two pictures cell for cell. A new picture or a new colour fits badly.
 */
export function lightFit(a: FrameCells, b: FrameCells): { residual: number; correlation: number } {
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
  const gain = varianceA > 0 ? covariance / varianceA : 0;
  let residual = 0;
  for (let i = 0; i < n; i++) residual += Math.abs(b.rgb[i]! - (meanB + gain * (a.rgb[i]! - meanA)));
  const correlation = varianceA > 0 && varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : 0;
  return { residual: residual / n, correlation };
}

/** Share of cells whose luma moved at least `minimumStep` (0–255) the way the whole frame's did: near 1 when light washed over all of it. */
export function shareMovingWithFrame(a: FrameCells, b: FrameCells, minimumStep: number): number {
  const cells = a.rgb.length / 3;
  const direction = Math.sign(b.luma - a.luma);
  let together = 0;
  for (let cell = 0; cell < cells; cell++) {
    const i = 3 * cell;
    const lumaChange = 0.299 * (b.rgb[i]! - a.rgb[i]!) + 0.587 * (b.rgb[i + 1]! - a.rgb[i + 1]!) + 0.114 * (b.rgb[i + 2]! - a.rgb[i + 2]!);
    if (direction * lumaChange >= minimumStep) together += 1;
  }
  return together / cells;
}

/** Mean absolute deviation of the cells from the frame's mean colour: how much picture there is. */
export function structureSpread(frame: FrameCells): number {
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

/** Share of cells whose colour moved by more than `threshold` (0–255, mean over the channels). */
export function changedShare(a: FrameCells, b: FrameCells, threshold: number): number {
  const cells = a.rgb.length / 3;
  let changed = 0;
  for (let cell = 0; cell < cells; cell++) {
    const i = 3 * cell;
    const difference = (Math.abs(a.rgb[i]! - b.rgb[i]!) + Math.abs(a.rgb[i + 1]! - b.rgb[i + 1]!) + Math.abs(a.rgb[i + 2]! - b.rgb[i + 2]!)) / 3;
    if (difference > threshold) changed += 1;
  }
  return changed / cells;
}

/** The largest change of any cell's channel, 0–255. */
export function largestCellChange(a: FrameCells, b: FrameCells): number {
  let largest = 0;
  for (let i = 0; i < a.rgb.length; i++) largest = Math.max(largest, Math.abs(a.rgb[i]! - b.rgb[i]!));
  return largest;
}

/** The per-channel median of the cells: a card's background colour. */
export function medianColour(frame: FrameCells): number[] {
  const cells = frame.rgb.length / 3;
  return [0, 1, 2].map((channel) => {
    const values = Array.from({ length: cells }, (_, cell) => frame.rgb[3 * cell + channel]!).sort((x, y) => x - y);
    return values[Math.floor(cells / 2)]!;
  });
}

/** Share of cells within `tolerance` (0–255, every channel) of `background`. */
export function backgroundShare(frame: FrameCells, background: readonly number[], tolerance: number): number {
  const cells = frame.rgb.length / 3;
  let inBackground = 0;
  for (let cell = 0; cell < cells; cell++) {
    if ([0, 1, 2].every((channel) => Math.abs(frame.rgb[3 * cell + channel]! - background[channel]!) <= tolerance)) inBackground += 1;
  }
  return inBackground / cells;
}
