// The server's settings and their defaults, apart from the server itself so that the CLI can show
// them in its help without loading Fastify and SQLite.

import os from 'node:os';

export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataFolder: string;
  concurrency: number;
  uploadLimitBytes: number;
  /** Finished jobs are deleted this long after they finished. */
  retentionMs: number;
  /** Further host names the server answers to (beside its address and localhost): --allow-host. */
  allowedHosts: string[];
  /**
   * --queue: the jobs live on this Redis (BullMQ queue `queueName`) and `v2m worker`s score them;
   * `concurrency` is then what this server scores itself (0: nothing). Unset: SQLite in the data folder.
   */
  queue?: { url: string; queueName: string; lockSeconds: number };
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  port: 8080,
  dataFolder: 'v2m-data',
  concurrency: os.availableParallelism(),
  uploadLimitBytes: 2 * 1024 ** 3,
  retentionMs: 7 * 24 * 3600_000,
  allowedHosts: [],
};
