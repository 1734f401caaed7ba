// amt-train: the AMT of amt.ts as a TensorFlow.js graph over batches of windows, its loss —
// λ·CE(chord) + (1−λ)·BCE(chord logits vs the classes the second's emotion allows) — and the data
// it is trained on (random windows of MuVi-Sync videos, and of POP909/Billboard chord sequences
// with the video input left empty when pre-training).

import type { Rng } from '../music/random.js';
import { amtShapes, relativeBucket, type AmtConfig } from './amt.js';
import type { Tf } from './engine.js';
import { ALLOWED_CLASSES, chordTokens, confidentEmotion, FEATURES, muviFeatures, QUALITY_TOKENS, ROOT_TOKENS, START } from './features.js';
import type { Parameters } from './linalg.js';
import type { MuviVideo } from './muvisync.js';
import type { Trainable } from './trainer.js';
import { CHORD_CLASSES } from './vocabulary.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;

/** One sequence the chord model learns from: chords per second, and the video features when there are any. */
export interface ChordSequence {
  chords: number[];
  /** [seconds × FEATURES], or undefined for chord-only data (pre-training). */
  features?: Float32Array;
  /** Per second, the emotion whose allowed chord set applies, or -1. */
  emotion: number[];
}

export function sequenceFromMuvi(video: MuviVideo): ChordSequence {
  return { chords: video.chords, features: muviFeatures(video), emotion: video.emotion.map(confidentEmotion) };
}

/** Fresh parameters, seeded: small normal weights, unit gains, zero biases. */
export function initialAmtParameters(config: AmtConfig, rng: Rng): Parameters {
  const params: Parameters = new Map();
  for (const [name, shape] of amtShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('.g')) data.fill(1);
    else if (name.endsWith('.w') || name === 'dec.root' || name === 'dec.quality' || name === 'dec.minor') {
      const std = name.endsWith('.w') ? Math.sqrt(1 / shape[0]!) : 0.1;
      for (let i = 0; i < size; i++) data[i] = std * gaussian(rng);
    }
    params.set(name, { shape, data });
  }
  return params;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A batch of windows, as the graph reads them. */
export interface AmtBatch {
  size: number;
  seconds: number;
  features: Float32Array; // [B·T × F]
  root: Int32Array; // previous chord's root token, [B·T]
  quality: Int32Array;
  minor: Float32Array;
  target: Int32Array;
  weight: Float32Array; // 1 where the second is real (not padding)
  allowed: Float32Array; // [B·T × CHORD_CLASSES]
  allowedWeight: Float32Array; // 1 where an emotion is confident
  /**
   * Training only: per row, how much of the video reaches the decoder — 0 for a window whose video is
   * dropped, 1/(1−p) for one that keeps it — so the model stays a good chord LM on its own and learns
   * what the video adds on top, instead of memorising each training video by its features.
   */
  videoScale?: Float32Array;
}

export function makeBatch(windows: ReadonlyArray<{ sequence: ChordSequence; start: number }>, seconds: number): AmtBatch {
  const n = windows.length * seconds;
  const batch: AmtBatch = {
    size: windows.length,
    seconds,
    features: new Float32Array(n * FEATURES),
    root: new Int32Array(n),
    quality: new Int32Array(n),
    minor: new Float32Array(n),
    target: new Int32Array(n),
    weight: new Float32Array(n),
    allowed: new Float32Array(n * CHORD_CLASSES),
    allowedWeight: new Float32Array(n),
  };
  windows.forEach(({ sequence, start }, b) => {
    for (let t = 0; t < seconds; t++) {
      const row = b * seconds + t;
      const second = start + t;
      const previous = t === 0 ? START : (sequence.chords[second - 1] ?? 0);
      const tokens = chordTokens(previous);
      batch.root[row] = tokens.root;
      batch.quality[row] = tokens.quality;
      batch.minor[row] = tokens.minor;
      if (second >= sequence.chords.length) continue; // padding: weight 0
      batch.target[row] = sequence.chords[second]!;
      batch.weight[row] = 1;
      if (sequence.features) batch.features.set(sequence.features.subarray(second * FEATURES, (second + 1) * FEATURES), row * FEATURES);
      const emotion = sequence.emotion[second] ?? -1;
      if (emotion >= 0) {
        batch.allowed.set(ALLOWED_CLASSES[emotion]!, row * CHORD_CLASSES);
        batch.allowedWeight[row] = 1;
      }
    }
  });
  return batch;
}

/** Windows that cover every sequence once, back to back (validation, evaluation). */
export function tilingWindows(sequences: readonly ChordSequence[], seconds: number): Array<{ sequence: ChordSequence; start: number }> {
  return sequences.flatMap((sequence) => Array.from({ length: Math.ceil(sequence.chords.length / seconds) }, (_, i) => ({ sequence, start: i * seconds })));
}

