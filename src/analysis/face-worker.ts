// face-worker: runs in a worker thread, so face and object detection use the second core while the
// main thread analyses frames. Models: @vladmandic/human's BlazeFace detector, its expression
// classifier and (when asked for) CenterNet objects — all shipped inside the npm package, run on
// TensorFlow.js's WebAssembly backend (no native build, nothing downloaded).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { FaceRequest, FaceResponse } from './faces.js';

const require = createRequire(import.meta.url);

/** The slice of Human's API v2m uses. */
interface HumanLike {
  load(): Promise<void>;
  warmup(): Promise<unknown>;
  detect(input: unknown, config?: object): Promise<{
    face: Array<{ boxRaw: [number, number, number, number]; score: number; emotion?: Array<{ score: number; emotion: string }> }>;
    object: Array<{ label: string; score: number }>;
  }>;
  tf: { tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void }; expandDims(t: unknown, axis: number): { dispose(): void } };
}

// The package's "exports" map lacks "./" prefixes, so its WebAssembly build cannot be required by
// subpath: resolve the main entry and take the sibling file.
const humanEntry = require.resolve('@vladmandic/human');
const humanModels = path.resolve(path.dirname(humanEntry), '..', 'models');
const wasmFolder = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep);

// TensorFlow.js loads model files with fetch(), which Node cannot do for file:// URLs: serve those
// from disk (only inside the package's models folder), pass everything else through.
const networkFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (href.startsWith('file://')) {
    const file = new URL(href).pathname;
    if (!file.startsWith(humanModels)) throw new Error(`v2m only reads model files from ${humanModels}`);
    return new Response(readFileSync(file));
  }
  return networkFetch(input, init);
};

const { Human } = require(humanEntry.replace(/human\.node\.js$/, 'human.node-wasm.js')) as { Human: new (config: object) => HumanLike };
const human = new Human({
  backend: 'wasm',
  wasmPath: `file://${wasmFolder}`,
  modelBasePath: `file://${humanModels}/`,
  debug: false,
  async: false,
  // Our looks are seconds apart: never reuse an earlier frame's results.
  cacheSensitivity: 0,
  warmup: 'none',
  face: {
    enabled: true,
    detector: { rotation: false, maxDetected: 10, minConfidence: 0.75 },
    mesh: { enabled: false },
    iris: { enabled: false },
    description: { enabled: false },
    emotion: { enabled: true },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  // CenterNet is loaded only when objects were asked for: loading and its first look cost a second.
  object: { enabled: (workerData as { objects: boolean }).objects, minConfidence: 0.4, maxDetected: 5 },
  gesture: { enabled: false },
  segmentation: { enabled: false },
});

const ready = human.load();

/** Human reports only the likelier expressions; scale them to a distribution that sums to 1. */
function normalised(expressions: Array<{ score: number; emotion: string }>): Record<string, number> {
  const total = expressions.reduce((sum, e) => sum + e.score, 0);
  return Object.fromEntries(expressions.map((e) => [e.emotion, total > 0 ? e.score / total : 0]));
}

/** Requests queue here and run one at a time: Human keeps state between calls. */
let queue: Promise<unknown> = ready.catch(() => undefined);

parentPort!.on('message', (request: FaceRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer(request: FaceRequest): Promise<void> {
  try {
    await ready;
    const image = human.tf.tensor3d(request.rgb, [request.height, request.width, 3], 'int32');
    const batch = human.tf.expandDims(image, 0);
    // Objects (CenterNet) cost three times the faces: only some requests ask for them.
    const result = await human.detect(batch, { object: { enabled: request.objects } });
    image.dispose();
    batch.dispose();
    const response: FaceResponse = {
      id: request.id,
      faces: result.face.map((face) => ({
        area: Math.max(0, face.boxRaw[2]) * Math.max(0, face.boxRaw[3]),
        score: face.score,
        expressions: normalised(face.emotion ?? []),
      })),
      objects: request.objects ? result.object.map((o) => o.label) : undefined,
    };
    parentPort!.postMessage(response);
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: (error as Error).message } satisfies FaceResponse);
  }
}
