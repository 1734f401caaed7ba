// `v2m eval models` as a user runs it (the built CLI), on a miniature MuVi-Sync folder.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, temporaryFolder } from '../helpers.js';
import { tinyDataSet } from './tiny-muvisync.js';

describe('v2m eval models', () => {
  it('prints the table as JSON for other tools, and refuses a folder that is not MuVi-Sync', () => {
    const root = tinyDataSet();
    const run = runCli(['eval', 'models', '--data', root, '--split', 'test', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { chords: Array<{ model: string; hits1: number }>; dynamics: Array<{ model: string; rmse_density: number }> };
    assert.deepEqual(result.chords.map((c) => c.model), ['most-frequent', 'unigram', 'chord-bigram', 'chord-lm', 'amt'], 'the baselines and the shipped models');
    assert.deepEqual(result.dynamics.map((d) => d.model), ['mean', 'bigru']);
    for (const row of result.chords) assert.ok(row.hits1 >= 0 && row.hits1 <= 1);
    const baselinesOnly = JSON.parse(runCli(['eval', 'models', '--data', root, '--split', 'test', '--json', '--models', temporaryFolder()]).stdout) as typeof result;
    assert.deepEqual(baselinesOnly.chords.map((c) => c.model), ['most-frequent', 'unigram', 'chord-bigram'], 'a folder without weights: baselines only');
    const wrong = runCli(['eval', 'models', '--data', temporaryFolder(), '--split', 'test']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--data must be the MuVi-Sync folder/);
  });
});
