// camera: how much of the motion is the camera's. Between two consecutive small frames, the global
// shift (dx, dy within ±3 px of a 64-px frame) that best aligns them is the camera's pan or tilt;
// what still differs after that shift is motion in the scene. Brute-force block matching on luma,
// every second pixel: a few thousand operations a frame.

export interface FrameMotion {
  /** Length of the best global shift, in pixels of the analysis frame. */
  cameraShift: number;
  /** Mean absolute luma difference (0–255) left after the shift: motion in the scene. */
  sceneDifference: number;
}

const SEARCH_RADIUS = 3;
/** Pixels kept clear of the border so every shift compares the same pixels. */
const MARGIN = SEARCH_RADIUS;

export function luma(rgb: Uint8Array): Uint8Array {
  const values = new Uint8Array(rgb.length / 3);
  for (let i = 0, p = 0; p < values.length; i += 3, p++) values[p] = (77 * rgb[i]! + 150 * rgb[i + 1]! + 29 * rgb[i + 2]!) >> 8;
  return values;
}

export function frameMotion(previous: Uint8Array, current: Uint8Array, width: number, height: number): FrameMotion {
  let best = { dx: 0, dy: 0, difference: Infinity };
  let still = Infinity;
  for (let dy = -SEARCH_RADIUS; dy <= SEARCH_RADIUS; dy++) {
    for (let dx = -SEARCH_RADIUS; dx <= SEARCH_RADIUS; dx++) {
      const difference = shiftedDifference(previous, current, width, height, dx, dy);
      if (dx === 0 && dy === 0) still = difference;
      // Prefer no shift unless a shift is clearly better: flat or noisy pictures should not "pan".
      if (difference < best.difference - 0.25) best = { dx, dy, difference };
    }
  }
  if (still <= best.difference + 0.25) best = { dx: 0, dy: 0, difference: still };
  return { cameraShift: Math.hypot(best.dx, best.dy), sceneDifference: best.difference };
}

/** Mean |current(x, y) − previous(x − dx, y − dy)| over the inner pixels, every second pixel. */
function shiftedDifference(previous: Uint8Array, current: Uint8Array, width: number, height: number, dx: number, dy: number): number {
  let sum = 0;
  let count = 0;
  for (let y = MARGIN; y < height - MARGIN; y += 2) {
    const row = y * width;
    const shiftedRow = (y - dy) * width;
    for (let x = MARGIN; x < width - MARGIN; x += 2) {
      sum += Math.abs(current[row + x]! - previous[shiftedRow + x - dx]!);
      count += 1;
    }
  }
  return count === 0 ? 0 : sum / count;
}
