// The job service: what the HTTP routes ask for, in plain calls — create a job from an upload,
// regenerate one from another's analysis, delete, sweep old jobs away. Where jobs live and run is
// its backend's business (backend.ts: SQLite here, or BullMQ on Redis with workers anywhere). It
// owns the data folder (with Redis, the folder every worker mounts):
//   <data>/v2m.sqlite            the job store (and queue) — SQLite backend only
//   <data>/server.pid            the server that owns the folder (one at a time)
//   <data>/uploads/<uuid>.part   uploads still arriving (removed once moved or refused)
//   <data>/jobs/<id>/            one folder per job (input, analysis.json, poster.jpg, out/)
//   <data>/tmp/                  the job processes' scratch space (v2m-<pid>-…), removed when a process
//                                ends however it ends, and emptied on every start

import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isV2mError, usageError } from '../errors.js';
import { probe } from '../media/probe.js';
import { scoredVideoExtension } from '../pipeline.js';
import { jobFiles, jobFolder } from './job-files.js';
import { parseJobOptions } from './job-options.js';
import { SqliteBackend, type JobBackend } from './backend.js';
import type { JobRecord } from './store.js';

/** An error with the HTTP status the client gets and a message that says what to do. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ServiceOptions {
  dataFolder: string;
  /** Jobs scored at the same time (default: one per CPU core). */
  concurrency: number;
  /** Finished jobs are deleted this long after they finished. */
  retentionMs: number;
  /** Jobs on a Redis queue (BullMQ) instead of SQLite; `concurrency` is then what this server scores itself (may be 0). */
  queue?: { url: string; queueName: string; lockSeconds: number };
}

const DATABASE_FILE = 'v2m.sqlite';

/** Uploads that never completed are removed after this long. */
const STALE_UPLOAD_MS = 6 * 3600_000;

export class JobService {
  readonly uploadFolder: string;

  private constructor(
    readonly options: ServiceOptions,
    readonly backend: JobBackend,
  ) {
    this.uploadFolder = path.join(options.dataFolder, 'uploads');
  }

  /** Opens the data folder, takes back jobs a previous server left running, and starts the queue. */
  static async open(options: ServiceOptions): Promise<JobService> {
    await claimDataFolder(options.dataFolder);
    await rm(path.join(options.dataFolder, 'tmp'), { recursive: true, force: true });
    for (const folder of ['jobs', 'uploads', 'tmp']) await mkdir(path.join(options.dataFolder, folder), { recursive: true });
    const backend = options.queue
      ? new (await import('./redis-backend.js')).RedisBackend({ ...options.queue, dataFolder: options.dataFolder, concurrency: options.concurrency })
      : new SqliteBackend(path.join(options.dataFolder, DATABASE_FILE), options.dataFolder, options.concurrency);
    const service = new JobService(options, backend);
    try {
      await backend.start();
      await service.sweep();
    } catch (error) {
      await service.close();
      throw error;
    }
    return service;
  }

  /**
   * The job `id` if `owner` (the hash of the caller's token) owns it. Another client's job answers
   * exactly as a missing one: whether an id exists is not told to those who may not see it.
   */
  async get(id: string, owner: string | undefined): Promise<JobRecord> {
    const job = await this.backend.get(id);
    if (!job || owner === undefined || job.owner !== owner) throw new ApiError(404, `No job '${id}': it never existed, was deleted, was cleaned up after it finished, or belongs to another client (send its token).`);
    return job;
  }

  /** Checks the options and the uploaded file, then queues a job that owns the file. */
  async create(upload: { file: string; clientName: string }, fields: Record<string, unknown>, owner: string): Promise<JobRecord> {
    const options = await parseJobOptions(fields);
    const info = await probe(upload.file).catch((error: unknown) => {
      if (!isV2mError(error)) throw error;
      const message = error.message.replaceAll(`'${upload.file}'`, 'The upload').replaceAll(upload.file, 'the upload');
      throw new ApiError(415, `${message} (received '${upload.clientName.slice(0, 100)}')`);
    });
    const id = randomUUID();
    const videoExtension = scoredVideoExtension(info);
    const files = jobFiles(jobFolder(this.options.dataFolder, id), videoExtension);
    await mkdir(files.folder, { recursive: true });
    await rename(upload.file, files.input);
    return this.backend.add({ id, options, name: upload.clientName, parent: null, reusedAnalysis: false, videoExtension, owner });
  }

