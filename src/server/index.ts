// `v2m serve`: the job service and the HTTP app in one process, and a clean stop (running jobs go
// back to the queue and resume on the next start).

import path from 'node:path';
import type { FastifyInstance } from 'fastify';
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
  const service = await JobService.open({ dataFolder, concurrency: options.concurrency, retentionMs: options.retentionMs });
  const app = await buildApp(service, { uploadLimitBytes: options.uploadLimitBytes });
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
