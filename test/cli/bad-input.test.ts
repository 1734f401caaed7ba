// Every bad input named in the foundation issue: the exit code, a message that says what was wrong,
// nothing left in the output folder, and the input untouched.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { EMOTIONS } from '../../src/analysis/emotion.js';
import { STYLE_CHOICES } from '../../src/config.js';
import { EXIT_CODES } from '../../src/errors.js';
import { ROLES } from '../../src/options.js';
import { ffmpeg, listFolder, runCli, sha256, syntheticClip, temporaryFolder } from '../helpers.js';

const fixtures = temporaryFolder('v2m-bad-input-');

interface BadCase {
  name: string;
  input: () => string;
  output?: (input: string) => string;
  code: number;
  message: RegExp;
}

function fixture(name: string): string {
  return path.join(fixtures, name);
}

const cases: BadCase[] = [
  { name: 'a missing file', input: () => fixture('does-not-exist.mp4'), code: EXIT_CODES.BAD_INPUT, message: /No such file.*Check the path/ },
  { name: 'a directory', input: () => fixture('a-folder'), code: EXIT_CODES.BAD_INPUT, message: /is a folder, not a video file/ },
  { name: 'a text file renamed .mp4', input: () => fixture('text.mp4'), code: EXIT_CODES.BAD_INPUT, message: /not a video v2m can read/ },
  { name: 'a zero-byte file', input: () => fixture('empty.mp4'), code: EXIT_CODES.BAD_INPUT, message: /is empty \(0 bytes\)/ },
  { name: 'a truncated mp4 (index at the end)', input: () => fixture('truncated.mp4'), code: EXIT_CODES.BAD_INPUT, message: /not a video v2m can read.*truncated or corrupt/ },
  { name: 'a truncated mp4 (index at the start)', input: () => fixture('truncated-faststart.mp4'), code: EXIT_CODES.BAD_INPUT, message: /truncated/ },
  { name: 'an audio-only file', input: () => fixture('audio-only.m4a'), code: EXIT_CODES.BAD_INPUT, message: /has only audio and no video stream/ },
  { name: 'an image', input: () => fixture('picture.png'), code: EXIT_CODES.BAD_INPUT, message: /is a still image/ },
  { name: 'a video shorter than 1 s', input: () => fixture('short.mp4'), code: EXIT_CODES.BAD_INPUT, message: /needs at least 1 s/ },
  {
    name: 'an output path in a missing folder',
    input: () => fixture('good.mp4'),
    output: () => fixture('no-such-folder/out.mp4'),
    code: EXIT_CODES.USAGE,
    message: /output folder .* does not exist/,
  },
  { name: 'an output path equal to the input', input: () => fixture('good.mp4'), output: (input) => input, code: EXIT_CODES.USAGE, message: /is the input file/ },
  {
    name: 'an output whose WAV would overwrite the input',
    // A video named .wav: its music would be written to clip.wav, on top of it.
    input: () => fixture('clip.wav'),
    output: () => fixture('clip.mp4'),
    code: EXIT_CODES.USAGE,
    message: /clip\.wav' is the input file/,
  },
];

