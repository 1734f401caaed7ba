// spectra: streamed audio cut into overlapping Hann-windowed frames, one every hop, with each frame's
// spectrum (fft.js) — what the onset envelope (measure/onsets) and the speech detector (analysis/speech)
// measure. Samples arrive in blocks of any size; only one frame is kept.

import FFT from 'fft.js';

export class HoppedSpectra {
  private readonly fft: FFT;
  private readonly window: Float32Array;
  private readonly ring: Float32Array;
  private readonly windowed: number[];
  /** The latest frame's spectrum: bin k's real and imaginary parts at 2k and 2k + 1, for k < frameSamples / 2. */
  readonly spectrum: number[];
  /** The latest frame's samples, oldest first, before the window. */
  readonly samples: Float32Array;
  private written = 0;
  private sinceHop = 0;

  /** `onFrame` runs once per hop, from the first full frame on, with `spectrum` and `samples` filled. */
  constructor(readonly frameSamples: number, readonly hopSamples: number, private readonly onFrame: () => void) {
    this.fft = new FFT(frameSamples);
    this.window = hann(frameSamples);
    this.ring = new Float32Array(frameSamples);
    this.windowed = new Array<number>(frameSamples).fill(0);
    this.spectrum = this.fft.createComplexArray() as number[];
    this.samples = new Float32Array(frameSamples);
  }

  push(mono: Float32Array): void {
    const size = this.frameSamples;
    for (let i = 0; i < mono.length; i++) {
      this.ring[this.written % size] = mono[i]!;
      this.written += 1;
      if (++this.sinceHop === this.hopSamples) {
        this.sinceHop = 0;
        if (this.written >= size) {
          this.transformLatestFrame();
          this.onFrame();
        }
      }
    }
  }

  private transformLatestFrame(): void {
    const size = this.frameSamples;
    const start = this.written % size;
    for (let i = 0; i < size; i++) {
      const sample = this.ring[(start + i) % size]!;
      this.samples[i] = sample;
      this.windowed[i] = sample * this.window[i]!;
    }
    this.fft.realTransform(this.spectrum, this.windowed);
  }
}

function hann(size: number): Float32Array {
  const window = new Float32Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return window;
}
