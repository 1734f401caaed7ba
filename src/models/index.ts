// models: `v2m eval models --data <muvi-sync> --split test` — every chord and dynamics model v2m
// has, scored on MuVi-Sync the same way (EVALUATION.md §3): the baselines, the chord-only language
// model (the AMT's decoder without video), the AMT and the biGRU — the shipped weights, or those in
// `--models <folder>` (as `v2m train` writes them).

import { usageError } from '../errors.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bigramModel, learnedChordModel, learnedDynamicsScores, meanDynamicsScores, mostFrequentModel, scoreChordModel, unigramModel, type ChordScores, type DynamicsScores } from './evaluate.js';
import { readVideos, type Split } from './muvisync.js';
import { loadChordModel, loadDynamicsModel, SHIPPED_MODELS_FOLDER } from './shipped.js';

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

export async function evaluateModels(dataFolder: string, split: Split, modelsFolder = SHIPPED_MODELS_FOLDER): Promise<ModelsEvaluation> {
  const [train, evaluated] = await Promise.all([readVideos(dataFolder, 'train'), readVideos(dataFolder, split)]);
  const weights = (kind: string) => {
    const file = path.join(modelsFolder, `${kind}.weights`);
    return existsSync(file) ? file : undefined;
  };
  const chordModels = [mostFrequentModel(train), unigramModel(train), bigramModel(train)];
  for (const kind of ['chord-lm', 'amt'] as const) {
    const file = weights(kind);
    if (file) chordModels.push(learnedChordModel(await loadChordModel(file, kind)));
  }
  const dynamics = [meanDynamicsScores(train, evaluated)];
  const dynamicsFile = weights('dynamics');
  if (dynamicsFile) dynamics.push(learnedDynamicsScores(await loadDynamicsModel(dynamicsFile), evaluated));
  return {
    split,
    videos: evaluated.length,
    seconds: evaluated.reduce((sum, v) => sum + v.chords.length, 0),
    chords: chordModels.map((model) => scoreChordModel(model, evaluated)),
    dynamics,
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