describe('bad input', () => {
  before(() => {
    mkdirSync(fixture('a-folder'));
    writeFileSync(fixture('text.mp4'), 'Not a video, just text.\n'.repeat(100));
    writeFileSync(fixture('empty.mp4'), '');
    // A good clip (its index at the end, as ffmpeg writes MP4 by default), made outside the folder under test.
    const clip = syntheticClip(path.join(temporaryFolder(), 'clip.mp4'), { seconds: 10, size: '640x272' });
    const whole = readFileSync(clip);
    writeFileSync(fixture('truncated.mp4'), whole.subarray(0, Math.floor(whole.length * 0.4)));
    ffmpeg(['-i', clip, '-c', 'copy', '-movflags', '+faststart', fixture('faststart.mp4')]);
    const faststart = readFileSync(fixture('faststart.mp4'));
    writeFileSync(fixture('truncated-faststart.mp4'), faststart.subarray(0, Math.floor(faststart.length * 0.4)));
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', fixture('audio-only.m4a')]);
    copyFileSync(clip, fixture('clip.wav'));
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-frames:v', '1', fixture('picture.png')]);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=0.5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', fixture('short.mp4')]);
    copyFileSync(clip, fixture('good.mp4'));
  });

  for (const badCase of cases) {
    it(`refuses ${badCase.name} with exit code ${badCase.code}, a clear message and no output left behind`, () => {
      const input = badCase.input();
      const output = badCase.output ? badCase.output(input) : fixture('out.mp4');
      const before = listFolder(fixtures);
      const inputHash = safeHash(input);
      const result = runCli(['score', input, '-o', output]);
      assert.equal(result.code, badCase.code, result.stderr);
      assert.match(result.stderr, badCase.message);
      assert.doesNotMatch(result.stderr, /\n\s+at .*\.(js|ts):\d+/, 'no stack trace for a bad input');
      assert.deepEqual(listFolder(fixtures), before, 'no file was added or removed');
      assert.equal(safeHash(input), inputHash, 'the input is unchanged');
    });
  }

  it('names the valid values of a bad option', () => {
    const result = runCli(['score', fixture('good.mp4'), '--style', 'polka', '-o', fixture('out.mp4')]);
    assert.equal(result.code, EXIT_CODES.USAGE);
    assert.match(result.stderr, new RegExp(`Unknown style 'polka'. Choose one of: ${STYLE_CHOICES.join(', ')}`));
    const key = runCli(['score', fixture('good.mp4'), '--key', 'H', '-o', fixture('out.mp4')]);
    assert.equal(key.code, EXIT_CODES.USAGE);
    assert.match(key.stderr, /Unknown key 'H'/);
  });

  const badOptions: Array<[string, string[], RegExp]> = [
    ['--tempo 0', ['--tempo', '0'], /--tempo must be between 40 and 240 BPM, not '0'/],
    ['a primer with an unknown chord', ['--primer', 'C Am Hm G'], /Unknown chord 'Hm' in --primer\. Write a root A–G.*major \(C\), m, dim/],
    ['an unknown mood', ['--mood', 'happy'], new RegExp(`Unknown mood 'happy'\\. Choose one of: ${EMOTIONS.join(', ')}`)],
    ['an intensity out of range', ['--intensity', '2'], /--intensity must be between 0 \(hold back\) and 1 \(push\), not '2'/],
    ['an unknown role in --instruments', ['--instruments', 'lead=flute'], new RegExp(`role of ${ROLES.join(', ')}`)],
    ['an unknown instrument', ['--instruments', 'melody=kazoo'], /Unknown instrument 'kazoo' for melody\. Give a General MIDI program 0–127 or one of: .*flute/],
    ['a missing --style-from file', ['--style-from', 'nowhere.mid'], /Cannot read the --style-from file 'nowhere\.mid' \(ENOENT\)/],
    ['a --style-from file that is not MIDI', ['--style-from', 'STYLE_TEXT'], /is not a Standard MIDI File v2m can read/],
  ];
  for (const [name, args, message] of badOptions) {
    it(`refuses ${name} before any work, naming what is accepted`, () => {
      const text = fixture('notes.mid');
      writeFileSync(text, 'this is not MIDI');
      const result = runCli(['score', fixture('good.mp4'), ...args.map((a) => (a === 'STYLE_TEXT' ? text : a)), '-o', fixture('options-out.mp4')]);
      assert.equal(result.code, EXIT_CODES.USAGE, result.stderr);
      assert.match(result.stderr, message);
      assert.ok(!listFolder(fixtures).some((f) => f.startsWith('options-out')), 'nothing written');
    });
  }

  it('answers an unknown command or missing argument with usage and exit code 2', () => {
    assert.equal(runCli(['frobnicate']).code, EXIT_CODES.USAGE);
    assert.equal(runCli(['score']).code, EXIT_CODES.USAGE);
    const help = runCli(['--help']);
    assert.equal(help.code, EXIT_CODES.OK);
    assert.match(help.stdout, /score/);
  });
});

function safeHash(file: string): string | undefined {
  try {
    return sha256(file);
  } catch {
    return undefined;
  }
}
