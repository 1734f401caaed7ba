// Per-frame measurements that every later analysis step is built from: a colour histogram (for
// cuts), the mean absolute difference to the previous frame (for motion), and light and colour.

/** Histogram bins per RGB channel; 16 keeps the score robust to noise and small lighting changes. */
export const HISTOGRAM_BINS_PER_CHANNEL = 16;

export function colourHistogram(rgb: Uint8Array): Float32Array {
  const bins = HISTOGRAM_BINS_PER_CHANNEL;
  const histogram = new Float32Array(3 * bins);
  const pixels = rgb.length / 3;
  const shift = 8 - Math.log2(bins);
  for (let i = 0; i < rgb.length; i += 3) {
    histogram[rgb[i] >> shift] += 1;
    histogram[bins + (rgb[i + 1] >> shift)] += 1;
    histogram[2 * bins + (rgb[i + 2] >> shift)] += 1;
  }
  for (let b = 0; b < histogram.length; b++) histogram[b] /= pixels;
  return histogram;
}

/** Half the L1 distance between two histograms, averaged over the three channels: 0–1. */
export function histogramDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / 6;
}

export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Light and colour of one frame, each 0–1 except warmth (−1 cool … 1 warm). */
export interface ColourStats {
  /** Mean Rec. 601 luma. */
  brightness: number;
  /** Standard deviation of luma (RMS contrast). */
  contrast: number;
  /** Mean HSV saturation. */
  saturation: number;
  /** Hasler & Süsstrunk's colourfulness, divided by 255. */
  colourfulness: number;
  /** Mean (R − B) / 255: positive for warm (orange, red) pictures, negative for cool (blue) ones. */
  warmth: number;
}

export function colourStats(rgb: Uint8Array): ColourStats {
  const pixels = rgb.length / 3;
  let luma = 0;
  let lumaSquares = 0;
  let saturation = 0;
  let rg = 0;
  let rgSquares = 0;
  let yb = 0;
  let ybSquares = 0;
  let warmth = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const y = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    luma += y;
    lumaSquares += y * y;
    const max = Math.max(r, g, b);
    if (max > 0) saturation += (max - Math.min(r, g, b)) / max;
    const redGreen = r - g;
    const yellowBlue = 0.5 * (r + g) - b;
    rg += redGreen;
    rgSquares += redGreen * redGreen;
    yb += yellowBlue;
    ybSquares += yellowBlue * yellowBlue;
    warmth += r - b;
  }
  const meanLuma = luma / pixels;
  const meanRg = rg / pixels;
  const meanYb = yb / pixels;
  const spread = Math.sqrt(Math.max(0, rgSquares / pixels - meanRg ** 2) + Math.max(0, ybSquares / pixels - meanYb ** 2));
  return {
    brightness: meanLuma,
    contrast: Math.sqrt(Math.max(0, lumaSquares / pixels - meanLuma ** 2)),
    saturation: saturation / pixels,
    colourfulness: (spread + 0.3 * Math.sqrt(meanRg ** 2 + meanYb ** 2)) / 255,
    warmth: warmth / pixels / 255,
  };
}

/** Mean absolute pixel difference (0–255) at which the pixel half of the content score is full. */
const PIXEL_CHANGE_FOR_FULL_SCORE = 64;
/** Below this pixel difference two frames are the same shot whatever their histograms say (dark frames of a fade flicker across bins). */
const MIN_PIXEL_CHANGE = 6;

/**
 * How different two consecutive frames are, 0–1: the mean of the histogram distance (what colours
 * are there) and the scaled pixel difference (where they are). Either alone misses cuts: two shots
 * with the same palette (a dissolve-free cut inside one film) change little in histogram but a lot
 * in pixels; a pan changes pixels but not the palette — the neighbour test in cuts.ts handles that.
 */
export function contentChange(histogramChange: number, pixelDifference: number): number {
  if (pixelDifference < MIN_PIXEL_CHANGE) return 0;
  return (histogramChange + Math.min(1, pixelDifference / PIXEL_CHANGE_FOR_FULL_SCORE)) / 2;
}
