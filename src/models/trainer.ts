// trainer: one training loop for both learned models — seeded batches, AdamW (Adam with decoupled
// weight decay), linear warm-up then cosine decay, global-norm gradient clipping, a validation loss
// after every epoch with early stopping, a checkpoint per epoch that `--resume` continues from,
// progress with loss and ETA, and the loss curve on disk (loss.csv, loss.svg).

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../files.js';
import { createRng, type Rng } from '../music/random.js';
import type { Tf } from './engine.js';
import type { Parameters } from './linalg.js';
import { loadWeights, saveWeights } from './weights.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Scalar = import('@tensorflow/tfjs').Scalar;
type Variable = import('@tensorflow/tfjs').Variable;

/** What the loop needs from a model. */
export interface Trainable {
  kind: string;
  variables: Map<string, Variable>;
  /** Mean loss of one seeded random batch (inside the loop's tidy). */
  batchLoss(rng: Rng): Scalar;
  /** Mean loss over the whole validation set (deterministic), and for chord models the top-1 hit rate. */
  validate(): Validation;
  /** Which parameters weight decay shrinks (matrices and embeddings, not biases, gains or position biases). */
  decays(name: string): boolean;
  /** Parameters held fixed (e.g. a seeded chord LM's decoder while the AMT learns its video paths). */
  frozen?: (name: string) => boolean;
}

export interface Validation {
  loss: number;
  hits1?: number;
}

/**
 * What chooses the epoch that is kept (and stops training early): the validation loss, or for chord
 * models the top-1 hit rate — the figure the evaluation compares, which the AMT's loss (CE plus the
 * affective term) does not follow one for one.
 */
export type ChooseBy = 'loss' | 'hits1';

export interface TrainOptions {
  out: string;
  epochs: number;
  stepsPerEpoch: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
  /** Stop after this many epochs without a better validation figure. */
  patience: number;
  chooseBy?: ChooseBy;
  seed: number;
  resume: boolean;
  /** Stop after this many epochs in this run, leaving a checkpoint to resume (time-boxed sessions). */
  epochsThisRun?: number;
  /** Extra header fields for the saved weights (config, version, data…). */
  header: Record<string, unknown> & { version: string; config: unknown };
  onProgress?: (line: string, done: boolean) => void;
}

export interface TrainResult {
  bestEpoch: number;
  /** The chosen epoch's figure: its loss, or its hit rate when chosen by hits1. */
  bestValidation: number;
  chosenBy: ChooseBy;
  epochsRun: number;
  seconds: number;
  weightsFile: string;
  history: HistoryRow[];
}

interface HistoryRow {
  epoch: number;
  step: number;
  train: number;
  validation: number;
  hits1?: number;
  learningRate: number;
  seconds: number;
}

interface Checkpoint {
  epoch: number;
  step: number;
  bestEpoch: number;
  bestValidation: number;
  sinceBest: number;
  seconds: number;
  history: HistoryRow[];
}

