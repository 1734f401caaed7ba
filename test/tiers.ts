// Test tiers: what a test needs beyond the repository. `npm test` runs everything available; a tier
// whose prerequisite is missing is skipped with one line that says what was skipped and how to run it.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA = path.resolve(ROOT, '..', 'shared', 'data');

/** The data sets folder (MuVi-Sync, POP909, Billboard): `V2M_DATA`, else `../shared/data` when it exists. */
export const DATA_FOLDER: string | undefined = process.env.V2M_DATA ? path.resolve(process.env.V2M_DATA) : existsSync(DEFAULT_DATA) ? DEFAULT_DATA : undefined;

/** A data set inside the data folder (e.g. 'pop909', 'muvi-sync'), or undefined when it is not there. */
export function dataSet(name: string): string | undefined {
  const folder = DATA_FOLDER && path.join(DATA_FOLDER, name);
  return folder && existsSync(folder) ? folder : undefined;
}

const announced = new Set<string>();

/**
 * `{ skip }` for node:test: false when the data set is there, else the reason — printed once per
 * data set, with how to run the tier.
 */
export function needsData(name: string): { skip: string | false } {
  if (dataSet(name)) return { skip: false };
  const reason = `data tier skipped: no ${name} data set (set V2M_DATA=<folder holding ${name}/> to run it)`;
  if (!announced.has(name)) {
    announced.add(name);
    console.log(reason);
  }
  return { skip: reason };
}
