// shipped: the trained models that come with v2m (models/*.weights, checksummed), loaded once and
// run in plain TypeScript — chord generation with temperature, top-k, a seed, a max-repeat rule and
// primer chords, transposed from MuVi-Sync's normalised key to the plan's; and the dynamics curve.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../errors.js';
import { createRng } from '../music/random.js';
import { AmtWindow, type AmtConfig } from './amt.js';
import { predictDynamics, type DynamicsConfig, type DynamicsNormalisation, type DynamicsPrediction } from './dynamics.js';
import { FEATURES, START } from './features.js';
import { softmax, type Parameters } from './linalg.js';
import { CHORD_CLASSES, NO_CHORD } from './vocabulary.js';
import { loadWeights, type WeightsHeader } from './weights.js';

/** The folder of shipped weights: models/ at the package root (beside dist/ and src/). */
export const SHIPPED_MODELS_FOLDER = fileURLToPath(new URL('../../models/', import.meta.url));

export interface ChordModel {
  kind: 'amt' | 'chord-lm';
  version: string;
  config: AmtConfig;
  params: Parameters;
}

export interface DynamicsModel {
  version: string;
  config: DynamicsConfig;
  normalisation: DynamicsNormalisation;
  params: Parameters;
}

export async function loadChordModel(file = path.join(SHIPPED_MODELS_FOLDER, 'amt.weights'), kind: 'amt' | 'chord-lm' = 'amt'): Promise<ChordModel> {
  const { header, params } = await loadWeights<AmtConfig>(file, kind);
  if (header.config.video) checkFeatures(header, file, kind);
  return { kind, version: header.version, config: header.config, params };
}

export async function loadDynamicsModel(file = path.join(SHIPPED_MODELS_FOLDER, 'dynamics.weights')): Promise<DynamicsModel> {
  const { header, params } = await loadWeights<DynamicsConfig>(file, 'dynamics');
  checkFeatures(header, file, 'dynamics');
  return { version: header.version, config: header.config, normalisation: (header as WeightsHeader<DynamicsConfig> & { normalisation: DynamicsNormalisation }).normalisation, params };
}

/** Weights trained on another feature layout would read the wrong numbers: refuse them. */
function checkFeatures(header: WeightsHeader, file: string, kind: string): void {
  if (header.features !== FEATURES) {
    throw usageError(`The ${kind} weights '${file}' were trained on ${String(header.features ?? 'an older set of')} features per second; this v2m computes ${FEATURES}. Train them again with 'v2m train ${kind}'.`);
  }
}

let shippedChords: Promise<ChordModel> | undefined;
let shippedDynamics: Promise<DynamicsModel> | undefined;

/** The shipped AMT, loaded and verified once per process. */
export function shippedChordModel(): Promise<ChordModel> {
  shippedChords ??= loadChordModel();
  shippedChords.catch(() => (shippedChords = undefined));
  return shippedChords;
}

export function shippedDynamicsModel(): Promise<DynamicsModel> {
  shippedDynamics ??= loadDynamicsModel();
  shippedDynamics.catch(() => (shippedDynamics = undefined));
  return shippedDynamics;
}

export interface SamplingOptions {
  /** < 1 sharpens the distribution, > 1 flattens it; 0 takes the most likely chord. */
  temperature: number;
  /** Sample among the k most likely chords only (0: all). */
  topK: number;
  seed: number;
  /** The same chord at most this many seconds in a row (0: no limit). */
  maxRepeat: number;
  /** Chord classes (in the normalised key) the piece opens with; the model continues after them. */
  primer?: readonly number[];
}

/**
 * One chord class per second for `seconds` seconds of `features`, in the normalised key. Windows of
 * the model's length overlap by half: each new window is primed with the chords already chosen in
 * its first half, so the harmony runs on across window boundaries.
 */
export function generateChords(model: ChordModel, features: Float32Array, seconds: number, options: SamplingOptions): number[] {
  const rng = createRng(options.seed);
  const chords: number[] = [];
  const fixed = options.primer ?? [];
  const window = model.config.window;
  const hop = Math.max(1, Math.floor(window / 2));
  for (let start = 0; chords.length < seconds; start += hop) {
    const length = Math.min(window, seconds - start);
    const runner = new AmtWindow(model.params, model.config, features.subarray(start * FEATURES, (start + length) * FEATURES), length);
    let previous = START;
    for (let t = 0; t < length; t++) {
      const second = start + t;
      const logits = runner.step(previous);
      if (second < chords.length) {
        previous = chords[second]!; // already chosen (previous window's second half): teacher-force it
        continue;
      }
      const chord = second < fixed.length ? fixed[second]! : sampleChord(logits, chords, options, rng);
      chords.push(chord);
      previous = chord;
    }
  }
  return chords;
}

function sampleChord(logits: Float32Array, history: readonly number[], options: SamplingOptions, rng: () => number): number {
  const scores = Array.from(logits);
  if (options.maxRepeat > 0 && history.length >= options.maxRepeat) {
    const last = history.at(-1)!;
    if (history.slice(-options.maxRepeat).every((chord) => chord === last)) scores[last] = -Infinity;
  }
  scores[NO_CHORD] = -Infinity; // music for a video always has a chord to play
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  if (options.temperature <= 0) return order[0]!;
  const allowed = new Set(options.topK > 0 ? order.slice(0, options.topK) : order);
  const probabilities = softmax(
    scores.map((score, i) => (allowed.has(i) ? score : -Infinity)),
    options.temperature,
  );
  let pick = rng();
  for (let i = 0; i < CHORD_CLASSES; i++) if ((pick -= probabilities[i]!) < 0) return i;
  return order[0]!;
}

/** Teacher-forced rankings (best first) for every second: Hits@k as Video2Music measures it. */
export function rankChords(model: ChordModel, features: Float32Array, truth: readonly number[]): number[][] {
  const rankings: number[][] = [];
  const window = model.config.window;
  for (let start = 0; start < truth.length; start += window) {
    const length = Math.min(window, truth.length - start);
    const runner = new AmtWindow(model.params, model.config, features.subarray(start * FEATURES, (start + length) * FEATURES), length);
    for (let t = 0; t < length; t++) {
      const logits = runner.step(t === 0 ? START : truth[start + t - 1]!);
      rankings.push(
        Array.from(logits.keys())
          .sort((a, b) => logits[b]! - logits[a]!)
          .slice(0, 5),
      );
    }
  }
  return rankings;
}

/** Note density and loudness per second, in MuVi-Sync's units, window by window as trained. */
export function predictDynamicsCurve(model: DynamicsModel, features: Float32Array, seconds: number): DynamicsPrediction {
  const result: DynamicsPrediction = { noteDensity: [], loudness: [] };
  for (let start = 0; start < seconds; start += model.config.window) {
    const length = Math.min(model.config.window, seconds - start);
    const part = predictDynamics(model.params, model.config, model.normalisation, features.subarray(start * FEATURES, (start + length) * FEATURES), length);
    result.noteDensity.push(...part.noteDensity);
    result.loudness.push(...part.loudness);
  }
  return result;
}