/** Random windows, each sequence drawn in proportion to its length. */
export function randomWindows(sequences: readonly ChordSequence[], seconds: number, count: number, rng: Rng): Array<{ sequence: ChordSequence; start: number }> {
  const total = sequences.reduce((n, s) => n + s.chords.length, 0);
  return Array.from({ length: count }, () => {
    let pick = rng() * total;
    const sequence = sequences.find((s) => (pick -= s.chords.length) < 0) ?? sequences.at(-1)!;
    return { sequence, start: Math.floor(rng() * Math.max(1, sequence.chords.length - seconds + 1)) };
  });
}

/** Tensors that depend only on the window length (relative-position one-hots, the causal mask): made once, kept. */
const windowConstants = new Map<string, Tensor2D>();

function windowConstant(tf: Tf, key: string, make: () => Tensor2D): Tensor2D {
  let constant = windowConstants.get(key);
  if (!constant || constant.isDisposed) {
    constant = tf.keep(tf.tidy(make));
    windowConstants.set(key, constant);
  }
  return constant;
}

/** [T·T × buckets]: for each query–key pair, a one-hot of its relative-distance bucket. */
function relativeOneHot(tf: Tf, T: number, maxDistance: number, causal: boolean): Tensor2D {
  const buckets = causal ? maxDistance + 1 : 2 * maxDistance + 1;
  const indices = new Int32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) indices[i * T + j] = Math.max(0, relativeBucket(i, j, maxDistance, causal));
  return tf.oneHot(tf.tensor1d(indices, 'int32'), buckets).toFloat() as Tensor2D;
}

/** The AMT forward pass on TensorFlow.js: logits [B·T × CHORD_CLASSES]. */
export function amtLogits(tf: Tf, variables: Map<string, Variable>, config: AmtConfig, batch: AmtBatch): Tensor2D {
  const B = batch.size;
  const T = batch.seconds;
  const d = config.width;
  const H = config.heads;
  const dh = d / H;
  const v = (name: string) => {
    const found = variables.get(name);
    if (!found) throw new Error(`No parameter '${name}'.`);
    return found;
  };
  const dense = (x: Tensor, name: string) => tf.add(tf.matMul(x as Tensor2D, v(`${name}.w`) as Tensor2D), v(`${name}.b`));
  const norm = (x: Tensor, name: string) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), v(`${name}.g`)), v(`${name}.b`));
  };
  const relBoth = windowConstant(tf, `both ${T} ${config.maxDistance}`, () => relativeOneHot(tf, T, config.maxDistance, false));
  const relCausal = windowConstant(tf, `causal ${T} ${config.maxDistance}`, () => relativeOneHot(tf, T, config.maxDistance, true));
  const causalMask = windowConstant(tf, `mask ${T}`, () => tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([T, T]), -1, 0), 1), 1e9) as Tensor2D);
  // Padding after a video's last second is no video: the encoder and the cross-attention must not
  // look at it, exactly as inference (amt.ts), which sees only the real seconds, does not.
  const paddingMask = tf.reshape(tf.mul(tf.sub(tf.tensor1d(batch.weight), 1), 1e9), [B, 1, 1, T]);
  // x, memory: [B·T × d]
  const attention = (x: Tensor, memory: Tensor, name: string, causal: boolean) => {
    const heads = (t: Tensor) => tf.transpose(tf.reshape(t, [B, T, H, dh]), [0, 2, 1, 3]);
    const q = heads(dense(x, `${name}.q`));
    const k = heads(dense(memory, `${name}.k`));
    const value = heads(dense(memory, `${name}.v`));
    let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)); // [B, H, T, T]
    const bias = tf.transpose(tf.reshape(tf.matMul(causal ? relCausal : relBoth, v(`${name}.rel`) as Tensor2D), [T, T, H]), [2, 0, 1]);
    scores = tf.add(scores, bias);
    scores = tf.add(scores, causal ? causalMask : paddingMask);
    const attended = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), value), [0, 2, 1, 3]), [B * T, d]);
    return dense(attended, `${name}.o`);
  };
  const feedForward = (x: Tensor, name: string) => dense(tf.relu(dense(x, `${name}.ff1`)), `${name}.ff2`);

  const features = tf.tensor2d(batch.features, [B * T, FEATURES]);
  let memory: Tensor | undefined;
  if (config.video) {
    let x = dense(features, 'enc.in');
    for (let l = 0; l < config.encoderLayers; l++) {
      const h = norm(x, `enc.${l}.ln1`);
      x = tf.add(x, attention(h, h, `enc.${l}.self`, false));
      x = tf.add(x, feedForward(norm(x, `enc.${l}.ln2`), `enc.${l}`));
    }
    memory = norm(x, 'enc.ln');
  }
  const videoScale = batch.videoScale ? tf.tensor2d(batch.videoScale, [B * T, 1]) : undefined;
  const scaled = (t: Tensor) => (videoScale ? tf.mul(t, videoScale) : t);
  const oneHot = (indices: Int32Array, depth: number) => tf.oneHot(tf.tensor1d(indices, 'int32'), depth).toFloat() as Tensor2D;
  let y = tf.add(
    tf.add(tf.matMul(oneHot(batch.root, ROOT_TOKENS), v('dec.root') as Tensor2D), tf.matMul(oneHot(batch.quality, QUALITY_TOKENS), v('dec.quality') as Tensor2D)),
    tf.matMul(tf.tensor2d(batch.minor, [B * T, 1]), v('dec.minor') as Tensor2D),
  );
  if (config.video) y = tf.add(y, scaled(dense(features, 'dec.feat')));
  for (let l = 0; l < config.decoderLayers; l++) {
    const h = norm(y, `dec.${l}.ln1`);
    y = tf.add(y, attention(h, h, `dec.${l}.self`, true));
    if (memory) y = tf.add(y, scaled(attention(norm(y, `dec.${l}.ln2`), memory, `dec.${l}.cross`, false)));
    y = tf.add(y, feedForward(norm(y, `dec.${l}.ln3`), `dec.${l}`));
  }
  return dense(norm(y, 'dec.ln'), 'dec.out') as Tensor2D;
}

