// sound-measures: what a listener compares between two renders of the same Score — the stereo image
// (side/mid energy, left/right correlation) and the spectrum (centroid, share of energy per band).
// Streams interleaved stereo float blocks in, so a long render needs no second copy in memory.

import FFT from 'fft.js';

/** 4096 samples (85 ms at 48 kHz): fine enough in frequency to place a bass note's energy. */
const FRAME_SAMPLES = 4096;
/** Band edges in Hz: low (bass, kick), low-mid (body), high-mid (presence), high (air). */
export const BAND_EDGES_HZ = [250, 2000, 6000] as const;

export interface SoundMeasures {
  /** Energy of (L−R)/2 over energy of (L+R)/2: 0 is mono, 1 is as much difference as sum. */
  sideToMidEnergy: number;
  /** Pearson correlation of left and right: 1 is mono, 0 unrelated, below 0 out of phase. */
  correlation: number;
  /** Power-weighted mean frequency of the mid signal, in Hz (higher: brighter). */
  spectralCentroidHz: number;
  /** Share of the mid signal's power below 250 Hz, 250–2000, 2000–6000 and above 6000 Hz (sums to 1). */
  bandShares: [number, number, number, number];
}

export class SoundMeter {
  private readonly fft = new FFT(FRAME_SAMPLES);
  private readonly window = Float32Array.from({ length: FRAME_SAMPLES }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME_SAMPLES));
  private readonly frame = new Array<number>(FRAME_SAMPLES).fill(0);
  private readonly spectrum: number[];
  private readonly powerPerBin = new Float64Array(FRAME_SAMPLES / 2);
  private filled = 0;
  private sumLL = 0;
  private sumRR = 0;
  private sumLR = 0;
  private sumL = 0;
  private sumR = 0;
  private samples = 0;

  constructor(private readonly sampleRateHz: number) {
    this.spectrum = this.fft.createComplexArray() as number[];
  }

  /** Adds a block of interleaved stereo samples (L, R, L, R…). */
  add(interleaved: Float32Array): void {
    for (let i = 0; i + 1 < interleaved.length; i += 2) {
      const left = interleaved[i]!;
      const right = interleaved[i + 1]!;
      this.sumLL += left * left;
      this.sumRR += right * right;
      this.sumLR += left * right;
      this.sumL += left;
      this.sumR += right;
      this.samples += 1;
      this.frame[this.filled] = ((left + right) / 2) * this.window[this.filled]!;
      this.filled += 1;
      if (this.filled === FRAME_SAMPLES) this.analyseFrame();
    }
  }

  result(): SoundMeasures {
    // mid² + side² = (L² + R²)/2 and mid² − side² = L·R, summed over samples.
    const midEnergy = (this.sumLL + this.sumRR) / 4 + this.sumLR / 2;
    const sideEnergy = (this.sumLL + this.sumRR) / 4 - this.sumLR / 2;
    const n = Math.max(1, this.samples);
    const covariance = this.sumLR / n - (this.sumL / n) * (this.sumR / n);
    const spreadL = Math.sqrt(Math.max(0, this.sumLL / n - (this.sumL / n) ** 2));
    const spreadR = Math.sqrt(Math.max(0, this.sumRR / n - (this.sumR / n) ** 2));
    const binHz = this.sampleRateHz / FRAME_SAMPLES;
    let total = 0;
    let weighted = 0;
    const bands: [number, number, number, number] = [0, 0, 0, 0];
    this.powerPerBin.forEach((power, bin) => {
      const hz = bin * binHz;
      total += power;
      weighted += power * hz;
      const band = BAND_EDGES_HZ.findIndex((edge) => hz < edge);
      bands[band === -1 ? BAND_EDGES_HZ.length : band] += power;
    });
    return {
      sideToMidEnergy: midEnergy > 0 ? sideEnergy / midEnergy : 0,
      correlation: spreadL > 0 && spreadR > 0 ? covariance / (spreadL * spreadR) : 1,
      spectralCentroidHz: total > 0 ? weighted / total : 0,
      bandShares: bands.map((power) => (total > 0 ? power / total : 0)) as [number, number, number, number],
    };
  }

  private analyseFrame(): void {
    this.fft.realTransform(this.spectrum, this.frame);
    for (let bin = 0; bin < FRAME_SAMPLES / 2; bin++) {
      const re = this.spectrum[2 * bin]!;
      const im = this.spectrum[2 * bin + 1]!;
      this.powerPerBin[bin] += re * re + im * im;
    }
    this.filled = 0;
  }
}
