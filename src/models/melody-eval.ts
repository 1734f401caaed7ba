// melody-eval: `v2m eval melody` — the melody model on held-out POP909 songs (the test split by
// default, never trained on) beside its n-gram baseline counted on the same train split: next-event
// pitch accuracy (a rest counts as a pitch), length accuracy, and negative log-likelihood per event.

import { logSoftmax } from './melody-sample.js';
import { loadMelodyModel, MelodyRunner, SHIPPED_MELODY_WEIGHTS, type MelodyModel } from './melody.js';
import { fitMelodyNgrams, type MelodyNgrams } from './melody-ngram.js';
import { melodyInput, type MelodyEvent } from './melody-tokens.js';
import { pop909Melodies } from './melody-train.js';

export interface MelodyScores {
  /** Share of events whose pitch (or rest) is the most likely one. */
  pitchAccuracy: number;
  /** Share of events whose length is the most likely one given the true pitch. */
  lengthAccuracy: number;
  /** Nats per event: the pitch's, the length's, and both together. */
  pitchNll: number;
  lengthNll: number;
  nll: number;
}

export interface MelodyEvaluation {
  split: 'val' | 'test';
  songs: number;
  events: number;
  modelVersion: string;
  model: MelodyScores;
  ngram: MelodyScores;
}

class Tally {
  private events = 0;
  private pitchHits = 0;
  private lengthHits = 0;
  private pitchNll = 0;
  private lengthNll = 0;

  add(pitch: { hit: boolean; logProbability: number }, length: { hit: boolean; logProbability: number }): void {
    this.events += 1;
    this.pitchHits += pitch.hit ? 1 : 0;
    this.lengthHits += length.hit ? 1 : 0;
    this.pitchNll -= pitch.logProbability;
    this.lengthNll -= length.logProbability;
  }

  scores(): MelodyScores {
    const n = Math.max(1, this.events);
    return { pitchAccuracy: this.pitchHits / n, lengthAccuracy: this.lengthHits / n, pitchNll: this.pitchNll / n, lengthNll: this.lengthNll / n, nll: (this.pitchNll + this.lengthNll) / n };
  }
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The model reads each song from its first event to its last, state carried, as it writes one. */
export function scoreMelodyModel(model: MelodyModel, songs: ReadonlyArray<readonly MelodyEvent[]>): MelodyScores {
  const tally = new Tally();
  const input = new Float32Array(melodyInput(undefined, songs[0]?.[0]?.context ?? { chordRoot: undefined, chordPitchClasses: [], minor: false, stepInBar: 0, barInPhrase: 0 }).length);
  for (const events of songs) {
    const runner = new MelodyRunner(model);
    events.forEach((event, i) => {
      const pitchLogits = runner.step(melodyInput(events[i - 1], event.context, input));
      const lengthLogits = runner.lengthLogits(event.pitch);
      tally.add(
        { hit: argmax(pitchLogits) === event.pitch, logProbability: logSoftmax(pitchLogits)[event.pitch]! },
        { hit: argmax(lengthLogits) === event.length - 1, logProbability: logSoftmax(lengthLogits)[event.length - 1]! },
      );
    });
  }
  return tally.scores();
}

export function scoreMelodyNgrams(ngrams: MelodyNgrams, songs: ReadonlyArray<readonly MelodyEvent[]>): MelodyScores {
  const tally = new Tally();
  const context = ngrams.pitch.order - 1;
  for (const events of songs) {
    const pitches = events.map((e) => e.pitch);
    const lengths = events.map((e) => e.length - 1);
    events.forEach((_, i) => {
      const pitchHistory = pitches.slice(Math.max(0, i - context), i);
      const lengthHistory = lengths.slice(Math.max(0, i - context), i);
      tally.add(
        { hit: ngrams.pitch.best(pitchHistory) === pitches[i], logProbability: Math.log(ngrams.pitch.probability(pitchHistory, pitches[i]!)) },
        { hit: ngrams.length.best(lengthHistory) === lengths[i], logProbability: Math.log(ngrams.length.probability(lengthHistory, lengths[i]!)) },
      );
    });
  }
  return tally.scores();
}

export async function evaluateMelody(dataFolder: string, split: 'val' | 'test' = 'test', weightsFile = SHIPPED_MELODY_WEIGHTS): Promise<MelodyEvaluation> {
  const [train, heldOut, model] = await Promise.all([pop909Melodies(dataFolder, 'train'), pop909Melodies(dataFolder, split), loadMelodyModel(weightsFile)]);
  return {
    split,
    songs: heldOut.length,
    events: heldOut.reduce((n, events) => n + events.length, 0),
    modelVersion: model.version,
    model: scoreMelodyModel(model, heldOut),
    ngram: scoreMelodyNgrams(fitMelodyNgrams(train), heldOut),
  };
}

export function melodyTable(result: MelodyEvaluation): string {
  const row = (name: string, s: MelodyScores) =>
    `${name.padEnd(22)} ${(100 * s.pitchAccuracy).toFixed(1).padStart(8)} % ${(100 * s.lengthAccuracy).toFixed(1).padStart(8)} % ${s.pitchNll.toFixed(3).padStart(9)} ${s.lengthNll.toFixed(3).padStart(9)} ${s.nll.toFixed(3).padStart(9)}`;
  return [
    `Melody model on POP909 ${result.split} (${result.songs} songs, ${result.events} events), nats per event:`,
    `${''.padEnd(22)} ${'pitch acc'.padStart(10)} ${'length acc'.padStart(10)} ${'pitch NLL'.padStart(9)} ${'len NLL'.padStart(9)} ${'NLL'.padStart(9)}`,
    row(result.modelVersion, result.model),
    row('trigram (back-off)', result.ngram),
  ].join('\n');
}
