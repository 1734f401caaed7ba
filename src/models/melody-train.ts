// melody-train: the GRU of melody.ts on TensorFlow.js — the cross-entropy of each event's pitch plus
// that of its length (given the true pitch), over random windows of POP909's train-split melodies.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { readPop909Songs } from '../data/pop909-melody.js';
import { createRng, type Rng } from '../music/random.js';
import { tensorEngine, type Tf } from './engine.js';
import type { Parameters } from './linalg.js';
import { DEFAULT_MELODY_CONFIG, melodyShapes, MELODY_KIND, type MelodyConfig } from './melody.js';
import { FEATURE_LAYOUT_NAME, LENGTHS, melodyInput, MELODY_FEATURES, PITCH_TOKENS, songEvents, type MelodyEvent } from './melody-tokens.js';
import type { TrainCommandOptions } from './train-command.js';
import { train, type Trainable, type TrainResult } from './trainer.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;

export function initialMelodyParameters(config: MelodyConfig, rng: Rng): Parameters {
  const params: Parameters = new Map();
  for (const [name, shape] of melodyShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) data[i] = (2 * rng() - 1) * limit;
    }
    params.set(name, { shape, data });
  }
  return params;
}

/** Windows of events, time-major (row t·B + b), with the inputs each event reads and its targets. */
export interface MelodyBatch {
  size: number;
  steps: number;
  inputs: Float32Array;
  pitch: Int32Array;
  length: Int32Array;
  weight: Float32Array;
}

export function makeMelodyBatch(windows: ReadonlyArray<{ events: readonly MelodyEvent[]; start: number }>, steps: number): MelodyBatch {
  const rows = windows.length * steps;
  const batch: MelodyBatch = { size: windows.length, steps, inputs: new Float32Array(rows * MELODY_FEATURES), pitch: new Int32Array(rows), length: new Int32Array(rows), weight: new Float32Array(rows) };
  windows.forEach(({ events, start }, b) => {
    for (let t = 0; t < steps && start + t < events.length; t++) {
      const row = t * windows.length + b;
      const event = events[start + t]!;
      melodyInput(events[start + t - 1], event.context, batch.inputs.subarray(row * MELODY_FEATURES, (row + 1) * MELODY_FEATURES));
      batch.pitch[row] = event.pitch;
      batch.length[row] = event.length - 1;
      batch.weight[row] = 1;
    }
  });
  return batch;
}

/** The GRU forward pass: pitch and length logits [T·B × …], time-major, lengths read the true pitch. */
export function melodyOutput(tf: Tf, variables: Map<string, Variable>, config: MelodyConfig, batch: MelodyBatch): { pitch: Tensor2D; length: Tensor2D } {
  const h = config.hidden;
  const B = batch.size;
  const T = batch.steps;
  const v = (name: string) => variables.get(name)! as unknown as Tensor2D;
  const [uzr, uh] = tf.split(v('gru.recurrent'), [2 * h, h], 1) as [Tensor2D, Tensor2D];
  // The input projection of every step at once: one matrix product instead of T.
  const projected = tf.split(tf.add(tf.matMul(tf.tensor2d(batch.inputs, [T * B, MELODY_FEATURES]), v('gru.kernel')), v('gru.bias')), T) as Tensor2D[];
  const states: Tensor2D[] = [];
  let state: Tensor2D = tf.zeros([B, h]);
  for (let t = 0; t < T; t++) {
    const [pzr, ph] = tf.split(projected[t]!, [2 * h, h], 1) as [Tensor2D, Tensor2D];
    const [z, r] = tf.split(tf.sigmoid(tf.add(pzr, tf.matMul(state, uzr))), 2, 1) as [Tensor2D, Tensor2D];
    const candidate = tf.tanh(tf.add(ph, tf.matMul(tf.mul(r, state) as Tensor2D, uh)));
    state = tf.add(tf.mul(z, state), tf.mul(tf.sub(1, z), candidate)) as Tensor2D;
    states.push(state);
  }
  const all = tf.concat(states, 0) as Tensor2D;
  const pitch = tf.add(tf.matMul(all, v('pitch.w')), v('pitch.b')) as Tensor2D;
  const truePitch = tf.oneHot(tf.tensor1d(batch.pitch, 'int32'), PITCH_TOKENS).toFloat() as Tensor2D;
  const length = tf.add(tf.add(tf.matMul(all, v('length.w')), tf.matMul(truePitch, v('length.pitch'))), v('length.b')) as Tensor2D;
  return { pitch, length };
}

