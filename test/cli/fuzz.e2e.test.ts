// A bounded mutation fuzz of container bytes: 3 small clips made here (MP4/H.264, WebM/VP8,
// AVI/MPEG-4), each mutated 100+ ways (flipped bytes, zeroed or repeated ranges, cuts, holes), and
// every mutant scored. A mutant either scores (exit 0) or is refused as a bad input (exit 3) — never
// a hang, never a crash with a stack trace, never anything left behind.
//
// The bulk runs in this process through scoreVideo, which is what the CLI runs (the CLI prints a
// stack trace exactly when the error is neither a V2mError nor a system error, which is what is
// checked here); a sample also runs through the built CLI, start to exit code.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { EXIT_CODES, fromSystemError } from '../../src/errors.js';
import { scoreVideo } from '../../src/pipeline.js';
import { CLI, ffmpeg, temporaryFolder, withDeadline } from '../helpers.js';
import { createRng } from '../../src/music/random.js';

const root = temporaryFolder('v2m-fuzz-');
const mutants = path.join(root, 'mutants');
const out = path.join(root, 'out');
const scratch = path.join(root, 'tmp');
for (const folder of [mutants, out, scratch]) mkdirSync(folder);

const MUTANTS_PER_CLIP = 102;
/** The whole fuzz must finish in this time (the e2e tier's budget for it). */
const BUDGET_MS = 420_000;
/** One mutant taking longer than this is a hang. */
const HANG_MS = 60_000;
/** Mutants scored at the same time: the machine is shared. */
const CONCURRENCY = 2;
/** Mutants that also run through the built CLI, start to exit code. */
const CLI_SAMPLE = 12;


type Mutation = (bytes: Buffer, random: () => number) => { bytes: Buffer; how: string };

const at = (random: () => number, length: number) => Math.floor(random() * length);

const MUTATIONS: Mutation[] = [
  (bytes, random) => {
    const copy = Buffer.from(bytes);
    const count = 1 + at(random, 16);
    for (let i = 0; i < count; i++) copy[at(random, copy.length)] = at(random, 256);
    return { bytes: copy, how: `${count} random bytes` };
  },
  (bytes, random) => {
    // The first 5 %: where the container's headers and index live.
    const copy = Buffer.from(bytes);
    const count = 1 + at(random, 8);
    for (let i = 0; i < count; i++) copy[at(random, Math.max(64, copy.length / 20))] ^= 1 << at(random, 8);
    return { bytes: copy, how: `${count} bit flips in the header` };
  },
  (bytes, random) => {
    const start = at(random, bytes.length);
    const length = 1 + at(random, 2048);
    const copy = Buffer.from(bytes);
    copy.fill(random() < 0.5 ? 0 : 0xff, start, Math.min(copy.length, start + length));
    return { bytes: copy, how: `${length} bytes filled at ${start}` };
  },
  (bytes, random) => {
    const end = 1 + at(random, bytes.length - 1);
    return { bytes: bytes.subarray(0, end), how: `cut at ${end}` };
  },
  (bytes, random) => {
    const start = at(random, bytes.length);
    const length = 1 + at(random, 4096);
    return { bytes: Buffer.concat([bytes.subarray(0, start), bytes.subarray(start + length)]), how: `${length} bytes removed at ${start}` };
  },
  (bytes, random) => {
    const start = at(random, bytes.length);
    const length = 1 + at(random, 4096);
    const repeated = bytes.subarray(start, start + length);
    return { bytes: Buffer.concat([bytes.subarray(0, start), repeated, bytes.subarray(start)]), how: `${repeated.length} bytes repeated at ${start}` };
  },
  (bytes, random) => {
    // A 32-bit field (a box size, a count, an offset) set to an extreme.
    const copy = Buffer.from(bytes);
    const offset = at(random, copy.length - 4);
    const value = [0, 1, 0x7fffffff, 0xffffffff][at(random, 4)]!;
    copy.writeUInt32BE(value, offset);
    return { bytes: copy, how: `uint32 ${value} at ${offset}` };
  },
];

function makeClips(): Array<{ name: string; bytes: Buffer }> {
  const clip = (name: string, encoding: string[]) => {
    const file = path.join(root, name);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=1.5', '-f', 'lavfi', '-i', 'sine=duration=1.5', '-shortest', ...encoding, file]);
    return { name, bytes: readFileSync(file) };
  };
  return [
    clip('clip.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart']),
    clip('clip.webm', ['-c:v', 'libvpx', '-b:v', '150k', '-c:a', 'libvorbis']),
    clip('clip.avi', ['-c:v', 'mpeg4', '-q:v', '6', '-c:a', 'pcm_s16le']),
  ];
}

interface Outcome {
  file: string;
  how: string;
  code: number;
  /** What the CLI would print as a stack trace: the error was a bug. */
  trace?: string;
  ms: number;
}

/** v2m's own leftovers in the temp folder (under tsx, the test process keeps tsx's cache there too). */
function workFolders(): string[] {
  return readdirSync(scratch).filter((name) => name.startsWith('v2m-'));
}

