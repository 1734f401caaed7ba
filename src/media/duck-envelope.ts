// duck-envelope: the music's gain under speech, as a function of time — no Node imports, so the
// report's lane (drawn in the browser too) plots the same curve the mux applies. It moves linearly in
// decibels: down over `attackSeconds` ending where speech starts (look-ahead), held under the
// speech, back up over `releaseSeconds` after it ends; where two spans' ramps overlap the lower gain wins.

import type { SpeechSpan } from '../analysis/speech.js';

export interface DuckingSettings {
  /** How far the music goes down under speech, dB (positive: 12 means −12 dB). */
  depthDb: number;
  /** The fall, ending where speech starts (look-ahead). */
  attackSeconds: number;
  /** The rise, starting where speech ends. */
  releaseSeconds: number;
}

/**
 * 12 dB down is broadcast practice for music under dialogue (10–15 dB); a 150 ms look-ahead fall is
 * quick enough that the first syllable is clear yet not a click; a 600 ms rise brings the music back
 * without pumping between sentences.
 */
export const DEFAULT_DUCKING: DuckingSettings = { depthDb: 12, attackSeconds: 0.15, releaseSeconds: 0.6 };

/** The music's gain over time, in dB (0 or less), from the speech spans (sorted, not overlapping). */
export class DuckingEnvelope {
  private readonly spans: readonly SpeechSpan[];
  /** The first span whose ramps may still reach the times asked for (times are asked in order). */
  private first = 0;

  constructor(spans: readonly SpeechSpan[], readonly settings: DuckingSettings) {
    this.spans = [...spans].sort((a, b) => a.start - b.start);
  }

  /** Gain in dB at `time`. Calls must come with times that never go back (the samples' order). */
  gainDbAt(time: number): number {
    const { attackSeconds, releaseSeconds, depthDb } = this.settings;
    while (this.first < this.spans.length && this.spans[this.first]!.end + releaseSeconds <= time) this.first += 1;
    let gain = 0;
    for (let i = this.first; i < this.spans.length; i++) {
      const span = this.spans[i]!;
      if (span.start - attackSeconds >= time) break;
      gain = Math.min(gain, spanGainDb(span, time, depthDb, attackSeconds, releaseSeconds));
    }
    return gain;
  }
}

function spanGainDb(span: SpeechSpan, time: number, depthDb: number, attack: number, release: number): number {
  if (time < span.start) return attack > 0 ? -depthDb * Math.max(0, 1 - (span.start - time) / attack) : 0;
  if (time <= span.end) return -depthDb;
  return release > 0 ? -depthDb * Math.max(0, 1 - (time - span.end) / release) : 0;
}

