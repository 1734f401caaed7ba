// amt: the Affective Multimodal Transformer (Video2Music), sized for a CPU. An encoder reads the
// per-second video features; a decoder writes one chord per second from the previous chords (root
// embedding + quality embedding + minor flag, as Video2Music factorises them), attending to itself
// and to the video with relative-position attention (a learned bias per head and clipped distance,
// so "the picture at this second" is found by position, not by content alone). The same decoder
// without the video is the chord-only language model the AMT must beat.
//
// This file is the architecture and its inference (plain Float32Array maths, one second at a time
// with cached keys and values); amt-train.ts is the same network on TensorFlow.js for training.

import { FEATURES, QUALITY_TOKENS, ROOT_TOKENS, chordTokens } from './features.js';
import { addInPlace, layerNorm, linear, parameter, reluInPlace, type Parameters } from './linalg.js';
import { CHORD_CLASSES } from './vocabulary.js';

export interface AmtConfig {
  /** false: the chord-only language model (no encoder, no video input). */
  video: boolean;
  width: number;
  heads: number;
  feedForward: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Relative distances beyond this share one bias. */
  maxDistance: number;
  /** Seconds per training window (and per inference window). */
  window: number;
}

export const DEFAULT_AMT_CONFIG: AmtConfig = { video: true, width: 48, heads: 4, feedForward: 96, encoderLayers: 1, decoderLayers: 2, maxDistance: 16, window: 32 };

/** Every parameter's name and shape; the training and inference code both walk this list. */
export function amtShapes(config: AmtConfig): Array<[name: string, shape: number[]]> {
  const d = config.width;
  const shapes: Array<[string, number[]]> = [];
  const norm = (name: string) => shapes.push([`${name}.g`, [d]], [`${name}.b`, [d]]);
  const dense = (name: string, from: number, to: number) => shapes.push([`${name}.w`, [from, to]], [`${name}.b`, [to]]);
  const attention = (name: string, buckets: number) => {
    for (const part of ['q', 'k', 'v', 'o']) dense(`${name}.${part}`, d, d);
    shapes.push([`${name}.rel`, [buckets, config.heads]]);
  };
  const feedForward = (name: string) => {
    dense(`${name}.ff1`, d, config.feedForward);
    dense(`${name}.ff2`, config.feedForward, d);
  };
  const both = 2 * config.maxDistance + 1;
  if (config.video) {
    dense('enc.in', FEATURES, d);
    for (let l = 0; l < config.encoderLayers; l++) {
      norm(`enc.${l}.ln1`);
      attention(`enc.${l}.self`, both);
      norm(`enc.${l}.ln2`);
      feedForward(`enc.${l}`);
    }
    norm('enc.ln');
    dense('dec.feat', FEATURES, d);
  }
  shapes.push(['dec.root', [ROOT_TOKENS, d]], ['dec.quality', [QUALITY_TOKENS, d]], ['dec.minor', [1, d]]);
  for (let l = 0; l < config.decoderLayers; l++) {
    norm(`dec.${l}.ln1`);
    attention(`dec.${l}.self`, config.maxDistance + 1);
    if (config.video) {
      norm(`dec.${l}.ln2`);
      attention(`dec.${l}.cross`, both);
    }
    norm(`dec.${l}.ln3`);
    feedForward(`dec.${l}`);
  }
  norm('dec.ln');
  dense('dec.out', d, CHORD_CLASSES);
  return shapes;
}

/** Bias bucket of query i attending to key j: causal self-attention looks back, the others both ways. */
export function relativeBucket(i: number, j: number, maxDistance: number, causal: boolean): number {
  return causal ? Math.min(i - j, maxDistance) : Math.max(-maxDistance, Math.min(j - i, maxDistance)) + maxDistance;
}

/**
 * Runs a trained AMT (or chord LM) over one window, one second at a time. `step(previous)` gives
 * the logits for the current second from the chord of the one before (START at the beginning):
 * teacher forcing and sampling are the same loop, fed the truth or the samples.
 */
export class AmtWindow {
  private readonly d: number;
  private readonly dh: number;
  private readonly memory: Float32Array | undefined;
  private readonly crossKeys: Float32Array[] = [];
  private readonly crossValues: Float32Array[] = [];
  private readonly selfKeys: Float32Array[][];
  private readonly selfValues: Float32Array[][];
  private t = 0;

  constructor(
    private readonly params: Parameters,
    private readonly config: AmtConfig,
    /** [seconds × FEATURES] (ignored by the chord LM). */
    private readonly features: Float32Array,
    readonly seconds: number,
  ) {
    this.d = config.width;
    this.dh = config.width / config.heads;
    this.selfKeys = Array.from({ length: config.decoderLayers }, () => []);
    this.selfValues = Array.from({ length: config.decoderLayers }, () => []);
    if (config.video) {
      // A short feature matrix would read past its end and turn every logit of the window into NaN.
      if (features.length < seconds * FEATURES) throw new Error(`The AMT window needs ${seconds} seconds of features; it was given ${features.length / FEATURES}.`);
      this.memory = this.encode();
      for (let l = 0; l < config.decoderLayers; l++) {
        this.crossKeys.push(this.dense(`dec.${l}.cross.k`, this.memory, seconds, this.d));
        this.crossValues.push(this.dense(`dec.${l}.cross.v`, this.memory, seconds, this.d));
      }
    }
  }

