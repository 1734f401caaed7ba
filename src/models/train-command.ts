// `v2m train amt|chord-lm|dynamics --data <muvi-sync> --out <dir>`: trains one model on MuVi-Sync's
// train split, chooses the epoch on val, and writes <out>/<kind>.weights with its loss curve.

import { usageError } from '../errors.js';
import type { ModelKind } from './kinds.js';
import { createRng } from '../music/random.js';
import { DEFAULT_AMT_CONFIG, type AmtConfig } from './amt.js';
import { amtTrainable, initialAmtParameters, isLanguageModelPart, sequenceFromMuvi, type ChordSequence } from './amt-train.js';
import { DEFAULT_DYNAMICS_CONFIG, type DynamicsConfig } from './dynamics.js';
import { dynamicsTrainable, initialDynamicsParameters, dynamicsNormalisation } from './dynamics-train.js';
import { trainMelody } from './melody-train.js';
import { tensorEngine } from './engine.js';
import { FEATURES } from './features.js';
import { readVideos } from './muvisync.js';
import { readPretrainingSequences, PRETRAINING_SOURCES, type PretrainingSource } from './pretraining.js';
import { train, type ChooseBy, type TrainResult } from './trainer.js';
import type { Parameters } from './linalg.js';
import { loadWeights } from './weights.js';
import path from 'node:path';

export interface TrainCommandOptions {
  data: string;
  out: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lambda: number;
  width?: number;
  seed: number;
  resume: boolean;
  pretrain: PretrainingSource[];
  pretrainFolder: string;
  /** Start from these weights where the names match (e.g. the AMT from a trained chord LM). */
  init?: string;
  /** With init: keep the seeded language-model part fixed and train only the video paths. */
  freeze?: boolean;
  /** amt: share of training windows whose video is hidden (0 = none). */
  videoDropout?: number;
  /** amt, chord-lm: what chooses the kept epoch (the loss unless 'hits1'). */
  chooseBy?: string;
  onProgress?: (line: string, done: boolean) => void;
}

export function checkPretraining(list: string): PretrainingSource[] {
  const sources = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const source of sources) {
    if (!(PRETRAINING_SOURCES as readonly string[]).includes(source)) throw usageError(`Unknown pre-training data '${source}'. Choose from: ${PRETRAINING_SOURCES.join(', ')}.`);
  }
  return sources as PretrainingSource[];
}

/**
 * Copies every parameter `source` has into `target` (same name and shape). When a chord LM seeds an
 * AMT, the paths the LM lacks — the video added to the decoder input and the cross-attention's
 * output — start at zero, so training starts from exactly the LM and the video can only add to it.
 */
export function startFrom(target: Parameters, source: Parameters): void {
  let copied = 0;
  for (const [name, value] of source) {
    const slot = target.get(name);
    if (!slot || slot.shape.join() !== value.shape.join()) continue;
    slot.data.set(value.data);
    copied += 1;
  }
  if (copied === 0) throw usageError('--init: the weights share no parameter with this model; give a chord-lm or amt weights file of the same width.');
  for (const [name, slot] of target) if (!source.has(name) && (name === 'dec.feat.w' || /^dec\.\d+\.cross\.o\.[wb]$/.test(name))) slot.data.fill(0);
}

function checkChooseBy(name: string, kind: ModelKind): ChooseBy {
  if (name !== 'loss' && name !== 'hits1') throw usageError(`Unknown --choose-by '${name}'. Choose loss or hits1.`);
  if (name === 'hits1' && (kind === 'dynamics' || kind === 'melody')) throw usageError(`--choose-by hits1 applies to chord models (amt, chord-lm); ${kind} is chosen by its loss.`);
  return name;
}

