// dynamics-train: the biGRU of dynamics.ts on TensorFlow.js — mean squared error of the z-scored
// density and loudness over random windows of MuVi-Sync videos.

import type { Rng } from '../music/random.js';
import { DIRECTIONS, dynamicsShapes, type DynamicsConfig, type DynamicsNormalisation } from './dynamics.js';
import type { Tf } from './engine.js';
import { FEATURES, muviFeatures } from './features.js';
import type { Parameters } from './linalg.js';
import type { MuviVideo } from './muvisync.js';
import type { Trainable } from './trainer.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;

export function dynamicsNormalisation(videos: readonly MuviVideo[]): DynamicsNormalisation {
  const stats = (values: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return [mean, Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1] as const;
  };
  const [densityMean, densityStd] = stats(videos.flatMap((v) => v.noteDensity));
  const [loudnessMean, loudnessStd] = stats(videos.flatMap((v) => v.loudness));
  return { densityMean, densityStd, loudnessMean, loudnessStd };
}

export function initialDynamicsParameters(config: DynamicsConfig, rng: Rng): Parameters {
  const params: Parameters = new Map();
  for (const [name, shape] of dynamicsShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (!name.endsWith('bias') && name !== 'out.b') {
      const limit = Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) data[i] = (2 * rng() - 1) * limit;
    }
    params.set(name, { shape, data });
  }
  return params;
}

export interface DynamicsSequence {
  features: Float32Array;
  targets: Float32Array; // [seconds × 2], z-scored
  seconds: number;
}

interface DynamicsBatch {
  size: number;
  seconds: number;
  features: Float32Array;
  targets: Float32Array;
  weight: Float32Array;
}

export function toDynamicsSequence(video: MuviVideo, n: DynamicsNormalisation): DynamicsSequence {
  const seconds = Math.min(video.emotion.length, video.noteDensity.length, video.loudness.length, video.motion.length);
  const targets = new Float32Array(seconds * 2);
  for (let t = 0; t < seconds; t++) {
    targets[2 * t] = (video.noteDensity[t]! - n.densityMean) / n.densityStd;
    targets[2 * t + 1] = (video.loudness[t]! - n.loudnessMean) / n.loudnessStd;
  }
  return { features: muviFeatures(video).subarray(0, seconds * FEATURES), targets, seconds };
}

export function makeDynamicsBatch(windows: ReadonlyArray<{ sequence: DynamicsSequence; start: number }>, seconds: number): DynamicsBatch {
  const n = windows.length * seconds;
  const batch: DynamicsBatch = { size: windows.length, seconds, features: new Float32Array(n * FEATURES), targets: new Float32Array(n * 2), weight: new Float32Array(n) };
  // Time-major rows (t·B + b), so each step of the recurrence reads one contiguous block.
  windows.forEach(({ sequence, start }, b) => {
    for (let t = 0; t < seconds && start + t < sequence.seconds; t++) {
      const row = t * windows.length + b;
      batch.features.set(sequence.features.subarray((start + t) * FEATURES, (start + t + 1) * FEATURES), row * FEATURES);
      batch.targets.set(sequence.targets.subarray((start + t) * 2, (start + t + 1) * 2), row * 2);
      batch.weight[row] = 1;
    }
  });
  return batch;
}

