// dynamics: Video2Music's note-density and loudness regressor — a 2-layer bidirectional GRU over the
// per-second video features, predicting MuVi-Sync's `vevo_note_density` and `vevo_loudness` for
// every second. This file is the architecture and its inference in plain TypeScript;
// dynamics-train.ts is the same network on TensorFlow.js.

import { FEATURES } from './features.js';
import { linear, parameter, sigmoid, type Parameters } from './linalg.js';

export interface DynamicsConfig {
  hidden: number;
  layers: number;
  /** Seconds per training window. */
  window: number;
}

export const DEFAULT_DYNAMICS_CONFIG: DynamicsConfig = { hidden: 24, layers: 2, window: 32 };

/** Train-set mean and standard deviation of the two targets (the network predicts z-scores). */
export interface DynamicsNormalisation {
  densityMean: number;
  densityStd: number;
  loudnessMean: number;
  loudnessStd: number;
}

export const DIRECTIONS = ['fw', 'bw'] as const;

export function dynamicsShapes(config: DynamicsConfig): Array<[name: string, shape: number[]]> {
  const h = config.hidden;
  const shapes: Array<[string, number[]]> = [];
  for (let l = 0; l < config.layers; l++) {
    const input = l === 0 ? FEATURES : 2 * h;
    for (const direction of DIRECTIONS) {
      shapes.push([`gru.${l}.${direction}.kernel`, [input, 3 * h]], [`gru.${l}.${direction}.recurrent`, [h, 3 * h]], [`gru.${l}.${direction}.bias`, [3 * h]]);
    }
  }
  shapes.push(['out.w', [2 * h, 2]], ['out.b', [2]]);
  return shapes;
}

export interface DynamicsPrediction {
  noteDensity: number[];
  loudness: number[];
}

/** Predicts density and loudness for every second of `features` ([seconds × FEATURES]). */
export function predictDynamics(params: Parameters, config: DynamicsConfig, normalisation: DynamicsNormalisation, features: Float32Array, seconds: number): DynamicsPrediction {
  const h = config.hidden;
  let input = features;
  let width = FEATURES;
  for (let l = 0; l < config.layers; l++) {
    const output = new Float32Array(seconds * 2 * h);
    DIRECTIONS.forEach((direction, side) => {
      const name = `gru.${l}.${direction}`;
      const projected = linear(input, seconds, width, parameter(params, `${name}.kernel`), parameter(params, `${name}.bias`), 3 * h);
      const recurrent = parameter(params, `${name}.recurrent`);
      let state: Float32Array = new Float32Array(h);
      for (let step = 0; step < seconds; step++) {
        const t = direction === 'fw' ? step : seconds - 1 - step;
        state = gruCell(projected.subarray(t * 3 * h, (t + 1) * 3 * h), state, recurrent, h);
        output.set(state, t * 2 * h + side * h);
      }
    });
    input = output;
    width = 2 * h;
  }
  const out = linear(input, seconds, width, parameter(params, 'out.w'), parameter(params, 'out.b'), 2);
  const noteDensity: number[] = [];
  const loudness: number[] = [];
  for (let t = 0; t < seconds; t++) {
    noteDensity.push(Math.max(0, out[2 * t]! * normalisation.densityStd + normalisation.densityMean));
    loudness.push(Math.max(0, out[2 * t + 1]! * normalisation.loudnessStd + normalisation.loudnessMean));
  }
  return { noteDensity, loudness };
}

/** One GRU step (update z, reset r, candidate; the reset gate applied before the recurrent product). */
function gruCell(projected: Float32Array, state: Float32Array, recurrent: Float32Array, h: number): Float32Array {
  const zr = new Float32Array(2 * h);
  for (let i = 0; i < 2 * h; i++) {
    let sum = projected[i]!;
    for (let j = 0; j < h; j++) sum += state[j]! * recurrent[j * 3 * h + i]!;
    zr[i] = sigmoid(sum);
  }
  const next = new Float32Array(h);
  for (let i = 0; i < h; i++) {
    let sum = projected[2 * h + i]!;
    for (let j = 0; j < h; j++) sum += zr[h + j]! * state[j]! * recurrent[j * 3 * h + 2 * h + i]!;
    const candidate = Math.tanh(sum);
    const z = zr[i]!;
    next[i] = z * state[i]! + (1 - z) * candidate;
  }
  return next;
}
