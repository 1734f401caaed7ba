// Slow end-to-end tests of `v2m eval`: montages with known, irregular cut times are scored by v2m and
// by both baselines, rendered, and measured from the audio and MIDI, as a user would run it.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HtmlValidate } from 'html-validate';
import { STYLE_CHOICES } from '../../src/config.js';
import type { SystemSummary } from '../../src/eval/index.js';
import { buildMontage, FACE_CLIP, runCli, SAMPLE_CLIP, SHOTS, temporaryFolder, type MontagePart } from '../helpers.js';

interface EvalJson {
  summary: SystemSummary[];
  videos: Array<{ video: string; cuts: number[]; seedDiversity: Record<string, number | null>; runs: Array<{ system: string; metrics: { cutHitRate: number | null } }> }>;
  skipped: Array<{ video: string; reason: string }>;
}

function evalMontage(parts: readonly MontagePart[], name: string, extra: string[] = []): { result: EvalJson; folder: string } {
  const folder = temporaryFolder('v2m-eval-');
  const montage = buildMontage(parts, path.join(folder, `${name}.mp4`));
  const cutsFile = path.join(folder, 'cuts.json');
  writeFileSync(cutsFile, JSON.stringify(montage.cuts));
  const run = runCli(['eval', montage.file, '--cuts', cutsFile, '--json', ...extra]);
  assert.equal(run.code, 0, run.stderr);
  return { result: JSON.parse(run.stdout) as EvalJson, folder };
}

const bySystem = (result: EvalJson, system: string) => result.summary.find((s) => s.system === system)!;

describe('v2m eval on montages with irregular cuts (slow, end to end)', () => {
  const montages: Array<[string, MontagePart[]]> = [
    [
      'montage-a',
      [
        [SHOTS.testPattern, 1, 1.7],
        [SHOTS.life, 3, 2.9],
        [SHOTS.automaton, 0.5, 1.3],
        [SHOTS.fractalZoom, 2, 2.35],
        [SHOTS.bars, 0.5, 3.1],
        [{ file: SAMPLE_CLIP }, 2, 2.05],
      ],
    ],
    [
      'montage-b',
      [
        [SHOTS.fractalZoom, 5, 2.6],
        [SHOTS.life, 10, 1.45],
        [SHOTS.testPattern, 4, 3.3],
        [SHOTS.automaton, 2, 1.15],
        [{ file: SAMPLE_CLIP }, 6, 2.2],
        [SHOTS.orange, 0, 1.9],
      ],
    ],
  ];
  for (const [name, parts] of montages) {
    it(`${name}: cuts land on beats the listener hears (cut hit rate ≥ 0.9), far above the baselines`, () => {
      const { result } = evalMontage(parts, name);
      const [v2m, fixed, random] = ['v2m', 'fixed', 'random'].map((system) => bySystem(result, system));
      console.log(`${name}: cut hit rate v2m ${v2m!.cutHitRate}, fixed ${fixed!.cutHitRate}, random ${random!.cutHitRate}`);
      assert.ok(v2m!.cutHitRate! >= 0.9, `v2m cut hit rate ${v2m!.cutHitRate}`);
      assert.ok(v2m!.cutHitRate! > fixed!.cutHitRate! && v2m!.cutHitRate! > random!.cutHitRate!);
      assert.ok(v2m!.inKeyRatio! >= 0.95, `in key ${v2m!.inKeyRatio}`);
      assert.equal(v2m!.fadesOut, 1);
    });
  }

  it('still and busy shots in turn: the music gets louder and busier with the motion (r ≥ 0.5), unlike the baselines', () => {
    // Still pictures between busy scrolling automata.
    const parts: MontagePart[] = [
      [SHOTS.bars, 0, 4],
      [SHOTS.automaton, 0.5, 4],
      [SHOTS.orange, 0, 4],
      [SHOTS.automaton, 6, 4],
      [SHOTS.bars, 1, 4],
    ];
    const { result } = evalMontage(parts, 'calm-energetic');
    const [v2m, fixed, random] = ['v2m', 'fixed', 'random'].map((system) => bySystem(result, system));
    console.log(`motion–loudness r: v2m ${v2m!.motionLoudnessR}, fixed ${fixed!.motionLoudnessR}, random ${random!.motionLoudnessR}`);
    console.log(`motion–density r: v2m ${v2m!.motionDensityR}, fixed ${fixed!.motionDensityR}, random ${random!.motionDensityR}`);
    assert.ok(v2m!.motionLoudnessR! >= 0.5, `v2m r ${v2m!.motionLoudnessR}`);
    assert.ok(v2m!.motionDensityR! >= 0.5, `v2m motion–density r ${v2m!.motionDensityR}`);
    assert.ok(v2m!.motionLoudnessR! > fixed!.motionLoudnessR! && v2m!.motionLoudnessR! > random!.motionLoudnessR!);
  });
});

