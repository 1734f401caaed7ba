// Test tiers: what a test needs beyond the repository. `npm test` runs everything available; a tier
// whose prerequisite is missing is skipped, and test/run.ts ends with one line per skipped tier that
// says what was skipped and how to run it (each skipped test carries the same reason).

import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA = path.resolve(ROOT, '..', 'shared', 'data');

/** The data sets the data tier reads (see SOURCES.md). */
export const DATA_SETS = ['muvi-sync', 'pop909', 'billboard'] as const;

/** `V2M_DATA=off` turns the data tier off (test:unit does, to stay under a minute). */
const DATA_OFF = process.env.V2M_DATA === 'off';

/** The data sets folder (MuVi-Sync, POP909, Billboard): `V2M_DATA`, else `../shared/data` when it exists. */
export const DATA_FOLDER: string | undefined = DATA_OFF ? undefined : process.env.V2M_DATA ? path.resolve(process.env.V2M_DATA) : existsSync(DEFAULT_DATA) ? DEFAULT_DATA : undefined;

/** A data set inside the data folder (e.g. 'pop909', 'muvi-sync'), or undefined when it is not there. */
export function dataSet(name: string): string | undefined {
  const folder = DATA_FOLDER && path.join(DATA_FOLDER, name);
  return folder && existsSync(folder) ? folder : undefined;
}

/** Why the data tier cannot run for these data sets, or undefined when they are all there. */
export function dataTierSkipped(names: readonly string[] = DATA_SETS): string | undefined {
  const missing = names.filter((name) => !dataSet(name));
  if (missing.length === 0) return undefined;
  if (DATA_OFF) return 'data tier skipped: V2M_DATA=off (npm test runs it when the data sets are there)';
  const where = DATA_FOLDER ? `not in ${DATA_FOLDER}` : 'no data folder (../shared/data does not exist)';
  return `data tier skipped for ${missing.join(', ')}: ${where}; set V2M_DATA=<folder holding ${missing.map((name) => `${name}/`).join(', ')}> to run it`;
}

/** `{ skip }` for node:test: false when every named data set is there, else the reason. */
export function needsData(...names: string[]): { skip: string | false } {
  return { skip: dataTierSkipped(names) ?? false };
}

/** A Chromium for the browser tests: `V2M_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH. */
export function findChromium(): string | undefined {
  if (process.env.V2M_CHROMIUM) return process.env.V2M_CHROMIUM;
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = folder && path.join(folder, name);
      if (candidate && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Why the browser tier cannot run, or undefined when a Chromium is there. */
export function browserTierSkipped(): string | undefined {
  return findChromium() ? undefined : 'browser tier skipped: no Chromium found (apt-get install chromium, or set V2M_CHROMIUM=/path/to/chromium)';
}

/** `{ skip }` for the browser tests: false with a Chromium, else the reason with how to get one. */
export function needsChromium(): { skip: string | false } {
  return { skip: browserTierSkipped() ?? false };
}

/** espeak-ng, to speak the phrases of the ducking test: `V2M_ESPEAK`, else `espeak-ng` on the PATH. */
export function findEspeak(): string | undefined {
  if (process.env.V2M_ESPEAK) return process.env.V2M_ESPEAK;
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = folder && path.join(folder, 'espeak-ng');
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Why the speech tier (synthetic dialogue for ducking) cannot run, or undefined when espeak-ng is there. */
export function speechTierSkipped(): string | undefined {
  return findEspeak() ? undefined : 'speech tier skipped: no espeak-ng found (apt-get install espeak-ng, or set V2M_ESPEAK=/path/to/espeak-ng)';
}

/** `{ skip }` for the tests that need spoken phrases: false with espeak-ng, else the reason with how to get it. */
export function needsEspeak(): { skip: string | false } {
  return { skip: speechTierSkipped() ?? false };
}

/** The Redis the queue tests use: `V2M_REDIS_URL`, else the local one. */
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

/** Why the queue tier (BullMQ on Redis: workers, batch --queue, serve --queue) cannot run, or undefined when Redis answers. */
export async function queueTierSkipped(): Promise<string | undefined> {
  return (await redisAnswers(REDIS_URL)) ? undefined : `queue tier skipped: no Redis answers at ${REDIS_URL} (start one — apt-get install redis-server — or set V2M_REDIS_URL=redis://host:port)`;
}
