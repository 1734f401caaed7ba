// models/evaluate: the figures of EVALUATION.md §3 on MuVi-Sync — chord Hits@1/3/5 and emotion
// correspondence, dynamics RMSE — for every chord and dynamics model v2m has, beside the baselines
// every learned model must beat: the most frequent chord, a unigram sampler, and the train mean.

import { allowedQualitiesFor } from '../measure/metrics.js';
import { createRng } from '../music/random.js';
import { muviFeatures } from './features.js';
import type { MuviVideo } from './muvisync.js';
import { generateChords, predictDynamicsCurve, rankChords, type ChordModel as LearnedChordModel, type DynamicsModel } from './shipped.js';
import { CHORD_CLASSES, classQuality } from './vocabulary.js';

export interface ChordScores {
  model: string;
  hits1: number;
  hits3: number;
  hits5: number;
  /** Share of confidently emotional seconds whose predicted chord has a quality that emotion allows. */
  emotion: number | null;
}

export interface DynamicsScores {
  model: string;
  rmse_density: number;
  rmse_loudness: number;
}

/** A chord model, as the evaluation sees it: per second, classes ranked best first, and one sampled prediction. */
export interface ChordModel {
  name: string;
  rank(video: MuviVideo): number[][];
  sample(video: MuviVideo): number[];
}

export function scoreChordModel(model: ChordModel, videos: readonly MuviVideo[]): ChordScores {
  const hits = [0, 0, 0];
  let seconds = 0;
  let judged = 0;
  let allowed = 0;
  for (const video of videos) {
    const rankings = model.rank(video);
    const samples = model.sample(video);
    video.chords.forEach((truth, second) => {
      const ranking = rankings[second] ?? [];
      seconds += 1;
      [1, 3, 5].forEach((k, i) => {
        if (ranking.slice(0, k).includes(truth)) hits[i]! += 1;
      });
      const qualities = allowedQualitiesFor(video.emotion[second] ?? []);
      if (!qualities) return;
      judged += 1;
      const quality = classQuality(samples[second] ?? 0);
      if (quality !== 'N' && qualities.includes(quality)) allowed += 1;
    });
  }
  return { model: model.name, hits1: hits[0]! / seconds, hits3: hits[1]! / seconds, hits5: hits[2]! / seconds, emotion: judged === 0 ? null : allowed / judged };
}

export function chordCounts(videos: readonly MuviVideo[]): number[] {
  const counts = new Array<number>(CHORD_CLASSES).fill(0);
  for (const video of videos) for (const chord of video.chords) counts[chord]! += 1;
  return counts;
}

/** Chord classes from the most to the least frequent (ties to the lower class). */
function frequencyRanking(counts: readonly number[]): number[] {
  return counts.map((_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
}

/** Always the train set's most frequent chords, in order. */
export function mostFrequentModel(train: readonly MuviVideo[]): ChordModel {
  const ranking = frequencyRanking(chordCounts(train));
  return { name: 'most-frequent', rank: (video) => video.chords.map(() => ranking), sample: (video) => video.chords.map(() => ranking[0]!) };
}

/** Samples each second independently from the train set's chord frequencies (seeded). */
export function unigramModel(train: readonly MuviVideo[], seed = 1): ChordModel {
  const counts = chordCounts(train);
  const total = counts.reduce((a, b) => a + b, 0);
  const ranking = frequencyRanking(counts);
  return {
    name: 'unigram',
    rank: (video) => video.chords.map(() => ranking),
    sample: (video) => {
      const rng = createRng(seed + Number(video.id));
      return video.chords.map(() => {
        let pick = rng() * total;
        for (let i = 0; i < counts.length; i++) {
          pick -= counts[i]!;
          if (pick < 0) return i;
        }
        return ranking[0]!;
      });
    },
  };
}

/**
 * A chord-only bigram language model, P(chord | previous second's chord) with add-α smoothing: what
 * the music alone predicts. Ranked with the true previous chord (teacher forcing, as Hits@k is
 * measured for the transformer); sampled free-running from its own previous choice.
 */
export function bigramModel(train: readonly MuviVideo[], seed = 1, alpha = 0.1): ChordModel {
  const counts = Array.from({ length: CHORD_CLASSES }, () => new Float64Array(CHORD_CLASSES).fill(alpha));
  for (const video of train) video.chords.forEach((chord, t) => t > 0 && (counts[video.chords[t - 1]!]![chord]! += 1));
  const unigram = mostFrequentModel(train);
  const rankings = counts.map((row) => [...row.keys()].sort((a, b) => row[b]! - row[a]! || a - b));
  const first = (video: MuviVideo) => unigram.rank(video)[0]!;
  return {
    name: 'chord-bigram',
    rank: (video) => video.chords.map((_, t) => (t === 0 ? first(video) : rankings[video.chords[t - 1]!]!)),
    sample: (video) => {
      const rng = createRng(seed + Number(video.id));
      const samples: number[] = [];
      video.chords.forEach((_, t) => {
        if (t === 0) return samples.push(first(video)[0]!);
        const row = counts[samples[t - 1]!]!;
        let pick = rng() * row.reduce((a, b) => a + b, 0);
        let choice = 0;
        while (choice < row.length - 1 && (pick -= row[choice]!) >= 0) choice += 1;
        return samples.push(choice);
      });
      return samples;
    },
  };
}

/**
 * A trained AMT or chord LM: ranked with the true previous chords (teacher forcing), sampled
 * free-running at temperature 1 with no top-k or repeat limit — the model as it is.
 */
export function learnedChordModel(model: LearnedChordModel, seed = 1): ChordModel {
  return {
    name: model.kind,
    rank: (video) => rankChords(model, muviFeatures(video), video.chords),
    sample: (video) => generateChords(model, muviFeatures(video), video.chords.length, { temperature: 1, topK: 0, maxRepeat: 0, seed: seed + Number(video.id) }),
  };
}

export function learnedDynamicsScores(model: DynamicsModel, test: readonly MuviVideo[]): DynamicsScores {
  const errors = { density: [] as number[], loudness: [] as number[] };
  for (const video of test) {
    const seconds = Math.min(video.noteDensity.length, video.loudness.length, video.emotion.length);
    const predicted = predictDynamicsCurve(model, muviFeatures(video), seconds);
    for (let t = 0; t < seconds; t++) {
      errors.density.push(predicted.noteDensity[t]! - video.noteDensity[t]!);
      errors.loudness.push(predicted.loudness[t]! - video.loudness[t]!);
    }
  }
  return { model: 'bigru', rmse_density: rmse(errors.density, 0), rmse_loudness: rmse(errors.loudness, 0) };
}

/** The train mean of note density and loudness, predicted for every second. */
export function meanDynamicsScores(train: readonly MuviVideo[], test: readonly MuviVideo[]): DynamicsScores {
  const mean = (pick: (v: MuviVideo) => number[]) => {
    const all = train.flatMap(pick);
    return all.reduce((a, b) => a + b, 0) / all.length;
  };
  const density = mean((v) => v.noteDensity);
  const loudness = mean((v) => v.loudness);
  return { model: 'mean', rmse_density: rmse(test.flatMap((v) => v.noteDensity), density), rmse_loudness: rmse(test.flatMap((v) => v.loudness), loudness) };
}

function rmse(values: readonly number[], prediction: number): number {
  return Math.sqrt(values.reduce((sum, v) => sum + (v - prediction) ** 2, 0) / values.length);
}
