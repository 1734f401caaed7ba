// Per-frame measurements that every later analysis step is built from: a colour histogram (for
// cuts), the mean absolute difference to the previous frame (for motion) and the mean luma.

/** Histogram bins per RGB channel; 16 keeps the score robust to noise and small lighting changes. */
export const HISTOGRAM_BINS_PER_CHANNEL = 16;

export interface FrameFeatures {
  time: number;
  /** Normalised RGB histogram (3 × bins), sums to 3. */
  histogram: Float32Array;
  /** Mean absolute RGB difference to the previous frame, 0–255 (0 for the first frame). */
  differenceToPrevious: number;
  /** Histogram distance to the previous frame, 0 (same) – 1 (disjoint). */
  histogramChange: number;
  /** Mean Rec. 601 luma, 0–1. */
  brightness: number;
}

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

export function meanBrightness(rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += 0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2];
  return sum / (rgb.length / 3) / 255;
}
