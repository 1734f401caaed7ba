// What the Redis queue tests share: the Redis they use (V2M_REDIS_URL, or redis://127.0.0.1:6379),
// the one-line skip when none answers, a queue name of the run's own, and its removal afterwards.

import net from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisConnection } from '../../src/queue/connection.js';

export const REDIS_URL = process.env.V2M_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when something at the address answers PING with PONG within two seconds. */
export async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** node:test's `skip`: false when Redis answers, else the one line that says why the tests did not run. */
export async function redisSkip(what: string): Promise<string | false> {
  return (await redisAnswers(REDIS_URL)) ? false : `no Redis answers at ${REDIS_URL} (set V2M_REDIS_URL): ${what} skipped`;
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
