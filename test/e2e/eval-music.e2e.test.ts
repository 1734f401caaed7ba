// `v2m eval music` as a user runs it: a folder of MIDI files v2m wrote, against held-out POP909,
// beside the shipped figures of the previous composer; and its refusals, which need no data.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Score } from '../../src/compose/score.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { runCli, temporaryFolder } from '../helpers.js';
import { dataSet, needsData } from '../tiers.js';

/** 40 beats at 100 BPM: a scale-wise melody over whole-bar chords and a bass. */
function smallScore(melody: readonly number[]): Score {
  const beat = 0.6;
  const line = (pitches: readonly number[], beats: number) => pitches.map((midi, i) => ({ time: i * beats * beat, duration: beats * beat * 0.9, midi, velocity0to127: 90 }));
  return {
    duration: 40 * beat,
    beatsPerBar: 4,
    tempoMap: [{ time: 0, tempoBpm: 100 }],
    tracks: [
      { role: 'chords', name: 'Piano', program: 0, isDrums: false, notes: line([60, 65, 67, 60, 60, 65, 67, 60, 65, 60], 4) },
      { role: 'bass', name: 'Bass', program: 32, isDrums: false, notes: line([48, 53, 55, 48, 48, 53, 55, 48, 53, 48], 4) },
      { role: 'melody', name: 'Flute', program: 73, isDrums: false, notes: line(Array.from({ length: 80 }, (_, i) => melody[i % melody.length]!), 0.5) },
    ],
  };
}

function midiFolder(): string {
  const folder = temporaryFolder('v2m-eval-music-');
  writeFileSync(path.join(folder, 'clip-a.piano.mid'), scoreToMidi(smallScore([72, 74, 76, 77, 79, 77, 76, 74, 72, 71])));
  writeFileSync(path.join(folder, 'clip-b.piano.mid'), scoreToMidi(smallScore([67, 69, 71, 72, 74, 76, 79, 76])));
  return folder;
}

describe('v2m eval music', () => {
  it('measures a folder of MIDI files against held-out POP909 beside the previous composer', { ...needsData('pop909'), timeout: 180_000 }, () => {
    const folder = midiFolder();
    const run = runCli(['eval', 'music', '--midi', folder, '--pop909', dataSet('pop909')!, '--styles', 'piano', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as {
      reference: { clashesPerMinute: number; pieces: unknown[] };
      ceiling: { melody: { mean: number }; all: { mean: number } };
      systems: Array<{ figures: { label: string; pieces: unknown[] }; overlap: { melody: { mean: number } } }>;
    };
    assert.equal(result.reference.pieces.length, 90, 'the 90 held-out songs');
    assert.ok(result.ceiling.melody.mean >= 0.8 && result.ceiling.all.mean >= 0.8);
    assert.deepEqual(
      result.systems.map((s) => s.figures.label),
      [path.basename(folder), 'previous'],
    );
    assert.equal(result.systems[0]!.figures.pieces.length, 2);
    assert.ok(result.systems[0]!.overlap.melody.mean > 0 && result.systems[0]!.overlap.melody.mean < result.ceiling.melody.mean);

    const text = runCli(['eval', 'music', '--midi', folder, '--pop909', dataSet('pop909')!, '--styles', 'piano', '--baseline', 'none', '-q']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /mean overlap/);
    assert.match(text.stdout, /clashes per minute/);
    assert.doesNotMatch(text.stdout, /previous/);
  });

  it('refuses a missing POP909 folder, an unknown style and a stray second argument with one line each', { timeout: 60_000 }, () => {
    const folder = midiFolder();
    const cases: Array<[string[], RegExp]> = [
      [['eval', 'music', '--midi', folder, '--pop909', path.join(folder, 'nowhere')], /not the POP909 data set/],
      [['eval', 'music', '--midi', folder, '--pop909', folder, '--styles', 'polka'], /Unknown style 'polka'/],
      [['eval', 'clip.mp4', 'extra'], /only taken by 'v2m eval music/],
    ];
    for (const [args, message] of cases) {
      const run = runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
