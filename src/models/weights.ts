// weights: the file format of a trained model. A small binary so that a few hundred thousand
// numbers stay a few hundred kilobytes, checked on load so a damaged file is refused, not used:
//   8 bytes  "V2MW0001"
//   4 bytes  header length N (uint32, little-endian)
//   N bytes  header, JSON: { kind, version, config, tensors: [{ name, shape }], sha256, trainedOn, … }
//   the tensors' float32 values (little-endian), one after another in header order
// `sha256` is the SHA-256 of everything after the header.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { usageError } from '../errors.js';
import { writeFileAtomically } from '../files.js';
import type { Parameters } from './linalg.js';

const MAGIC = 'V2MW0001';

export interface WeightsHeader<Config = unknown> {
  kind: string;
  /** Names the weights in cue sheets: kind, configuration and training run. */
  version: string;
  config: Config;
  tensors: Array<{ name: string; shape: number[] }>;
  sha256: string;
  /** Anything else worth keeping: data, epochs, validation figures, normalisation constants. */
  [extra: string]: unknown;
}

export interface Weights<Config = unknown> {
  header: WeightsHeader<Config>;
  params: Parameters;
}

export function encodeWeights<Config>(header: Omit<WeightsHeader<Config>, 'tensors' | 'sha256'>, params: Parameters): Buffer {
  const tensors = [...params].map(([name, { shape }]) => ({ name, shape }));
  const payload = Buffer.concat([...params.values()].map(({ data }) => Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
  const sha256 = createHash('sha256').update(payload).digest('hex');
  const json = Buffer.from(JSON.stringify({ ...header, tensors, sha256 }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([Buffer.from(MAGIC, 'ascii'), length, json, payload]);
}

export async function saveWeights<Config>(file: string, header: Omit<WeightsHeader<Config>, 'tensors' | 'sha256'>, params: Parameters): Promise<void> {
  await writeFileAtomically(file, encodeWeights(header, params));
}

export async function loadWeights<Config>(file: string, kind: string): Promise<Weights<Config>> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw usageError(`Cannot read the ${kind} weights '${file}' (${error.code ?? error.message}). Reinstall v2m, or train them with 'v2m train ${kind}'.`);
  });
  return decodeWeights<Config>(bytes, file, kind);
}

export function decodeWeights<Config>(bytes: Buffer, file: string, kind: string): Weights<Config> {
  const corrupt = (why: string) => usageError(`The ${kind} weights '${file}' are damaged (${why}); v2m will not use them. Reinstall v2m, or train them again with 'v2m train ${kind}'.`);
  if (bytes.length < 12 || bytes.subarray(0, 8).toString('ascii') !== MAGIC) throw corrupt('not a v2m weights file');
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw corrupt('cut short');
  let header: WeightsHeader<Config>;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as WeightsHeader<Config>;
  } catch {
    throw corrupt('unreadable header');
  }
  if (header.kind !== kind) throw corrupt(`they hold a '${header.kind}' model, not '${kind}'`);
  const payload = bytes.subarray(12 + headerLength);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) throw corrupt('checksum mismatch');
  const params: Parameters = new Map();
  let offset = 0;
  for (const { name, shape } of header.tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > payload.length) throw corrupt(`tensor '${name}' runs past the end`);
    const data = new Float32Array(count);
    Buffer.from(data.buffer).set(payload.subarray(offset, offset + count * 4));
    params.set(name, { shape, data });
    offset += count * 4;
  }
  if (offset !== payload.length) throw corrupt('trailing bytes');
  return { header, params };
}
