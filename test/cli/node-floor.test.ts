// The Node floor in package.json's `engines` is the real one. v2m's server loads ES-module-only packages
// (content-disposition 3, cookie 2) with require(), which Node has from 20.19 and 22.12; on Node 20,
// `--no-experimental-require-module` makes require() behave as on 20.0–20.18. Below the floor, v2m
// says so at start; at or above it, `serve` starts.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { CLI, ROOT, temporaryFolder, withDeadline } from '../helpers.js';

const OLD_REQUIRE = '--no-experimental-require-module';
const engines = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

/** The lowest version of each release line `engines` names, e.g. ['20.19', '22.12']. */
function floors(range: string): string[] {
  return [...range.matchAll(/(?:\^|>=)(\d+\.\d+)\.\d+/g)].map((match) => match[1]!);
}

test('engines names the release lines that load ES modules with require()', () => {
  assert.deepEqual(floors(engines), ['20.19', '22.12'], engines);
});

test('below the floor the server cannot load: require() of its dependencies fails as on Node 20.0–20.18', () => {
  const run = spawnSync(process.execPath, [OLD_REQUIRE, '-e', "require('@fastify/static')"], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /ERR_REQUIRE_ESM/);
});

test('below the floor v2m stops at start with a clear message naming the floor, not a stack trace', () => {
  const run = spawnSync(process.execPath, [OLD_REQUIRE, CLI, 'serve', '--port', '0', '--data', path.join(temporaryFolder(), 'data')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, EXIT_CODES.INTERNAL, run.stderr);
  for (const floor of floors(engines)) assert.ok(run.stderr.includes(`≥ ${floor}`), `names Node ${floor}: ${run.stderr}`);
  assert.match(run.stderr, new RegExp(`this is Node ${process.version.replace(/\./g, '\\.')}`));
  assert.doesNotMatch(run.stderr, /ERR_REQUIRE_ESM|\n\s+at /);
});

test('at the floor or above, v2m serve starts and listens', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', path.join(temporaryFolder(), 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (/listening on http:\/\//.test(output)) resolve();
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => reject(new Error(`v2m serve exited (${code}) before listening: ${output}`)));
    });
    await withDeadline('v2m serve to listen', 30_000, listening);
  } finally {
    child.kill('SIGTERM');
    await withDeadline('v2m serve to stop', 15_000, new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined))));
  }
});