/** Summed negative log-likelihoods (nats) of the batch's events, and how many there are. */
function melodyNll(tf: Tf, output: { pitch: Tensor2D; length: Tensor2D }, batch: MelodyBatch): { pitch: Tensor; length: Tensor; events: number } {
  const weight = tf.tensor1d(batch.weight);
  const nll = (logits: Tensor2D, targets: Int32Array, classes: number) => tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(targets, 'int32'), classes).toFloat()), 1), weight)));
  return { pitch: nll(output.pitch, batch.pitch, PITCH_TOKENS), length: nll(output.length, batch.length, LENGTHS), events: batch.weight.reduce((a, b) => a + b, 0) };
}

export function melodyTrainable(tf: Tf, config: MelodyConfig, params: Parameters, data: { train: ReadonlyArray<readonly MelodyEvent[]>; validation: ReadonlyArray<readonly MelodyEvent[]> }, options: { batchSize: number }): Trainable {
  const variables = new Map<string, Variable>([...params].map(([name, { shape, data: values }]) => [name, tf.variable(tf.tensor(values, shape), true, name)]));
  const train = data.train.filter((events) => events.length > 1);
  const total = train.reduce((n, events) => n + events.length, 0);
  const validationWindows = data.validation.flatMap((events) => Array.from({ length: Math.ceil(events.length / config.window) }, (_, i) => ({ events, start: i * config.window })));
  const validationBatches: MelodyBatch[] = [];
  for (let i = 0; i < validationWindows.length; i += 64) validationBatches.push(makeMelodyBatch(validationWindows.slice(i, i + 64), config.window));
  return {
    kind: MELODY_KIND,
    variables,
    batchLoss: (rng) => {
      // Windows start anywhere in a song, songs drawn in proportion to their length.
      const windows = Array.from({ length: options.batchSize }, () => {
        let pick = rng() * total;
        const events = train.find((e) => (pick -= e.length) < 0) ?? train.at(-1)!;
        return { events, start: Math.floor(rng() * Math.max(1, events.length - config.window + 1)) };
      });
      const batch = makeMelodyBatch(windows, config.window);
      const nll = melodyNll(tf, melodyOutput(tf, variables, config, batch), batch);
      return tf.div(tf.add(nll.pitch, nll.length), Math.max(1, nll.events)) as import('@tensorflow/tfjs').Scalar;
    },
    validate: () => {
      let sum = 0;
      let events = 0;
      for (const batch of validationBatches) {
        sum += tf.tidy(() => {
          const nll = melodyNll(tf, melodyOutput(tf, variables, config, batch), batch);
          return tf.add(nll.pitch, nll.length).dataSync()[0]!;
        });
        events += batch.weight.reduce((a, b) => a + b, 0);
      }
      return { loss: sum / Math.max(1, events) };
    },
    decays: (name) => name.endsWith('kernel') || name.endsWith('recurrent') || name.endsWith('.w') || name === 'length.pitch',
  };
}

/** POP909's folder under the data folder (`<data>/pop909`), or the data folder itself when it holds POP909/. */
export function pop909Folder(dataFolder: string): string {
  return existsSync(path.join(dataFolder, 'POP909')) ? dataFolder : path.join(dataFolder, 'pop909');
}

/** Every song of a POP909 split as melody events. */
export async function pop909Melodies(dataFolder: string, split: 'train' | 'val' | 'test'): Promise<MelodyEvent[][]> {
  return (await readPop909Songs(pop909Folder(dataFolder), split)).map(songEvents).filter((events) => events.length > 1);
}

/** `v2m train melody`: POP909's train split, the epoch chosen on its val split. */
export async function trainMelody(options: TrainCommandOptions): Promise<TrainResult> {
  const [trainSongs, validationSongs] = await Promise.all([pop909Melodies(options.data, 'train'), pop909Melodies(options.data, 'val')]);
  const tf = await tensorEngine();
  const config: MelodyConfig = { ...DEFAULT_MELODY_CONFIG, ...(options.width ? { hidden: options.width } : {}) };
  const model = melodyTrainable(tf, config, initialMelodyParameters(config, createRng(options.seed)), { train: trainSongs, validation: validationSongs }, { batchSize: options.batchSize });
  const events = trainSongs.reduce((n, song) => n + song.length, 0);
  return train(tf, model, {
    out: options.out,
    epochs: options.epochs,
    stepsPerEpoch: Math.ceil(events / (options.batchSize * config.window)),
    learningRate: options.learningRate,
    warmupSteps: 50,
    weightDecay: 0.01,
    clipNorm: 1,
    patience: 3,
    seed: options.seed,
    resume: options.resume,
    onProgress: options.onProgress,
    header: {
      version: `melody-gru${config.hidden}-s${options.seed}`,
      config,
      features: MELODY_FEATURES,
      layout: FEATURE_LAYOUT_NAME,
      trainedOn: `POP909 train split (${trainSongs.length} songs, ${events} events; Wang et al. 2020, MIT); epoch chosen on val`,
    },
  });
}