/** λ·CE + (1−λ)·BCE against the allowed classes; each term averaged over the seconds it applies to. */
export function amtLoss(tf: Tf, logits: Tensor2D, batch: AmtBatch, lambda: number) {
  const n = batch.size * batch.seconds;
  const weight = tf.tensor1d(batch.weight);
  const targets = tf.oneHot(tf.tensor1d(batch.target, 'int32'), CHORD_CLASSES).toFloat();
  const crossEntropy = tf.div(tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)), weight)), Math.max(1, sum(batch.weight)));
  if (lambda >= 1) return crossEntropy;
  const allowed = tf.tensor2d(batch.allowed, [n, CHORD_CLASSES]);
  // Binary cross-entropy with logits, written the stable way: max(x, 0) − x·z + log(1 + e^−|x|).
  const elementwise = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, allowed)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  const affective = tf.div(tf.sum(tf.mul(tf.mean(elementwise, 1), tf.tensor1d(batch.allowedWeight))), Math.max(1, sum(batch.allowedWeight)));
  return tf.add(tf.mul(crossEntropy, lambda), tf.mul(affective, 1 - lambda));
}

function sum(values: Float32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export interface AmtTrainingData {
  train: ChordSequence[];
  validation: ChordSequence[];
}

export function amtTrainable(
  tf: Tf,
  config: AmtConfig,
  params: Parameters,
  data: AmtTrainingData,
  options: { lambda: number; batchSize: number; kind: string; frozen?: (name: string) => boolean; videoDropout?: number },
): Trainable {
  const variables = new Map<string, Variable>([...params].map(([name, { shape, data: values }]) => [name, tf.variable(tf.tensor(values, shape), true, name)]));
  const validationBatches: AmtBatch[] = [];
  const windows = tilingWindows(data.validation, config.window);
  for (let i = 0; i < windows.length; i += 32) validationBatches.push(makeBatch(windows.slice(i, i + 32), config.window));
  return {
    kind: options.kind,
    variables,
    batchLoss: (rng) => {
      const batch = makeBatch(randomWindows(data.train, config.window, options.batchSize, rng), config.window);
      if (options.videoDropout) dropVideo(batch, options.videoDropout, rng);
      return amtLoss(tf, amtLogits(tf, variables, config, batch), batch, options.lambda) as import('@tensorflow/tfjs').Scalar;
    },
    validate: () => {
      let total = 0;
      let hits = 0;
      let weight = 0;
      for (const batch of validationBatches) {
        const seconds = sum(batch.weight);
        tf.tidy(() => {
          const logits = amtLogits(tf, variables, config, batch);
          total += amtLoss(tf, logits, batch, options.lambda).dataSync()[0]! * seconds;
          const best = tf.argMax(logits, 1).dataSync();
          best.forEach((chord, row) => batch.weight[row] && chord === batch.target[row] && (hits += 1));
        });
        weight += seconds;
      }
      return { loss: total / Math.max(1, weight), hits1: hits / Math.max(1, weight) };
    },
    decays: (name) => name.endsWith('.w') || name === 'dec.root' || name === 'dec.quality' || name === 'dec.minor',
    frozen: options.frozen,
  };
}

/** Drops the video of each window with probability p (and its affective target: without the video the mood is unknown). */
function dropVideo(batch: AmtBatch, p: number, rng: Rng): void {
  batch.videoScale = new Float32Array(batch.size * batch.seconds);
  for (let b = 0; b < batch.size; b++) {
    const scale = rng() < p ? 0 : 1 / (1 - p);
    for (let row = b * batch.seconds; row < (b + 1) * batch.seconds; row++) {
      batch.videoScale[row] = scale;
      if (scale === 0) batch.allowedWeight[row] = 0;
    }
  }
}

/** The parameters a chord LM gives an AMT: with --freeze they stay as the LM learned them. */
export function isLanguageModelPart(name: string): boolean {
  return name.startsWith('dec.') && name !== 'dec.feat.w' && name !== 'dec.feat.b' && !/^dec\.\d+\.(cross|ln2)\./.test(name);
}
