// melody: the melody model — a one-layer GRU over melody events (melody-tokens.ts) that reads what
// came before and what the next event sounds over (chord, mode, place in the bar and the phrase) and
// predicts the event's pitch (or a rest), then its length given that pitch. This file is the
// architecture and its inference in plain TypeScript; melody-train.ts is the same network on
// TensorFlow.js.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { linear, parameter, sigmoid, type Parameters } from './linalg.js';
import { FEATURE_LAYOUT_NAME, LENGTHS, MELODY_FEATURES, PITCH_TOKENS } from './melody-tokens.js';
import { SHIPPED_MODELS_FOLDER } from './shipped.js';
import { decodeWeights, type WeightsHeader } from './weights.js';

export interface MelodyConfig {
  hidden: number;
  /** Events per training window. */
  window: number;
}

export const DEFAULT_MELODY_CONFIG: MelodyConfig = { hidden: 128, window: 128 };

export const MELODY_KIND = 'melody';

export function melodyShapes(config: MelodyConfig): Array<[name: string, shape: number[]]> {
  const h = config.hidden;
  return [
    ['gru.kernel', [MELODY_FEATURES, 3 * h]],
    ['gru.recurrent', [h, 3 * h]],
    ['gru.bias', [3 * h]],
    ['pitch.w', [h, PITCH_TOKENS]],
    ['pitch.b', [PITCH_TOKENS]],
    // The length head reads the state and the pitch just chosen (a row of length.pitch per pitch token).
    ['length.w', [h, LENGTHS]],
    ['length.pitch', [PITCH_TOKENS, LENGTHS]],
    ['length.b', [LENGTHS]],
  ];
}

export interface MelodyModel {
  version: string;
  config: MelodyConfig;
  params: Parameters;
}

/** The melody model stepping through events one at a time, its GRU state carried between calls. */
export class MelodyRunner {
  private state: Float32Array;

  constructor(
    private readonly model: MelodyModel,
    state?: Float32Array,
  ) {
    this.state = state ? state.slice() : new Float32Array(model.config.hidden);
  }

  /** A copy of the state, to start another runner from here (a phrase primed from the same place). */
  snapshot(): Float32Array {
    return this.state.slice();
  }

  /** Reads one event's input (melody-tokens' melodyInput) and returns the next pitch's logits. */
  step(input: Float32Array): Float32Array {
    const { params, config } = this.model;
    const h = config.hidden;
    const projected = linear(input, 1, MELODY_FEATURES, parameter(params, 'gru.kernel'), parameter(params, 'gru.bias'), 3 * h);
    this.state = gruCell(projected, this.state, parameter(params, 'gru.recurrent'), h);
    return linear(this.state, 1, h, parameter(params, 'pitch.w'), parameter(params, 'pitch.b'), PITCH_TOKENS);
  }

  /** Logits of the event's length (1…LENGTHS sixteenths at index 0…) once its pitch token is chosen. */
  lengthLogits(pitch: number): Float32Array {
    const { params, config } = this.model;
    const logits = linear(this.state, 1, config.hidden, parameter(params, 'length.w'), parameter(params, 'length.b'), LENGTHS);
    const byPitch = parameter(params, 'length.pitch');
    for (let i = 0; i < LENGTHS; i++) logits[i]! += byPitch[pitch * LENGTHS + i]!;
    return logits;
  }
}

/** One GRU step (update z, reset r, candidate; the reset gate applied before the recurrent product). */
function gruCell(projected: Float32Array, state: Float32Array, recurrent: Float32Array, h: number): Float32Array {
  const zr = new Float32Array(2 * h);
  zr.set(projected.subarray(0, 2 * h));
  const candidateSum = projected.slice(2 * h, 3 * h);
  for (let j = 0; j < h; j++) {
    const s = state[j]!;
    if (s === 0) continue;
    const row = j * 3 * h;
    for (let i = 0; i < 2 * h; i++) zr[i]! += s * recurrent[row + i]!;
  }
  for (let i = 0; i < 2 * h; i++) zr[i] = sigmoid(zr[i]!);
  for (let j = 0; j < h; j++) {
    const rs = zr[h + j]! * state[j]!;
    if (rs === 0) continue;
    const row = j * 3 * h + 2 * h;
    for (let i = 0; i < h; i++) candidateSum[i]! += rs * recurrent[row + i]!;
  }
  const next = new Float32Array(h);
  for (let i = 0; i < h; i++) {
    const z = zr[i]!;
    next[i] = z * state[i]! + (1 - z) * Math.tanh(candidateSum[i]!);
  }
  return next;
}

/** Weights made for another input layout would read the wrong features: refuse them. */
function checkLayout(header: WeightsHeader<MelodyConfig>, file: string): MelodyModel['config'] {
  if (header.features !== MELODY_FEATURES || header.layout !== FEATURE_LAYOUT_NAME) {
    throw usageError(`The melody weights '${file}' were trained on another input layout (${String(header.layout ?? header.features)}); this v2m reads ${FEATURE_LAYOUT_NAME}. Train them again with 'v2m train melody'.`);
  }
  return header.config;
}

export function melodyModelFromBytes(bytes: Buffer, file: string): MelodyModel {
  const { header, params } = decodeWeights<MelodyConfig>(bytes, file, MELODY_KIND);
  const config = checkLayout(header, file);
  for (const [name, shape] of melodyShapes(config)) {
    if (params.get(name)?.shape.join() !== shape.join()) throw usageError(`The melody weights '${file}' lack '${name}' of shape [${shape.join(', ')}]; train them again with 'v2m train melody'.`);
  }
  return { version: header.version, config, params };
}

export async function loadMelodyModel(file: string): Promise<MelodyModel> {
  return melodyModelFromBytes(await readWeightsFile(file), file);
}

function readWeightsFile(file: string): Promise<Buffer> {
  return readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw usageError(`Cannot read the melody weights '${file}' (${error.code ?? error.message}). Reinstall v2m, or train them with 'v2m train melody'.`);
  });
}

export const SHIPPED_MELODY_WEIGHTS = path.join(SHIPPED_MODELS_FOLDER, 'melody.weights');

let shipped: MelodyModel | undefined;

/**
 * The shipped melody model, read and verified once per process. Synchronous because the arranger is:
 * a few hundred kilobytes read once, at the models' edge, not in the music code.
 */
export function shippedMelodyModel(): MelodyModel {
  if (shipped) return shipped;
  let bytes: Buffer;
  try {
    bytes = readFileSync(SHIPPED_MELODY_WEIGHTS);
  } catch (error) {
    throw usageError(`Cannot read the melody weights '${SHIPPED_MELODY_WEIGHTS}' (${(error as NodeJS.ErrnoException).code ?? String(error)}). Reinstall v2m, or train them with 'v2m train melody'.`);
  }
  shipped = melodyModelFromBytes(bytes, SHIPPED_MELODY_WEIGHTS);
  return shipped;
}
