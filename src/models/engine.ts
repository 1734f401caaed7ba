// engine: TensorFlow.js on its WebAssembly backend, for training. Measured on the 2-core machine
// (scratch benchmark of a 4-layer, 64-wide transformer step, batch 8 × 64): the pure-JavaScript CPU
// backend 3.0–4.5 s per step (113–171 tokens/s), WebAssembly 0.54 s (940 tokens/s); tfjs-node would
// need a native download at install. Loaded only by `v2m train` and the tests that train: scoring
// runs the trained models in plain TypeScript (linalg.ts) and never loads an engine.

import { createRequire } from 'node:module';
import path from 'node:path';
import { usageError } from '../errors.js';

export type Tf = typeof import('@tensorflow/tfjs');

let engine: Promise<Tf> | undefined;

export function tensorEngine(): Promise<Tf> {
  engine ??= (async () => {
    // Training needs the whole TensorFlow.js (its gradients and chained ops), a development dependency:
    // a production install carries only what scoring needs (tfjs-core and the WebAssembly backend, for faces).
    const tf = await import('@tensorflow/tfjs').catch((error: unknown) => {
      throw usageError(`v2m train needs the package @tensorflow/tfjs, which a production install leaves out: run 'npm install' in a clone of v2m (it installs the development dependencies). (${String(error)})`);
    });
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`);
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return engine;
}