/** The biGRU forward pass on TensorFlow.js: predictions [T·B × 2], time-major. */
export function dynamicsOutput(tf: Tf, variables: Map<string, Variable>, config: DynamicsConfig, batch: DynamicsBatch): Tensor2D {
  const h = config.hidden;
  const B = batch.size;
  const T = batch.seconds;
  const v = (name: string) => variables.get(name)! as unknown as Tensor2D;
  let steps: Tensor2D[] = tf.split(tf.tensor2d(batch.features, [T * B, FEATURES]), T) as Tensor2D[];
  for (let l = 0; l < config.layers; l++) {
    const outputs: Tensor2D[][] = DIRECTIONS.map((direction) => {
      const name = `gru.${l}.${direction}`;
      const recurrent = v(`${name}.recurrent`);
      const [uzr, uh] = tf.split(recurrent, [2 * h, h], 1) as [Tensor2D, Tensor2D];
      const results: Tensor2D[] = new Array(T);
      let state: Tensor2D = tf.zeros([B, h]);
      for (let step = 0; step < T; step++) {
        const t = direction === 'fw' ? step : T - 1 - step;
        const projected = tf.add(tf.matMul(steps[t]!, v(`${name}.kernel`)), v(`${name}.bias`)) as Tensor2D;
        const [pzr, ph] = tf.split(projected, [2 * h, h], 1) as [Tensor2D, Tensor2D];
        const [z, r] = tf.split(tf.sigmoid(tf.add(pzr, tf.matMul(state, uzr))), 2, 1) as [Tensor2D, Tensor2D];
        const candidate = tf.tanh(tf.add(ph, tf.matMul(tf.mul(r, state) as Tensor2D, uh)));
        state = tf.add(tf.mul(z, state), tf.mul(tf.sub(1, z), candidate)) as Tensor2D;
        results[t] = state;
      }
      return results;
    });
    steps = Array.from({ length: T }, (_, t) => tf.concat([outputs[0]![t]!, outputs[1]![t]!], 1) as Tensor2D);
  }
  return tf.add(tf.matMul(tf.concat(steps, 0) as Tensor2D, v('out.w')), v('out.b')) as Tensor2D;
}

function dynamicsLoss(tf: Tf, output: Tensor, batch: DynamicsBatch): Tensor {
  const squared = tf.sum(tf.square(tf.sub(output, tf.tensor2d(batch.targets, [batch.size * batch.seconds, 2]))), 1);
  const weight = batch.weight.reduce((a, b) => a + b, 0);
  return tf.div(tf.sum(tf.mul(squared, tf.tensor1d(batch.weight))), Math.max(1, 2 * weight));
}

export function dynamicsTrainable(
  tf: Tf,
  config: DynamicsConfig,
  params: Parameters,
  data: { train: readonly MuviVideo[]; validation: readonly MuviVideo[]; normalisation: DynamicsNormalisation },
  options: { batchSize: number },
): Trainable {
  const variables = new Map<string, Variable>([...params].map(([name, { shape, data: values }]) => [name, tf.variable(tf.tensor(values, shape), true, name)]));
  const train = data.train.map((video) => toDynamicsSequence(video, data.normalisation));
  const validation = data.validation.map((video) => toDynamicsSequence(video, data.normalisation));
  const total = train.reduce((n, s) => n + s.seconds, 0);
  const validationWindows = validation.flatMap((sequence) => Array.from({ length: Math.ceil(sequence.seconds / config.window) }, (_, i) => ({ sequence, start: i * config.window })));
  const validationBatches: DynamicsBatch[] = [];
  for (let i = 0; i < validationWindows.length; i += 64) validationBatches.push(makeDynamicsBatch(validationWindows.slice(i, i + 64), config.window));
  return {
    kind: 'dynamics',
    variables,
    batchLoss: (rng) => {
      const windows = Array.from({ length: options.batchSize }, () => {
        let pick = rng() * total;
        const sequence = train.find((s) => (pick -= s.seconds) < 0) ?? train.at(-1)!;
        return { sequence, start: Math.floor(rng() * Math.max(1, sequence.seconds - config.window + 1)) };
      });
      const batch = makeDynamicsBatch(windows, config.window);
      return dynamicsLoss(tf, dynamicsOutput(tf, variables, config, batch), batch) as import('@tensorflow/tfjs').Scalar;
    },
    validate: () => {
      let sum = 0;
      let weight = 0;
      for (const batch of validationBatches) {
        const seconds = batch.weight.reduce((a, b) => a + b, 0);
        sum += tf.tidy(() => dynamicsLoss(tf, dynamicsOutput(tf, variables, config, batch), batch).dataSync()[0]!) * seconds;
        weight += seconds;
      }
      return { loss: sum / Math.max(1, weight) };
    },
    decays: (name) => name.endsWith('kernel') || name.endsWith('recurrent') || name === 'out.w',
  };
}
