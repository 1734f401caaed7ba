// models: `v2m eval models --data <muvi-sync> --split test` — every chord and dynamics model v2m
// has, scored on MuVi-Sync the same way (EVALUATION.md §3). Until the learned models (the AMT and
// the biGRU) are trained and shipped, that is the baselines they will have to beat.

import { usageError } from '../errors.js';
import { bigramModel, meanDynamicsScores, mostFrequentModel, scoreChordModel, unigramModel, type ChordScores, type DynamicsScores } from './evaluate.js';
import { readVideos, type Split } from './muvisync.js';

export interface ModelsEvaluation {
  split: Split;
  videos: number;
  seconds: number;
  chords: ChordScores[];
  dynamics: DynamicsScores[];
}

const SPLITS: readonly Split[] = ['train', 'val', 'test'];

export function checkSplit(name: string): Split {
  if (!(SPLITS as readonly string[]).includes(name)) throw usageError(`Unknown split '${name}'. Choose one of: ${SPLITS.join(', ')}.`);
  return name as Split;
}

export async function evaluateModels(dataFolder: string, split: Split): Promise<ModelsEvaluation> {
  const [train, evaluated] = await Promise.all([readVideos(dataFolder, 'train'), readVideos(dataFolder, split)]);
  return {
    split,
    videos: evaluated.length,
    seconds: evaluated.reduce((sum, v) => sum + v.chords.length, 0),
    chords: [mostFrequentModel(train), unigramModel(train), bigramModel(train)].map((model) => scoreChordModel(model, evaluated)),
    dynamics: [meanDynamicsScores(train, evaluated)],
  };
}

export function modelsTable(result: ModelsEvaluation): string {
  const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(1)} %`);
  const lines = [
    `MuVi-Sync ${result.split}: ${result.videos} videos, ${result.seconds} seconds`,
    '',
    'chords          Hits@1   Hits@3   Hits@5   emotion',
    ...result.chords.map((c) => `${c.model.padEnd(14)} ${percent(c.hits1).padStart(7)}  ${percent(c.hits3).padStart(7)}  ${percent(c.hits5).padStart(7)}  ${percent(c.emotion).padStart(7)}`),
    '',
    'dynamics        RMSE density   RMSE loudness',
    ...result.dynamics.map((d) => `${d.model.padEnd(14)} ${d.rmse_density.toFixed(3).padStart(12)}   ${d.rmse_loudness.toFixed(4).padStart(13)}`),
  ];
  return lines.join('\n');
}