export function learningRateAt(step: number, totalSteps: number, options: Pick<TrainOptions, 'learningRate' | 'warmupSteps'>): number {
  if (step < options.warmupSteps) return (options.learningRate * (step + 1)) / options.warmupSteps;
  const progress = Math.min(1, (step - options.warmupSteps) / Math.max(1, totalSteps - options.warmupSteps));
  return options.learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

export async function train(tf: Tf, model: Trainable, options: TrainOptions): Promise<TrainResult> {
  await mkdir(options.out, { recursive: true });
  const files = {
    best: path.join(options.out, `${model.kind}.weights`),
    last: path.join(options.out, 'checkpoint.weights'),
    optimizer: path.join(options.out, 'checkpoint-optimizer.weights'),
    state: path.join(options.out, 'checkpoint.json'),
  };
  const optimizer = tf.train.adam(options.learningRate, 0.9, 0.98, 1e-8);
  const totalSteps = options.epochs * options.stepsPerEpoch;
  // Every figure is kept as "lower is better": the hit rate enters negated.
  const figure = (v: Validation) => {
    if (options.chooseBy !== 'hits1') return v.loss;
    if (v.hits1 === undefined) throw new Error(`A ${model.kind} model has no hit rate to be chosen by.`);
    return -v.hits1;
  };
  let state: Checkpoint = { epoch: 0, step: 0, bestEpoch: 0, bestValidation: Infinity, sinceBest: 0, seconds: 0, history: [] };
  if (options.resume && existsSync(files.state)) {
    state = JSON.parse(await readFile(files.state, 'utf8')) as Checkpoint;
    await restore(tf, model, optimizer, files);
  }
  const started = Date.now() - state.seconds * 1000;
  const lastEpoch = Math.min(options.epochs, state.epoch + (options.epochsThisRun ?? Infinity));
  // One random stream per epoch, so a resumed run sees the batches the uninterrupted one would have.
  while (state.epoch < lastEpoch && state.sinceBest < options.patience) {
    const rng = createRng(options.seed * 1000 + state.epoch);
    let sum = 0;
    const epochStart = Date.now();
    for (let i = 0; i < options.stepsPerEpoch; i++) {
      const learningRate = learningRateAt(state.step, totalSteps, options);
      sum += trainStep(tf, model, optimizer, learningRate, options, rng);
      state.step += 1;
      const perStep = (Date.now() - epochStart) / (i + 1);
      const left = perStep * ((options.epochs - state.epoch - 1) * options.stepsPerEpoch + options.stepsPerEpoch - i - 1);
      options.onProgress?.(progressLine(state.epoch + 1, options.epochs, (i + 1) / options.stepsPerEpoch, sum / (i + 1), Math.abs(state.bestValidation), left), false);
    }
    const validation = model.validate();
    state.epoch += 1;
    state.seconds = (Date.now() - started) / 1000;
    state.history.push({ epoch: state.epoch, step: state.step, train: sum / options.stepsPerEpoch, validation: validation.loss, hits1: validation.hits1, learningRate: learningRateAt(state.step, totalSteps, options), seconds: state.seconds });
    if (figure(validation) < state.bestValidation) {
      state.bestValidation = figure(validation);
      state.bestEpoch = state.epoch;
      state.sinceBest = 0;
      await saveWeights(files.best, { kind: model.kind, ...options.header, epoch: state.epoch, validationLoss: validation.loss, validationHits1: validation.hits1 }, snapshot(model.variables));
    } else {
      state.sinceBest += 1;
    }
    await saveWeights(files.last, { kind: model.kind, ...options.header }, snapshot(model.variables));
    await saveWeights(files.optimizer, { kind: 'optimizer', version: 'adam', config: {} }, optimizerSnapshot(optimizer));
    await writeFileAtomically(files.state, JSON.stringify(state, null, 2));
    await writeLossCurve(options.out, state.history);
    const hits = validation.hits1 === undefined ? '' : `, hits@1 ${(100 * validation.hits1).toFixed(1)} %`;
    options.onProgress?.(`epoch ${state.epoch}/${options.epochs}: train ${(sum / options.stepsPerEpoch).toFixed(4)}, validation ${validation.loss.toFixed(4)}${hits}${state.bestEpoch === state.epoch ? ' (best)' : ''}, ${formatSeconds(state.seconds)}`, true);
  }
  return { bestEpoch: state.bestEpoch, bestValidation: Math.abs(state.bestValidation), chosenBy: options.chooseBy ?? 'loss', epochsRun: state.epoch, seconds: state.seconds, weightsFile: files.best, history: state.history };
}

function trainStep(tf: Tf, model: Trainable, optimizer: ReturnType<Tf['train']['adam']>, learningRate: number, options: TrainOptions, rng: Rng): number {
  return tf.tidy(() => {
    const variables = [...model.variables].filter(([name]) => !model.frozen?.(name)).map(([, variable]) => variable);
    const { value, grads } = tf.variableGrads(() => model.batchLoss(rng), variables);
    // One read back from the engine per step, not one per gradient.
    const norm = Math.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum())).dataSync()[0] ?? 0);
    const scale = norm > options.clipNorm ? options.clipNorm / norm : 1;
    const clipped = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, scale === 1 ? g : g.mul(scale)])) as Record<string, Variable>;
    // The learning rate changes every step (warm-up, cosine); Adam reads it at each update.
    Object.assign(optimizer, { learningRate });
    optimizer.applyGradients(clipped);
    for (const [name, variable] of model.variables) if (model.decays(name) && !model.frozen?.(name)) variable.assign(variable.mul(1 - learningRate * options.weightDecay));
    return value.dataSync()[0]!;
  });
}

