// One option contract: the option table (config.ts) is what the server's JSON schema, GET /options
// (the page's controls), the CLI's help and the one checker (checkOptions) all say.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OPTIONS, describeRange, OPTION_TABLE, SEED_LIMITS, type OptionSpec } from '../../src/config.js';
import { checkOptions } from '../../src/options.js';
import { API_OPTIONS, JOB_OPTIONS_SCHEMA, parseJobOptions } from '../../src/server/job-options.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { temporaryFolder } from '../helpers.js';

const ranged = OPTION_TABLE.filter((spec) => spec.kind === 'integer' || spec.kind === 'number');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the option contract', () => {
  test('the JSON schema lists exactly the API options of the table, with the same types, ranges and choices', () => {
    const properties = JOB_OPTIONS_SCHEMA.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(properties).sort(), API_OPTIONS.map((spec) => spec.name).sort());
    for (const spec of API_OPTIONS) {
      const property = properties[spec.name]!;
      if (spec.kind === 'integer' || spec.kind === 'number') {
        assert.deepEqual([property.type, property.minimum, property.maximum], [spec.kind, spec.minimum, spec.maximum], spec.name);
      }
      if (spec.kind === 'choice') assert.deepEqual(property.enum, [...spec.choices!], spec.name);
      if (spec.kind === 'switch') assert.equal(property.type, 'boolean', spec.name);
    }
    assert.deepEqual([properties.seed!.minimum, properties.seed!.maximum], [SEED_LIMITS.min, SEED_LIMITS.max]);
  });

  test('checkOptions takes each range end and refuses one step beyond it, saying what it accepts', async () => {
    for (const spec of ranged) {
      const step = spec.kind === 'integer' ? 1 : 0.01;
      for (const value of [spec.minimum!, spec.maximum!]) await checkOptions({ ...DEFAULT_OPTIONS, chords: 'rules', dynamics: 'motion', [spec.name]: value });
      for (const value of [spec.minimum! - step, spec.maximum! + step]) {
        await assert.rejects(checkOptions({ ...DEFAULT_OPTIONS, [spec.name]: value }), (error: Error) => error.message.includes(`${spec.flag} must be ${describeRange(spec)}`), `${spec.name} = ${value}`);
      }
    }
  });

  test('the server refuses what the CLI refuses: the same seed range on both sides', async () => {
    await parseJobOptions({ seed: String(SEED_LIMITS.max) });
    await assert.rejects(parseJobOptions({ seed: String(SEED_LIMITS.max + 1) }), /Option 'seed' must be <= 2147483647/);
    await assert.rejects(checkOptions({ ...DEFAULT_OPTIONS, seed: SEED_LIMITS.max + 1 }), /--seed must be a whole number from 0 to 2147483647/);
  });

  test('the CLI help names every option of the table with its range or choices', { timeout: 60_000 }, () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'score', '--help'], { encoding: 'utf8', timeout: 50_000 });
    assert.equal(help.status, 0, help.stderr);
    // One entry per option (commander wraps them over several lines), its words on one line.
    const entries = help.stdout.split(/\n(?= {2}-)/).map((entry) => entry.replace(/\s+/g, ' ').trim());
    const line = (spec: OptionSpec) => entries.find((entry) => entry.startsWith(`${spec.flag} `) || entry.includes(` ${spec.flag} `)) ?? '';
    for (const spec of OPTION_TABLE) {
      assert.ok(line(spec), `${spec.flag} is in the help`);
      if (spec.kind === 'integer' || spec.kind === 'number') assert.ok(line(spec).includes(describeRange(spec)), `${spec.flag}: ${line(spec)}`);
      if (spec.kind === 'choice') assert.ok(line(spec).includes(spec.choices!.join(' | ')), `${spec.flag}: ${line(spec)}`);
    }
  });

  describe('GET /options', () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer({ port: 0, dataFolder: path.join(temporaryFolder('v2m-options-'), 'data'), concurrency: 1 });
    });
    after(() => server.close());

    test('OpenAPI documents every API option of the table for the upload and for regenerate, with its range', async () => {
      const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { properties: Record<string, { minimum?: number; maximum?: number; enum?: string[] }> } }> } }>> };
      for (const [route, type] of [['/jobs', 'multipart/form-data'], ['/jobs/{id}/regenerate', 'application/json']] as const) {
        const properties = document.paths[route]!.post!.requestBody.content[type]!.schema.properties;
        for (const spec of API_OPTIONS) {
          const property = properties[spec.name];
          assert.ok(property, `${route} documents ${spec.name}`);
          assert.deepEqual([property.minimum, property.maximum, property.enum], [spec.minimum, spec.maximum, spec.choices && [...spec.choices]], `${route}: ${spec.name}`);
        }
      }
    });

    test('gives the page the table itself and a default for every option that has one', async () => {
      const choices = (await (await fetch(`${server.url}/options`)).json()) as { controls: OptionSpec[]; defaults: Record<string, unknown> };
      assert.deepEqual(choices.controls, JSON.parse(JSON.stringify(API_OPTIONS)));
      for (const spec of API_OPTIONS) {
        const fallback = DEFAULT_OPTIONS[spec.name];
        assert.deepEqual(choices.defaults[spec.name], fallback, spec.name);
      }
    });
  });
});
