// linalg: the few dense operations the models' forward passes need at inference, on Float32Arrays.
// Training runs on TensorFlow.js; scoring runs these, which need no engine to load and answer a
// 30-second window in a few milliseconds.

/** Named parameters: the whole of a trained model. */
export type Parameters = Map<string, { shape: number[]; data: Float32Array }>;

export function parameter(params: Parameters, name: string): Float32Array {
  const found = params.get(name);
  if (!found) throw new Error(`The model has no parameter '${name}'.`);
  return found.data;
}

/** out[rows × cols] = x[rows × inner] · w[inner × cols] + b. */
export function linear(x: Float32Array, rows: number, inner: number, w: Float32Array, b: Float32Array | undefined, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    if (b) out.set(b, o);
    for (let i = 0; i < inner; i++) {
      const xv = x[r * inner + i]!;
      if (xv === 0) continue;
      const wo = i * cols;
      for (let c = 0; c < cols; c++) out[o + c]! += xv * w[wo + c]!;
    }
  }
  return out;
}

export function layerNorm(x: Float32Array, rows: number, width: number, gain: Float32Array, bias: Float32Array, epsilon = 1e-5): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let mean = 0;
    for (let i = 0; i < width; i++) mean += x[o + i]!;
    mean /= width;
    let variance = 0;
    for (let i = 0; i < width; i++) variance += (x[o + i]! - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / width + epsilon);
    for (let i = 0; i < width; i++) out[o + i] = (x[o + i]! - mean) * scale * gain[i]! + bias[i]!;
  }
  return out;
}

export function addInPlace(target: Float32Array, value: Float32Array): Float32Array {
  for (let i = 0; i < target.length; i++) target[i]! += value[i]!;
  return target;
}

export function reluInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
  return x;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Softmax of `logits` at `temperature`, in place into a new array. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! / temperature - max);
  for (let i = 0; i < logits.length; i++) out[i]! /= sum;
  return out;
}
