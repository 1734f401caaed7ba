// onsets: where notes start in rendered audio, found the way MIR toolkits do — a spectral-flux onset
// envelope (how much louder each frequency bin got since the previous frame, on a log scale) and
// adaptive peak picking. Reads the audio, not the MIDI, so it also catches what the synth did.

import { GrowableFloat32 } from './growable.js';
import { HoppedSpectra } from './spectra.js';

export interface Onset {
  time: number;
  /** Height of the envelope peak (log-magnitude flux per bin): a loud attack scores higher. */
  strength: number;
}

export interface OnsetEnvelope {
  /** Seconds between envelope frames. */
  hopSeconds: number;
  /** Time of frame 0; frame i is at `startSeconds + i · hopSeconds`. */
  startSeconds: number;
  values: Float32Array;
}

/** 1024 samples (21 ms at 48 kHz): short enough to place an attack, long enough for the bass. */
const FRAME_SAMPLES = 1024;
/** Log compression: bins are scaled so a full-scale sine is 1, then log(1 + γ·|X|). */
const LOG_GAMMA = 1000;

/** Streams mono samples in and builds the onset envelope one hop at a time. */
export class SpectralFlux {
  private readonly spectra: HoppedSpectra;
  private previous = new Float32Array(FRAME_SAMPLES / 2);
  private current = new Float32Array(FRAME_SAMPLES / 2);
  private readonly envelope = new GrowableFloat32();
  readonly hopSamples: number;

  constructor(readonly sampleRateHz: number) {
    this.hopSamples = Math.round(sampleRateHz * 0.005);
    this.spectra = new HoppedSpectra(FRAME_SAMPLES, this.hopSamples, () => this.envelope.push(this.fluxOfLatestFrame()));
  }

  push(mono: Float32Array): void {
    this.spectra.push(mono);
  }

  result(): OnsetEnvelope {
    const hopSeconds = this.hopSamples / this.sampleRateHz;
    // The first frame ends at the first hop at or after FRAME_SAMPLES. A frame's flux rises as an
    // attack enters it; half a frame back from its end is where the attack sits (checked on clicks).
    const firstFrameEnd = Math.ceil(FRAME_SAMPLES / this.hopSamples) * this.hopSamples;
    return { hopSeconds, startSeconds: (firstFrameEnd - FRAME_SAMPLES / 2) / this.sampleRateHz, values: this.envelope.values() };
  }

  private fluxOfLatestFrame(): number {
    const spectrum = this.spectra.spectrum;
    [this.previous, this.current] = [this.current, this.previous];
    const scale = 4 / FRAME_SAMPLES;
    let flux = 0;
    for (let k = 1; k < FRAME_SAMPLES / 2; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      const magnitude = Math.log1p(LOG_GAMMA * scale * Math.sqrt(re * re + im * im));
      this.current[k] = magnitude;
      const rise = magnitude - this.previous[k]!;
      if (rise > 0) flux += rise;
    }
    return flux / (FRAME_SAMPLES / 2);
  }
}

export interface PeakPicking {
  /** A peak must be the maximum within ± this many seconds. */
  maxWindowSeconds: number;
  /** …and stand this far above the envelope's mean over ± `meanWindowSeconds`, as a share of the envelope's high level. */
  meanWindowSeconds: number;
  threshold: number;
  /** Two onsets are at least this far apart. */
  minGapSeconds: number;
}

export const DEFAULT_PEAK_PICKING: PeakPicking = { maxWindowSeconds: 0.03, meanWindowSeconds: 0.1, threshold: 0.12, minGapSeconds: 0.04 };

/** Peaks of the envelope that stand out of their neighbourhood: the onsets. */
export function pickOnsets(envelope: OnsetEnvelope, options: PeakPicking = DEFAULT_PEAK_PICKING): Onset[] {
  const values = envelope.values;
  const maxRadius = Math.max(1, Math.round(options.maxWindowSeconds / envelope.hopSeconds));
  const meanRadius = Math.max(1, Math.round(options.meanWindowSeconds / envelope.hopSeconds));
  const minGap = Math.round(options.minGapSeconds / envelope.hopSeconds);
  const delta = options.threshold * highLevel(values);
  const prefix = prefixSums(values);
  const onsets: Onset[] = [];
  let lastPeak = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value <= 0 || i - lastPeak < minGap) continue;
    if (!isLocalMaximum(values, i, maxRadius)) continue;
    const from = Math.max(0, i - meanRadius);
    const to = Math.min(values.length, i + meanRadius + 1);
    const localMean = (prefix[to]! - prefix[from]!) / (to - from);
    if (value < localMean + delta) continue;
    onsets.push({ time: envelope.startSeconds + i * envelope.hopSeconds, strength: value });
    lastPeak = i;
  }
  return onsets;
}

function isLocalMaximum(values: Float32Array, index: number, radius: number): boolean {
  const value = values[index]!;
  for (let j = Math.max(0, index - radius); j <= Math.min(values.length - 1, index + radius); j++) {
    // Ties go to the earliest frame, so a flat top yields one onset at its start.
    if (values[j]! > value || (values[j]! === value && j < index)) return false;
  }
  return true;
}

/** The envelope's typical peak height (99th percentile), so thresholds follow the track's level. */
function highLevel(values: Float32Array): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
}

function prefixSums(values: Float32Array): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = sums[i]! + values[i]!;
  return sums;
}

