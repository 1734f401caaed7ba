// What the Redis queue tests share: the Redis they use (V2M_REDIS_URL, or redis://127.0.0.1:6379),
// the one-line skip when none answers, a queue name of the run's own, and its removal afterwards.

import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisConnection } from '../../src/queue/connection.js';
import { queueTierSkipped, REDIS_URL } from '../tiers.js';

export { REDIS_URL } from '../tiers.js';

/** node:test's `skip`: false when Redis answers, else the one line that says why the tests did not run. */
export async function redisSkip(what: string): Promise<string | false> {
  return (await queueTierSkipped()) ? `no Redis answers at ${REDIS_URL} (set V2M_REDIS_URL): ${what} skipped` : false;
}

/** A BullMQ queue name no other run uses. */
export function uniqueQueueName(label: string): string {
  return `v2m-test-${label}-${process.pid}-${Date.now().toString(36)}`;
}

/** Removes the queue and every key under its name (BullMQ's and the server's owner index), within 10 s. */
export async function forgetQueue(name: string): Promise<void> {
  const queue = new Queue(name, { connection: redisConnection(REDIS_URL) });
  const redis = new Redis({ ...(redisConnection(REDIS_URL) as object), maxRetriesPerRequest: 1 });
  const work = (async () => {
    await queue.obliterate({ force: true });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${name}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  })();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`removing the queue ${name} took over 10 s`)), 10_000)))]);
  } finally {
    clearTimeout(timer);
    await queue.close();
    redis.disconnect();
  }
}

/**
 * A Unix socket in `folder` that forwards every connection to the Redis at REDIS_URL: how processes
 * in a network namespace of their own (no network at all) still reach Redis — a socket is a file.
 */
export async function redisSocketProxy(folder: string): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(REDIS_URL);
  const socketPath = path.join(folder, 'redis.sock');
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return {
    url: `unix://${socketPath}`,
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The command prefix that starts a process in a network namespace of its own (`unshare --net`, or
 * with `--map-root-user` where only user namespaces are allowed), or undefined where neither is.
 */
export function isolatedNetworkPrefix(): string[] | undefined {
  for (const prefix of [['unshare', '--net'], ['unshare', '--net', '--map-root-user']]) {
    const tried = spawnSync(prefix[0]!, [...prefix.slice(1), 'true'], { timeout: 10_000 });
    if (tried.status === 0) return prefix;
  }
  return undefined;
}