  /** A new job on the same video with changed options, reusing the parent's analysis (no second decode). */
  /**
   * A new job on the same video with changed options, reusing the parent's analysis (no second
   * decode) when it has one — a job that failed before its analysis was kept runs the analysis again.
   */
  async regenerate(parentId: string, fields: Record<string, unknown>, owner: string | undefined): Promise<JobRecord> {
    const parent = await this.get(parentId, owner);
    const parentFiles = jobFiles(jobFolder(this.options.dataFolder, parent.id), parent.videoExtension);
    const hasAnalysis = await stat(parentFiles.analysis).then(() => true, () => false);
    if (!hasAnalysis && parent.state !== 'failed') {
      throw new ApiError(409, `Job '${parent.id}' is ${parent.state} and has no analysis to reuse yet. Regenerate it once it is done.`);
    }
    const options = await parseJobOptions(fields, parent.options);
    const id = randomUUID();
    const files = jobFiles(jobFolder(this.options.dataFolder, id), parent.videoExtension);
    await mkdir(files.folder, { recursive: true });
    for (const kind of ['input', 'analysis', 'poster'] as const) await linkOrCopy(parentFiles[kind], files[kind]);
    return this.backend.add({ id, options, name: parent.name, parent: parent.id, reusedAnalysis: hasAnalysis, videoExtension: parent.videoExtension, owner: parent.owner! });
  }

  /** A failed job queued again from its kept input, with the same options. */
  async retry(id: string, owner: string | undefined): Promise<JobRecord> {
    const job = await this.get(id, owner);
    if (job.state !== 'failed') throw new ApiError(409, `Job '${id}' is ${job.state}; only a failed job can be retried.`);
    const files = jobFiles(jobFolder(this.options.dataFolder, id), job.videoExtension);
    if (!(await stat(files.input).then(() => true, () => false))) throw new ApiError(409, `Job '${id}' no longer has its video; upload it again.`);
    await rm(files.outputFolder, { recursive: true, force: true });
    await this.backend.retry(id);
    return this.get(id, owner);
  }

  /** Deletes a job the caller owns: stops it if it runs, removes its files and scratch space. */
  async removeOwned(id: string, owner: string | undefined): Promise<void> {
    await this.get(id, owner);
    await this.remove(id);
  }

  private async remove(id: string): Promise<void> {
    await this.backend.remove(id);
    await rm(jobFolder(this.options.dataFolder, id), { recursive: true, force: true });
    this.backend.events.emit('change', id);
  }

  /** Deletes finished jobs older than the retention time, and uploads that never completed. */
  async sweep(now = Date.now()): Promise<number> {
    const expired = await this.backend.finishedBefore(now - this.options.retentionMs);
    for (const id of expired) await this.remove(id);
    for (const name of await readdir(this.uploadFolder)) {
      const file = path.join(this.uploadFolder, name);
      const { mtimeMs } = await stat(file);
      if (now - mtimeMs > STALE_UPLOAD_MS) await rm(file, { force: true });
    }
    return expired.length;
  }

  async close(): Promise<void> {
    await this.backend.close();
    await rm(path.join(this.options.dataFolder, SERVER_PID_FILE), { force: true });
  }
}

const SERVER_PID_FILE = 'server.pid';

/**
 * One server per data folder. A server killed with SIGKILL leaves its pid file and, possibly,
 * SQLite's lock (node-sqlite3-wasm locks with a `.lock` folder, since Node has no file locks):
 * when that server is gone, both are stale and are cleared.
 */
async function claimDataFolder(dataFolder: string): Promise<void> {
  await mkdir(dataFolder, { recursive: true });
  const pidFile = path.join(dataFolder, SERVER_PID_FILE);
  const other = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (Number.isSafeInteger(other) && other > 0 && other !== process.pid && isAlive(other)) {
    throw usageError(`Another v2m serve (process ${other}) is using the data folder '${dataFolder}'. Stop it first, or give this server its own folder with --data.`);
  }
  await writeFile(pidFile, String(process.pid));
  await rm(path.join(dataFolder, `${DATABASE_FILE}.lock`), { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A hard link costs nothing and survives either job being deleted; copy where links are not possible. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // e.g. no poster for this video
    await copyFile(from, to);
  }
}
