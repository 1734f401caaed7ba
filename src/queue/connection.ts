// What the batch client and the workers share: the Redis address, the queue's name, the job record
// (paths relative to the shared data folder, never a machine's own path) and the timing of locks.

import path from 'node:path';
import type { ConnectionOptions } from 'bullmq';
import type { ScoreOptions } from '../config.js';
import { usageError } from '../errors.js';

export const DEFAULT_QUEUE_NAME = 'v2m-score';
/** Tries per video: a second one covers a worker that died or a passing fault; a video that fails both is reported failed with its reason. */
export const DEFAULT_ATTEMPTS = 2;
/**
 * How long a worker's lock on its job lasts without renewal (it renews every half of it while the
 * job runs). A worker that dies stops renewing; within one more check (stalledInterval, the same
 * length) another worker finds the job stalled and takes it over.
 */
export const DEFAULT_LOCK_SECONDS = 30;

/** One video as a queue job: every path relative to the shared data folder, with `/` separators. */
export interface QueueJobData {
  input: string;
  outputFolder: string;
  stem: string;
  options: Partial<ScoreOptions>;
}

/** What a worker returns for a scored video (the job's return value). */
export interface QueueJobResult {
  style: string;
  key: string;
  tempo: number;
  duration: number;
  seconds: number;
  /** host:pid of the worker that scored it. */
  worker: string;
  /** True when the outputs were already complete (an earlier attempt finished them before its worker died). */
  alreadyDone?: boolean;
}

/**
 * ioredis options for a redis:// or rediss:// URL (host, port, user, password, database number), or
 * for unix:///path/to/redis.sock[?db=N] (a Redis on this machine's socket).
 */
export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`'${url}' is not a Redis address. Write it as redis://host:6379 (or rediss:// for TLS).`);
  }
  if (parsed.protocol === 'unix:') {
    const socket = decodeURIComponent(parsed.pathname);
    const db = Number(parsed.searchParams.get('db') ?? 0);
    if (!path.isAbsolute(socket) || !Number.isInteger(db) || db < 0) throw usageError(`'${url}': write a Redis socket as unix:///absolute/path/redis.sock (with ?db=N for another database).`);
    return { path: socket, db, maxRetriesPerRequest: null };
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw usageError(`'${url}' is not a Redis address. Write it as redis://host:6379 (or rediss:// for TLS).`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw usageError(`'${url}': the database number after the port must be a whole number.`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's workers block on Redis; they must wait for a reconnect rather than fail a command.
    maxRetriesPerRequest: null,
  };
}

/** `file` as a path relative to `dataFolder` with `/` separators, or a usage error when it lies outside. */
export function relativeToData(dataFolder: string, file: string, what: string): string {
  const relative = path.relative(path.resolve(dataFolder), path.resolve(file));
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (outside || (relative === '' && what !== 'The output folder')) {
    throw usageError(`${what} '${file}' is not inside the shared data folder '${dataFolder}': queue workers only see files under it. Move it there or give another --data.`);
  }
  return relative.split(path.sep).join('/');
}

/** A job's relative path resolved inside the worker's data folder; undefined when it would lead outside (a forged job). */
export function insideData(dataFolder: string, relative: string): string | undefined {
  if (typeof relative !== 'string' || path.posix.isAbsolute(relative) || path.win32.isAbsolute(relative)) return undefined;
  const root = path.resolve(dataFolder);
  const resolved = path.resolve(root, ...relative.split('/'));
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : undefined;
}

/** How long the batch client and a worker wait for Redis to answer at start. */
const CONNECT_DEADLINE_MS = 15_000;

/** Waits for a queue or worker to reach Redis; a usage error that names the address when it does not answer in time. */
export async function connectedWithin(ready: Promise<unknown>, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(usageError(`Redis at ${url} does not answer (waited ${CONNECT_DEADLINE_MS / 1000} s). Start it, or give its address with --queue redis://host:6379.`)), CONNECT_DEADLINE_MS);
  });
  try {
    await Promise.race([ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A log of connection errors that says each one once a minute, not once per reconnect. */
export function onceAMinute(log: (line: string) => void): (message: string) => void {
  let last = '';
  let at = 0;
  return (message) => {
    if (message === last && Date.now() - at < 60_000) return;
    last = message;
    at = Date.now();
    log(message);
  };
}
