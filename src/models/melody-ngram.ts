// melody-ngram: the melody model's baseline — interpolated absolute-discounting n-grams (Ney, Essen &
// Kneser 1994) over the same tokens, one for pitches and one for lengths, counted on the same train
// split. A proper distribution at every order, so its held-out NLL compares with the model's.

import { LENGTHS, PITCH_TOKENS, type MelodyEvent } from './melody-tokens.js';

/** Discount subtracted from every seen count (0.75 is the usual choice for small vocabularies). */
const DISCOUNT = 0.75;

export class BackoffNgram {
  /** counts[k]: context of k tokens (joined) → next-token counts. */
  private readonly counts: Array<Map<string, Map<number, number>>>;

  constructor(
    readonly order: number,
    readonly vocabulary: number,
  ) {
    this.counts = Array.from({ length: order }, () => new Map());
  }

  fit(sequences: ReadonlyArray<readonly number[]>): this {
    for (const sequence of sequences) {
      sequence.forEach((token, i) => {
        for (let k = 0; k < this.order && k <= i; k++) {
          const context = sequence.slice(i - k, i).join(',');
          const next = this.counts[k]!.get(context) ?? new Map<number, number>();
          next.set(token, (next.get(token) ?? 0) + 1);
          this.counts[k]!.set(context, next);
        }
      });
    }
    return this;
  }

  /** p(token | the up to order−1 tokens before it), interpolated down to the uniform distribution. */
  probability(history: readonly number[], token: number): number {
    let p = 1 / this.vocabulary;
    for (let k = 0; k < this.order && k <= history.length; k++) {
      const next = this.counts[k]!.get(history.slice(history.length - k).join(','));
      if (!next) break;
      let total = 0;
      for (const count of next.values()) total += count;
      const seen = next.get(token) ?? 0;
      p = Math.max(0, seen - DISCOUNT) / total + ((DISCOUNT * next.size) / total) * p;
    }
    return p;
  }

  /** The most likely next token. */
  best(history: readonly number[]): number {
    let best = 0;
    let bestP = -1;
    for (let token = 0; token < this.vocabulary; token++) {
      const p = this.probability(history, token);
      if (p > bestP) [best, bestP] = [token, p];
    }
    return best;
  }
}

/** The baseline: a pitch trigram and a length trigram over the train split's events. */
export interface MelodyNgrams {
  pitch: BackoffNgram;
  length: BackoffNgram;
}

export function fitMelodyNgrams(songs: ReadonlyArray<readonly MelodyEvent[]>, order = 3): MelodyNgrams {
  return {
    pitch: new BackoffNgram(order, PITCH_TOKENS).fit(songs.map((events) => events.map((e) => e.pitch))),
    length: new BackoffNgram(order, LENGTHS).fit(songs.map((events) => events.map((e) => e.length - 1))),
  };
}