  /** Logits over the 157 chord classes for the next second, given the chord of the second before. */
  step(previous: number): Float32Array {
    const { d, config } = this;
    const t = this.t++;
    const tokens = chordTokens(previous);
    const y = new Float32Array(d);
    const root = parameter(this.params, 'dec.root');
    const quality = parameter(this.params, 'dec.quality');
    const minor = parameter(this.params, 'dec.minor');
    for (let i = 0; i < d; i++) y[i] = root[tokens.root * d + i]! + quality[tokens.quality * d + i]! + tokens.minor * minor[i]!;
    if (config.video) addInPlace(y, this.dense('dec.feat', this.features.subarray(t * FEATURES, (t + 1) * FEATURES), 1, FEATURES));
    for (let l = 0; l < config.decoderLayers; l++) {
      const name = `dec.${l}`;
      const x1 = this.norm(`${name}.ln1`, y, 1);
      const q = this.dense(`${name}.self.q`, x1, 1, d);
      this.selfKeys[l]!.push(this.dense(`${name}.self.k`, x1, 1, d));
      this.selfValues[l]!.push(this.dense(`${name}.self.v`, x1, 1, d));
      const keys = concat(this.selfKeys[l]!);
      const values = concat(this.selfValues[l]!);
      addInPlace(y, this.dense(`${name}.self.o`, this.attend(q, t, keys, values, t + 1, `${name}.self.rel`, true), 1, d));
      if (config.video) {
        const x2 = this.norm(`${name}.ln2`, y, 1);
        const cq = this.dense(`${name}.cross.q`, x2, 1, d);
        addInPlace(y, this.dense(`${name}.cross.o`, this.attend(cq, t, this.crossKeys[l]!, this.crossValues[l]!, this.seconds, `${name}.cross.rel`, false), 1, d));
      }
      addInPlace(y, this.feedForward(name, this.norm(`${name}.ln3`, y, 1), 1));
    }
    return this.dense('dec.out', this.norm('dec.ln', y, 1), 1, d);
  }

  private encode(): Float32Array {
    const { d, config, seconds } = this;
    const x = this.dense('enc.in', this.features, seconds, FEATURES);
    for (let l = 0; l < config.encoderLayers; l++) {
      const name = `enc.${l}`;
      const h = this.norm(`${name}.ln1`, x, seconds);
      const q = this.dense(`${name}.self.q`, h, seconds, d);
      const k = this.dense(`${name}.self.k`, h, seconds, d);
      const v = this.dense(`${name}.self.v`, h, seconds, d);
      const attended = new Float32Array(seconds * d);
      for (let i = 0; i < seconds; i++) attended.set(this.attend(q.subarray(i * d, (i + 1) * d), i, k, v, seconds, `${name}.self.rel`, false), i * d);
      addInPlace(x, this.dense(`${name}.self.o`, attended, seconds, d));
      addInPlace(x, this.feedForward(name, this.norm(`${name}.ln2`, x, seconds), seconds));
    }
    return this.norm('enc.ln', x, seconds);
  }

  /** Multi-head attention of one query (position `at`) over `count` keys, with the relative bias. */
  private attend(query: Float32Array, at: number, keys: Float32Array, values: Float32Array, count: number, relName: string, causal: boolean): Float32Array {
    const { d, dh, config } = this;
    const rel = parameter(this.params, relName);
    const out = new Float32Array(d);
    const scores = new Float64Array(count);
    const scale = 1 / Math.sqrt(dh);
    for (let h = 0; h < config.heads; h++) {
      let max = -Infinity;
      for (let j = 0; j < count; j++) {
        let dot = 0;
        for (let i = 0; i < dh; i++) dot += query[h * dh + i]! * keys[j * d + h * dh + i]!;
        scores[j] = dot * scale + rel[relativeBucket(at, j, config.maxDistance, causal) * config.heads + h]!;
        max = Math.max(max, scores[j]!);
      }
      let sum = 0;
      for (let j = 0; j < count; j++) sum += scores[j] = Math.exp(scores[j]! - max);
      for (let j = 0; j < count; j++) {
        const weight = scores[j]! / sum;
        for (let i = 0; i < dh; i++) out[h * dh + i]! += weight * values[j * d + h * dh + i]!;
      }
    }
    return out;
  }

  private feedForward(name: string, x: Float32Array, rows: number): Float32Array {
    const hidden = reluInPlace(this.dense(`${name}.ff1`, x, rows, this.d));
    return this.dense(`${name}.ff2`, hidden, rows, this.config.feedForward);
  }

  private dense(name: string, x: Float32Array, rows: number, inner: number): Float32Array {
    const w = this.params.get(`${name}.w`)!;
    return linear(x, rows, inner, w.data, parameter(this.params, `${name}.b`), w.shape[1]!);
  }

  private norm(name: string, x: Float32Array, rows: number): Float32Array {
    return layerNorm(x, rows, this.d, parameter(this.params, `${name}.g`), parameter(this.params, `${name}.b`));
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