async function scoreOne(file: string, how: string): Promise<Outcome> {
  const started = Date.now();
  // Each mutant its own output folder: two run at once, and each must find only its own files.
  const folder = path.join(out, path.basename(file));
  mkdirSync(folder);
  const output = path.join(folder, `${path.basename(file, path.extname(file))}.v2m.mkv`);
  try {
    await withDeadline(`scoring ${path.basename(file)} (${how})`, HANG_MS, scoreVideo(file, { faces: false, output }));
    return { file, how, code: EXIT_CODES.OK, ms: Date.now() - started };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Gave up after')) throw error; // a hang: stop at once
    const known = fromSystemError(error);
    return known
      ? { file, how, code: EXIT_CODES[known.code], ms: Date.now() - started }
      : { file, how, code: EXIT_CODES.INTERNAL, trace: error instanceof Error ? (error.stack ?? error.message) : String(error), ms: Date.now() - started };
  } finally {
    const left = readdirSync(folder).filter((name) => name.startsWith('.v2m-tmp-'));
    assert.deepEqual(left, [], `${path.basename(file)} (${how}) left temporaries beside its outputs`);
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('fuzz: mutated containers', { timeout: BUDGET_MS + 120_000 }, () => {
  const files: Array<{ file: string; how: string }> = [];

  // Its own budget (checked mutant by mutant, naming how far it got) is the deadline, not the runner's five minutes.
  test(`${3 * MUTANTS_PER_CLIP} mutants of 3 clips: each scores or is a bad input — no hang, no trace, nothing left`, { timeout: BUDGET_MS + HANG_MS }, async () => {
    const previousTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch; // os.tmpdir() reads it on every call: the work folders go here
    try {
      for (const [index, clip] of makeClips().entries()) {
        const random = createRng(1000 + index);
        for (let i = 0; i < MUTANTS_PER_CLIP; i++) {
          const mutation = MUTATIONS[i % MUTATIONS.length]!;
          const { bytes, how } = mutation(clip.bytes, random);
          const file = path.join(mutants, `${String(i).padStart(3, '0')}-${clip.name}`);
          writeFileSync(file, bytes);
          files.push({ file, how });
        }
      }
      const started = Date.now();
      const outcomes: Outcome[] = [];
      const queue = [...files];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            assert.ok(Date.now() - started < BUDGET_MS, `the fuzz ran past its budget of ${BUDGET_MS / 1000} s after ${outcomes.length} mutants`);
            outcomes.push(await scoreOne(next.file, next.how));
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      const byCode = Object.fromEntries([0, 2, 3, 4, 5].map((code) => [code, outcomes.filter((o) => o.code === code).length]));
      process.stderr.write(`fuzz: ${outcomes.length} mutants in ${seconds.toFixed(0)} s — scored ${byCode[0]}, bad input ${byCode[3]}, other ${outcomes.length - byCode[0]! - byCode[3]!}; slowest ${Math.max(...outcomes.map((o) => o.ms))} ms\n`);
      assert.ok(outcomes.length >= 300, `${outcomes.length} mutants`);
      const traces = outcomes.filter((o) => o.trace);
      assert.deepEqual(traces.map((o) => `${path.basename(o.file)} (${o.how}): ${o.trace!.split('\n').slice(0, 3).join(' / ')}`), [], 'no stack traces');
      const wrongCodes = outcomes.filter((o) => o.code !== EXIT_CODES.OK && o.code !== EXIT_CODES.BAD_INPUT);
      assert.deepEqual(wrongCodes.map((o) => `${path.basename(o.file)} (${o.how}): exit ${o.code}`), [], 'every mutant scores (0) or is a bad input (3)');
      assert.ok(byCode[0]! > 0 && byCode[3]! > 0, 'the mutants cover both outcomes');
      assert.deepEqual(workFolders(), [], 'no work folder left');
    } finally {
      if (previousTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmp;
    }
  });

  test(`${CLI_SAMPLE} mutants through the built CLI: exit 0 or 3, one line at most, no trace`, () => {
    assert.ok(files.length >= CLI_SAMPLE, 'the mutants were made by the test above');
    const step = Math.floor(files.length / CLI_SAMPLE);
    for (let i = 0; i < CLI_SAMPLE; i++) {
      const { file, how } = files[i * step]!;
      const run = spawnSync(process.execPath, [CLI, 'score', '-q', '--no-faces', '-o', path.join(out, 'cli.mkv'), file], { env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: HANG_MS });
      assert.ok(run.status === 0 || run.status === EXIT_CODES.BAD_INPUT, `${path.basename(file)} (${how}): exit ${run.status} ${run.signal ?? ''}\n${run.stderr}`);
      assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+|internal error/, `${path.basename(file)} (${how})`);
      for (const name of readdirSync(out)) rmSync(path.join(out, name), { recursive: true, force: true });
    }
    assert.deepEqual(workFolders(), []);
  });
});