describe('v2m eval on a folder, with seeds and a report (slow, end to end)', () => {
  const folder = temporaryFolder('v2m-eval-folder-');
  const videos = path.join(folder, 'videos');
  const report = path.join(folder, 'eval.html');
  it('evaluates every video, skips what is not one, measures seed diversity and writes a valid report', async () => {
    // A folder with two short videos and a text file pretending to be one.
    mkdirSync(videos);
    buildMontage([[SHOTS.testPattern, 0, 1.2], [SHOTS.fractalZoom, 1, 1.84], [SHOTS.life, 2, 2.44], [SHOTS.automaton, 1, 0.52]], path.join(videos, 'four-shots.mp4'));
    buildMontage([[{ file: FACE_CLIP }, 0, 3.5]], path.join(videos, 'sign.mp4'));
    writeFileSync(path.join(videos, 'notes.mp4'), 'not a video');
    const run = runCli(['eval', videos, '--seeds', '2', '--styles', 'piano,band', '--json', '--report', report]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as EvalJson;
    assert.equal(result.videos.length, 2);
    assert.deepEqual(result.skipped.map((s) => path.basename(s.video)), ['notes.mp4']);
    const v2m = bySystem(result, 'v2m');
    assert.equal(v2m.runs, 2 * 2 * 2, 'two videos × two styles × two seeds');
    // Six seconds hold enough bars for every seed to write other chords; the 3.5-s clip is two bars —
    // an opening chord and the final tonic — where two seeds may well agree.
    const fourShots = result.videos.find((video) => path.basename(video.video) === 'four-shots.mp4')!;
    assert.equal(fourShots.seedDiversity.v2m, 1, 'every seed a different chord sequence');
    const html = readFileSync(report, 'utf8');
    const validation = await new HtmlValidate({ extends: ['html-validate:recommended'] }).validateString(html);
    assert.ok(validation.valid, JSON.stringify(validation.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)).slice(0, 5)));
    for (const system of ['v2m', 'fixed', 'random']) assert.ok(html.includes(`data-feature="loudness-${system}"`));
  });

  it('refuses ground-truth cuts for a whole folder and a malformed cuts file, with usage errors', () => {
    const cuts = path.join(folder, 'cuts.json');
    writeFileSync(cuts, '{"cuts": "soon"}');
    const malformed = runCli(['eval', path.join(videos, 'four-shots.mp4'), '--cuts', cuts]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /cuts file .* must hold a JSON list of cut times/);
    writeFileSync(cuts, '[1.5]');
    const forFolder = runCli(['eval', videos, '--cuts', cuts]);
    assert.equal(forFolder.code, 2);
    assert.match(forFolder.stderr, /cannot be used with a folder/);
    const badStyle = runCli(['eval', videos, '--styles', 'piano,polka']);
    assert.equal(badStyle.code, 2);
    assert.match(badStyle.stderr, new RegExp(`Unknown style 'polka'.*Choose from: ${STYLE_CHOICES.join(', ')}`));
  });
});