export function snapshot(variables: Map<string, Variable>): Parameters {
  return new Map([...variables].map(([name, v]) => [name, { shape: v.shape, data: v.dataSync() as Float32Array }]));
}

function optimizerSnapshot(optimizer: ReturnType<Tf['train']['adam']>): Parameters {
  // getWeights is async in tfjs; the Adam slots are also reachable synchronously through the accumulators.
  const slots = optimizer as unknown as { accumulatedFirstMoment: Array<{ originalName: string; variable: Variable }>; accumulatedSecondMoment: Array<{ originalName: string; variable: Variable }>; iterations_: number };
  const params: Parameters = new Map();
  params.set('iterations', { shape: [1], data: Float32Array.of(slots.iterations_ ?? 0) });
  for (const [label, list] of [['m', slots.accumulatedFirstMoment], ['v', slots.accumulatedSecondMoment]] as const) {
    // Adam names its slots "<variable>/m" and "<variable>/v".
    for (const { originalName, variable } of list ?? []) params.set(`${label}:${originalName.replace(/\/[mv]$/, '')}`, { shape: variable.shape, data: variable.dataSync() as Float32Array });
  }
  return params;
}

async function restore(tf: Tf, model: Trainable, optimizer: ReturnType<Tf['train']['adam']>, files: { last: string; optimizer: string }): Promise<void> {
  const { params } = await loadWeights(files.last, model.kind);
  for (const [name, variable] of model.variables) {
    const saved = params.get(name);
    if (!saved) throw new Error(`The checkpoint has no '${name}'; it was made by another model configuration.`);
    variable.assign(tf.tensor(saved.data, saved.shape));
  }
  const slots = await loadWeights(files.optimizer, 'optimizer');
  const weights: Array<{ name: string; tensor: Tensor }> = [{ name: 'iter', tensor: tf.scalar(slots.params.get('iterations')!.data[0]!) }];
  // Adam keeps its moments by position, in the order of the gradients: the model's variable order.
  // (Variables are created with their parameter names, so the names match across processes.)
  for (const label of ['m', 'v']) {
    for (const name of [...model.variables.keys()].filter((name) => !model.frozen?.(name))) {
      const saved = slots.params.get(`${label}:${name}`);
      if (!saved) throw new Error(`The optimizer checkpoint has no '${label}:${name}'.`);
      weights.push({ name, tensor: tf.tensor(saved.data, saved.shape) });
    }
  }
  await optimizer.setWeights(weights);
}

function progressLine(epoch: number, epochs: number, fraction: number, loss: number, best: number, leftMs: number): string {
  const width = 20;
  const filled = Math.round(fraction * width);
  return `epoch ${epoch}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  loss ${loss.toFixed(4)}  best val ${Number.isFinite(best) ? best.toFixed(4) : '–'}  ETA ${formatSeconds(leftMs / 1000)}`;
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

async function writeLossCurve(folder: string, history: readonly HistoryRow[]): Promise<void> {
  const csv = ['epoch,step,train_loss,validation_loss,validation_hits1,learning_rate,seconds', ...history.map((h) => `${h.epoch},${h.step},${h.train},${h.validation},${h.hits1 ?? ''},${h.learningRate},${h.seconds.toFixed(1)}`)];
  await writeFileAtomically(path.join(folder, 'loss.csv'), `${csv.join('\n')}\n`);
  const values = history.flatMap((h) => [h.train, h.validation]);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const x = (i: number) => 40 + (i / Math.max(1, history.length - 1)) * 540;
  const y = (v: number) => 20 + (1 - (v - low) / (high - low || 1)) * 240;
  const line = (pick: (h: HistoryRow) => number, colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${history.map((h, i) => `${x(i).toFixed(1)},${y(pick(h)).toFixed(1)}`).join(' ')}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 300" font-family="sans-serif" font-size="12">
<rect width="600" height="300" fill="#fff"/><text x="40" y="14">loss per epoch: train (blue), validation (orange); ${low.toFixed(3)}–${high.toFixed(3)}</text>
${line((h) => h.train, '#1c7ed6')}${line((h) => h.validation, '#f08c00')}
</svg>\n`;
  await writeFileAtomically(path.join(folder, 'loss.svg'), svg);
}
