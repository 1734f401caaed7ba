// Runs one tier of the tests with Node's test runner: `unit` (no ffmpeg, no built CLI: pure code, under a
// minute), `e2e` (ffmpeg, the built CLI, the server and the browser), or `all`. A file is end to end by
// where it lives (test/analysis, test/cli, test/e2e, test/media, test/server: they decode or run v2m)
// or by its name (*.e2e.test.ts anywhere else); every other *.test.ts is a unit test.
//   node --import tsx test/run.ts unit|e2e|all [extra node --test flags]

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_FOLDER = path.dirname(fileURLToPath(import.meta.url));
const END_TO_END_FOLDERS = ['analysis', 'cli', 'e2e', 'media', 'server'];
const TIERS = ['unit', 'e2e', 'all'] as const;
type Tier = (typeof TIERS)[number];

function isEndToEnd(relativeFile: string): boolean {
  const [folder] = relativeFile.split(path.sep);
  return END_TO_END_FOLDERS.includes(folder!) || relativeFile.endsWith('.e2e.test.ts');
}

function testFiles(tier: Tier): string[] {
  return readdirSync(TEST_FOLDER, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => tier === 'all' || (tier === 'e2e') === isEndToEnd(file))
    .sort()
    .map((file) => path.join('test', file));
}

const [tier, ...flags] = process.argv.slice(2);
if (!TIERS.includes(tier as Tier)) {
  console.error(`Usage: node --import tsx test/run.ts ${TIERS.join('|')} [node --test flags]`);
  process.exit(2);
}
const files = testFiles(tier as Tier);
// The unit tier leaves the data sets out (reading POP909 or evaluating on it takes minutes, not seconds).
if (tier === 'unit') process.env.V2M_DATA = 'off';
const { browserTierSkipped, dataTierSkipped, queueTierSkipped, speechTierSkipped } = await import('./tiers.js'); // after V2M_DATA is settled
// A test that sets no timeout of its own still cannot hang the run: it fails after five minutes.
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...flags, ...files], { stdio: 'inherit', cwd: path.dirname(TEST_FOLDER) });
// One line per tier that could not run, last, where a reader of the output looks.
const skippedTiers = tier === 'unit' ? [dataTierSkipped()] : [dataTierSkipped(), browserTierSkipped(), speechTierSkipped(), await queueTierSkipped()];
for (const line of skippedTiers) if (line) console.log(line);
process.exit(run.status ?? 1);
