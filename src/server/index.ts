// `v2m serve`: the job service and the HTTP app in one process, and a clean stop (running jobs go
// back to the queue and resume on the next start).

import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isV2mError, usageError, type V2mError } from '../errors.js';
import { allowedHostNames } from './access.js';
import { buildApp } from './app.js';
import { JobService } from './jobs.js';
import { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './defaults.js';

export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './defaults.js';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  service: JobService;
  close(): Promise<void>;
}

export async function startServer(overrides: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const options: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...overrides };
  const dataFolder = path.resolve(options.dataFolder);
  const service = await JobService.open({ dataFolder, concurrency: options.concurrency, retentionMs: options.retentionMs, queue: options.queue }).catch((error: unknown) => {
    throw dataFolderProblem(dataFolder, error);
  });
  const app = await buildApp(service, { uploadLimitBytes: options.uploadLimitBytes, allowedHosts: allowedHostNames(options.host, options.allowedHosts) });
  // Sweep old jobs a few times per retention period (at most every 10 minutes).
  const sweeper = setInterval(() => void service.sweep().catch((error: unknown) => console.error('v2m serve: cleanup failed:', error)), Math.min(options.retentionMs / 4, 600_000));
  sweeper.unref();
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    clearInterval(sweeper);
    await service.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    app,
    service,
    close: async () => {
      clearInterval(sweeper);
      await service.close();
      await app.close();
    },
  };
}

/**
 * A data folder the server cannot use (a file, read-only, not ours to write, full) is the user's
 * setting to change: a usage error that says why, not a crash.
 */
function dataFolderProblem(dataFolder: string, error: unknown): V2mError {
  if (isV2mError(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? 'it is a file, or a file stands in its path'
      : code === 'EROFS' || code === 'ENOENT'
        ? 'it cannot be created or written there (a read-only file system?)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'you may not write there'
          : code === 'ENOSPC'
            ? 'its disk is full'
            : (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return usageError(`The data folder '${dataFolder}' cannot be used: ${why}. Give --data a folder v2m can create and write to.`);
}
