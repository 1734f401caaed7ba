// melody-sample: drawing one token from the melody model's logits — temperature, top-k and a mask of
// allowed tokens (the instrument's range, chord tones on a strong beat), from a seeded rng.

import type { Rng } from '../music/random.js';

export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const log = Math.log(sum) + max;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - log;
  return out;
}

export interface TokenSampling {
  /** < 1 sharpens, > 1 flattens; 0 takes the most likely allowed token. */
  temperature: number;
  /** Draw among the k most likely allowed tokens only (0: all). */
  topK: number;
}

/** A token drawn from `logits` among those `allowed` says yes to (all, if it allows none). */
export function sampleToken(logits: ArrayLike<number>, sampling: TokenSampling, rng: Rng, allowed?: (token: number) => boolean): number {
  let candidates = Array.from({ length: logits.length }, (_, i) => i).filter((i) => !allowed || allowed(i));
  if (candidates.length === 0) candidates = Array.from({ length: logits.length }, (_, i) => i);
  candidates.sort((a, b) => logits[b]! - logits[a]!);
  if (sampling.topK > 0) candidates = candidates.slice(0, sampling.topK);
  const draw = rng(); // one draw per token whatever the settings, so the stream stays aligned
  if (sampling.temperature <= 0) return candidates[0]!;
  const top = logits[candidates[0]!]!;
  const weights = candidates.map((i) => Math.exp((logits[i]! - top) / sampling.temperature));
  let pick = draw * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < candidates.length; i++) if ((pick -= weights[i]!) < 0) return candidates[i]!;
  return candidates[0]!;
}
