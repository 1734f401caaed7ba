// faces: who is on screen, per second — how many faces, how large the largest is, what expressions
// they wear — and which objects are in view. Detection runs in a worker thread (face-worker.ts) on
// a side stream of larger frames at a low rate, so it costs the second core, not the first.

import { Worker } from 'node:worker_threads';
import { internalError } from '../errors.js';
import type { VideoFrame } from '../media/frames.js';
import { round3 } from '../numbers.js';

export const FACE_EXPRESSIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type FaceExpression = (typeof FACE_EXPRESSIONS)[number];

/** Width of the frames faces are looked for in: BlazeFace reads 256 px, so more would be wasted. */
export const FACE_FRAME_WIDTH = 320;
/**
 * At most this many face detections per video (spread evenly), and never more than one a second:
 * each look costs ~45 ms of BlazeFace on WebAssembly, and the whole analysis must stay within 1.5×
 * the decode (EVALUATION §5) on two cores that the decode already keeps busy.
 */
const MAX_SAMPLES = 10;
/**
 * Objects are looked for in every this-many-th face sample, and in at most MAX_OBJECT_SAMPLES per
 * video: one CenterNet look costs three to ten face looks, and the objects only label the report.
 */
const OBJECT_EVERY = 4;
const MAX_OBJECT_SAMPLES = 3;
/** Side-stream frames waiting for the worker at most (320-px RGB: ~170 KB each). */
const MAX_QUEUED_FRAMES = 32;
/** …but at least one every fifteen seconds, however long the video. */
const MIN_RATE_HZ = 1 / 15;

export interface FaceRequest {
  id: number;
  /** Also look for objects in this frame. */
  objects: boolean;
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface FaceResponse {
  id: number;
  faces?: Array<{ area: number; score: number; expressions: Partial<Record<string, number>> }>;
  objects?: string[];
  error?: string;
}

export interface FaceTimeline {
  /** Detections per second of video (each second takes the latest detection at or before it). */
  sampleRateHz: number;
  /** Faces found, per second. */
  count: number[];
  /** Area of the largest face as a share of the frame, per second (0 without faces). */
  largestArea: number[];
  /** Mean expression probabilities of the faces, per second, in FACE_EXPRESSIONS order (all 0 without faces). */
  expressions: number[][];
  /** Object classes in view (COCO labels), per second: empty unless asked for; looked for in every fourth face sample, at most three times a video. */
  objects: string[][];
}

/** How often to look for faces in a video of `duration` seconds. */
export function faceSampleRate(duration: number): number {
  return Math.round(Math.min(1, Math.max(MIN_RATE_HZ, MAX_SAMPLES / Math.max(duration, 1))) * 1000) / 1000;
}

/** Runs the detector over the side-stream frames; the per-second timeline comes back at the end. */
export async function detectFaces(frames: AsyncIterable<VideoFrame>, seconds: number, rateHz: number, worker: FaceDetector): Promise<FaceTimeline> {
  const objectEvery = Math.max(OBJECT_EVERY, Math.ceil((seconds * rateHz) / MAX_OBJECT_SAMPLES));
  const samples: Array<{ time: number; response: FaceResponse }> = [];
  try {
    // Frames queue up at the worker (a bounded number) while it loads its models and works, so the
    // shared decode never waits for it; only a full queue holds the side stream back.
    const queued: Array<Promise<void>> = [];
    let failure: unknown;
    for await (const frame of frames) {
      if (failure) break;
      if (queued.length >= MAX_QUEUED_FRAMES) await queued.shift();
      const time = frame.time;
      const objects = worker.objects && frame.index % objectEvery === 0;
      queued.push(
        worker
          .detect({ id: frame.index, objects, rgb: frame.rgb, width: frame.width, height: frame.height })
          .then((response) => {
            samples.push({ time, response });
          })
          // Kept, not thrown here: a rejection nobody awaits yet would crash the process.
          .catch((error: unknown) => {
            failure ??= error;
          }),
      );
    }
    await Promise.all(queued);
    if (failure) throw failure;
  } finally {
    await worker.close();
  }
  return perSecond(samples.sort((a, b) => a.time - b.time), seconds, rateHz);
}

function perSecond(samples: ReadonlyArray<{ time: number; response: FaceResponse }>, seconds: number, rateHz: number): FaceTimeline {
  const timeline: FaceTimeline = { sampleRateHz: rateHz, count: [], largestArea: [], expressions: [], objects: [] };
  let next = 0;
  let current: FaceResponse | undefined;
  let objects: string[] = [];
  for (let second = 0; second < seconds; second++) {
    while (next < samples.length && samples[next]!.time < second + 1 - 1e-9) {
      current = samples[next++]!.response;
      if (current.objects) objects = current.objects;
    }
    const faces = current?.faces ?? [];
    timeline.count.push(faces.length);
    timeline.largestArea.push(round3(Math.max(0, ...faces.map((f) => f.area))));
    timeline.expressions.push(FACE_EXPRESSIONS.map((e) => round3(faces.length === 0 ? 0 : faces.reduce((sum, f) => sum + (f.expressions[e] ?? 0), 0) / faces.length)));
    timeline.objects.push([...new Set(objects)]);
  }
  return timeline;
}

/** The detector's worker thread: started early (its models load while the rest starts up), closed once. */
export interface FaceDetector {
  /** Whether it also looks for objects (and loaded CenterNet for them). */
  objects: boolean;
  detect(request: FaceRequest): Promise<FaceResponse>;
  /** Stops the thread; safe to call more than once. */
  close(): Promise<void>;
}

export function startFaceDetector(options: { objects: boolean }): FaceDetector {
  // Built, this module is JavaScript beside face-worker.js. Under tsx (the tests) it is TypeScript,
  // and the worker needs tsx's loader too: workers do not inherit --import hooks.
  const self = import.meta.url;
  const worker = self.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./face-worker.ts', self).href)}); });`,
        { eval: true, workerData: options },
      )
    : new Worker(new URL('./face-worker.js', self), { workerData: options });
  const waiting = new Map<number, { resolve: (r: FaceResponse) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  let terminated: Promise<number> | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (response: FaceResponse) => {
    const entry = waiting.get(response.id);
    waiting.delete(response.id);
    if (response.error) entry?.reject(internalError(`face detection failed: ${response.error}. Run with --no-faces to analyse without it.`));
    else entry?.resolve(response);
  });
  worker.on('error', (error) => failAll(internalError(`the face detector stopped: ${error.message}. Run with --no-faces to analyse without it.`, error)));
  return {
    objects: options.objects,
    detect: (request) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        waiting.set(request.id, { resolve, reject });
        worker.postMessage(request, [request.rgb.buffer as ArrayBuffer]);
      }),
    close: async () => {
      await (terminated ??= worker.terminate());
    },
  };
}