export async function trainCommand(kind: ModelKind, options: TrainCommandOptions): Promise<TrainResult> {
  if (!(options.lambda > 0 && options.lambda <= 1)) throw usageError('--lambda must be in (0, 1]: the weight of the chord cross-entropy against the affective loss.');
  const videoDropout = options.videoDropout ?? 0;
  if (!(videoDropout >= 0 && videoDropout < 1)) throw usageError('--video-dropout must be in [0, 1): the share of training windows whose video is hidden.');
  if (videoDropout > 0 && kind !== 'amt') throw usageError('--video-dropout applies to the amt only: the other models have no video path to drop.');
  const chooseBy = checkChooseBy(options.chooseBy ?? 'loss', kind);
  if (kind === 'melody') return trainMelody(options); // POP909, not MuVi-Sync
  const [trainVideos, validationVideos] = await Promise.all([readVideos(options.data, 'train'), readVideos(options.data, 'val')]);
  const tf = await tensorEngine();
  const rng = createRng(options.seed);
  const common = { epochs: options.epochs, learningRate: options.learningRate, weightDecay: 0.01, clipNorm: 1, patience: 4, seed: options.seed, resume: options.resume, out: options.out, onProgress: options.onProgress };
  if (kind === 'dynamics') {
    const config: DynamicsConfig = { ...DEFAULT_DYNAMICS_CONFIG, ...(options.width ? { hidden: options.width } : {}) };
    const normalisation = dynamicsNormalisation(trainVideos);
    const model = dynamicsTrainable(tf, config, initialDynamicsParameters(config, rng), { train: trainVideos, validation: validationVideos, normalisation }, { batchSize: options.batchSize });
    const seconds = trainVideos.reduce((n, v) => n + v.chords.length, 0);
    return train(tf, model, {
      ...common,
      stepsPerEpoch: Math.ceil(seconds / (options.batchSize * config.window)),
      warmupSteps: 50,
      header: { version: `dynamics-h${config.hidden}-s${options.seed}`, config, features: FEATURES, normalisation, trainedOn: 'MuVi-Sync train (597 videos); epoch chosen on val' },
    });
  }
  const video = kind === 'amt';
  const config: AmtConfig = { ...DEFAULT_AMT_CONFIG, video, ...(options.width ? { width: options.width, feedForward: 2 * options.width } : {}) };
  const lambda = video ? options.lambda : 1; // the chord LM has no emotion input to be affective about
  let sequences: ChordSequence[] = trainVideos.map(sequenceFromMuvi);
  if (options.pretrain.length > 0) sequences = [...sequences, ...(await readPretrainingSequences(options.pretrainFolder, options.pretrain))];
  const initial = initialAmtParameters(config, rng);
  if (options.init) startFrom(initial, (await loadWeights(options.init, video ? 'chord-lm' : kind).catch(() => loadWeights(options.init!, kind))).params);
  const model = amtTrainable(tf, config, initial, { train: sequences, validation: validationVideos.map(sequenceFromMuvi) }, {
    lambda,
    batchSize: options.batchSize,
    kind,
    frozen: options.freeze && options.init ? isLanguageModelPart : undefined,
    videoDropout,
  });
  const seconds = sequences.reduce((n, s) => n + s.chords.length, 0);
  return train(tf, model, {
    ...common,
    stepsPerEpoch: Math.ceil(seconds / (options.batchSize * config.window)),
    warmupSteps: 100,
    chooseBy,
    header: {
      initialisedFrom: options.init ? path.basename(options.init) : undefined,
      version: `${kind}-w${config.width}-l${config.encoderLayers}x${config.decoderLayers}-lambda${lambda}-s${options.seed}${options.pretrain.length ? `-pre-${options.pretrain.join('+')}` : ''}${options.init ? (options.freeze ? '-frozen-lm' : '-from-lm') : ''}${videoDropout ? `-vd${videoDropout}` : ''}`,
      config,
      features: FEATURES,
      lambda,
      videoDropout,
      trainedOn: `MuVi-Sync train (597 videos)${options.pretrain.length ? ` + ${options.pretrain.join(', ')}` : ''}; epoch chosen on val ${chooseBy === 'hits1' ? 'Hits@1' : 'loss'}`,
    },
  });
}
