// Nothing lost, nothing leaks: a corpus of bad inputs, bad outputs and bad options generated here,
// each run through the built CLI and checked for its exit code, a one-line message without a
// stack trace, nothing left in the output folder or the temp folder, and the input unchanged. Then
// the runs that must work (a name that starts with '-', an AVI with MPEG-4 Part 2 into Matroska,
// a damaged clip with --allow-damaged), and SIGINT at each stage: nothing left, no process running.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { EXIT_CODES, SIGNAL_EXIT_CODES } from '../../src/errors.js';
import { CLI, ffmpeg, ffprobeStreams, sha256, temporaryFolder, withDeadline } from '../helpers.js';

const root = temporaryFolder('v2m-robustness-');
const inputs = path.join(root, 'inputs');
const out = path.join(root, 'out');
const scratch = path.join(root, 'tmp');
const workdir = path.join(root, 'cwd');
for (const folder of [inputs, out, scratch, workdir]) mkdirSync(folder);

const input = (name: string) => path.join(inputs, name);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI with its own temp folder and working folder, so that whatever it leaves is seen. */
function v2m(args: string[], timeoutMs = 120_000): Run {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: workdir, env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: timeoutMs });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** One clear line: no stack frame, no "internal error", at most commander's hints ("(run with --help …)", "(Did you mean …?)") after it. */
function assertOneLineMessage(stderr: string, what: string): void {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  assert.ok(lines.length >= 1, `${what}: no message at all`);
  assert.ok(!lines.some((line) => /^at .+[:(]\d+/.test(line)), `${what}: a stack trace:\n${stderr}`);
  assert.doesNotMatch(stderr, /internal error|this is a bug/, `${what}: reported as a bug:\n${stderr}`);
  const extra = lines.slice(1).filter((line) => !/--help|^\(Did you mean/.test(line));
  assert.deepEqual(extra, [], `${what}: more than one line:\n${stderr}`);
}

function listing(folder: string): string[] {
  return readdirSync(folder).sort();
}

/** Every process whose command line mentions `marker` (the test's own folder): ffmpeg children left running. */
function processesMentioning(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

// --- fixtures, all made here ----------------------------------------------------------------------

function makeClip(name: string, seconds: number, extra: string[] = ['-c:v', 'mpeg4', '-q:v', '5']): string {
  const file = input(name);
  ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=160x90:rate=12:duration=${seconds}`, ...extra, file]);
  return file;
}

function cut(from: string, name: string, share: number): string {
  const bytes = readFileSync(from);
  writeFileSync(input(name), bytes.subarray(0, Math.floor(bytes.length * share)));
  return input(name);
}

/** A Standard MIDI File with one track of four notes, written by hand. */
function smallMidi(): Buffer {
  const events: number[] = [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20]; // tempo 120 BPM
  for (const pitch of [60, 64, 67, 72]) events.push(0x00, 0x90, pitch, 0x60, 0x60, 0x80, pitch, 0x40);
  events.push(0x00, 0xff, 0x2f, 0x00);
  const track = Buffer.from(events);
  const header = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96]);
  const trackHeader = Buffer.alloc(8);
  trackHeader.write('MTrk', 0, 'latin1');
  trackHeader.writeUInt32BE(track.length, 4);
  return Buffer.concat([header, trackHeader, track]);
}

interface CorpusCase {
  name: string;
  args: () => string[];
  code: number;
  message: RegExp;
  /** The input whose checksum must not change (default: the first argument after 'score' that is a file). */
  input?: string;
}

const BAD_INPUT = EXIT_CODES.BAD_INPUT;
const USAGE = EXIT_CODES.USAGE;
const good = () => input('good.mp4');
// Matroska holds every codec, so a refusal is never about the container.
const score = (file: string, ...more: string[]) => ['score', '-q', '--no-faces', '-o', path.join(out, 'result.mkv'), ...more, '--', file];

const corpus: CorpusCase[] = [
  // Not a video, or not a whole one: exit 3.
  { name: 'a missing file', args: () => score(input('missing.mp4')), code: BAD_INPUT, message: /No such file/ },
  { name: 'a folder', args: () => score(input('a-folder')), code: BAD_INPUT, message: /is a folder/ },
  { name: 'a dangling symlink', args: () => score(input('dangling.mp4')), code: BAD_INPUT, message: /No such file/ },
  { name: 'a named pipe', args: () => score(input('pipe.mp4')), code: BAD_INPUT, message: /not a regular file/ },
  { name: 'an empty file', args: () => score(input('empty.mp4')), code: BAD_INPUT, message: /is empty/ },
  { name: 'text named .mp4', args: () => score(input('text.mp4')), code: BAD_INPUT, message: /not a video v2m can read/ },
  { name: 'HTML named .mov', args: () => score(input('page.mov')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'JSON named .mkv', args: () => score(input('data.mkv')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'random bytes named .mp4', args: () => score(input('random.mp4')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'random bytes named .webm', args: () => score(input('random.webm')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'zeros named .mp4', args: () => score(input('zeros.mp4')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'an MP4 header then zeros', args: () => score(input('header-then-zeros.mp4')), code: BAD_INPUT, message: /not a video v2m can read|truncated|damaged|no video stream/ },
  { name: 'a MIDI file as the video', args: () => score(input('song.mid')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'a gzip of a video', args: () => score(input('clip.mp4.gz')), code: BAD_INPUT, message: /not a video v2m can read|no video stream/ },
  { name: 'a PNG image', args: () => score(input('picture.png')), code: BAD_INPUT, message: /still image/ },
  { name: 'a JPEG image', args: () => score(input('picture.jpg')), code: BAD_INPUT, message: /still image/ },
  { name: 'a PNG named .mp4', args: () => score(input('picture-png.mp4')), code: BAD_INPUT, message: /still image/ },
  { name: 'an audio-only M4A', args: () => score(input('sound.m4a')), code: BAD_INPUT, message: /only audio/ },
  { name: 'an audio-only WAV', args: () => score(input('sound.wav')), code: BAD_INPUT, message: /only audio/ },
  { name: 'an audio-only MP3 named .mp4', args: () => score(input('sound-mp3.mp4')), code: BAD_INPUT, message: /only audio/ },
  { name: 'a subtitle file', args: () => score(input('words.srt')), code: BAD_INPUT, message: /no video stream|not a video v2m can read/ },
  { name: 'a 0.5 s video', args: () => score(input('short.mp4')), code: BAD_INPUT, message: /needs at least 1 s/ },
  { name: 'an MP4 cut at 90 % (index at the end)', args: () => score(input('cut90.mp4')), code: BAD_INPUT, message: /truncated or corrupt/ },
  { name: 'an MP4 cut at 50 % (index at the end)', args: () => score(input('cut50.mp4')), code: BAD_INPUT, message: /truncated or corrupt/ },
  { name: 'an MP4 cut at 90 % (index first)', args: () => score(input('fs-cut90.mp4')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'an MP4 cut at 70 % (index first)', args: () => score(input('fs-cut70.mp4')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'an MP4 cut at 30 % (index first)', args: () => score(input('fs-cut30.mp4')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'an MP4 cut to its first kilobyte', args: () => score(input('first-kb.mp4')), code: BAD_INPUT, message: /truncated|damaged|not a video/ },
  { name: 'an H.264 MP4 cut at 90 % (index first)', args: () => score(input('h264-cut90.mp4')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'a Matroska file cut at 60 %', args: () => score(input('cut60.mkv')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'a WebM (VP8) cut at 60 %', args: () => score(input('cut60.webm')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'an AVI cut at 60 %', args: () => score(input('cut60.avi')), code: BAD_INPUT, message: /damaged|truncated/ },
  { name: 'an MP4 whose picture data is zeroed', args: () => score(input('zeroed-mdat.mp4')), code: BAD_INPUT, message: /damaged|decoded|corrupt/ },
  { name: 'an MP4 whose index is scrambled', args: () => score(input('scrambled-moov.mp4')), code: BAD_INPUT, message: /not a video v2m can read|damaged|corrupt|truncated|no video stream|frame size/ },
  { name: "'-report' (ffprobe must not read it as an option)", args: () => ['score', '-q', '--', '-report'], code: BAD_INPUT, message: /No such file: '-report'/ },
  { name: "'-i' as the video", args: () => ['score', '-q', '--', '-i'], code: BAD_INPUT, message: /No such file: '-i'/ },
  { name: "'concat:a|b' as the video (never a protocol)", args: () => ['score', '-q', '--', 'concat:a.mp4|b.mp4'], code: BAD_INPUT, message: /No such file/ },
  // Outputs v2m cannot write: exit 2, before any work.
  { name: 'an output in a missing folder', args: () => ['score', '-q', '-o', path.join(out, 'missing', 'x.mp4'), good()], code: USAGE, message: /does not exist/ },
  { name: 'an output folder that is a file', args: () => ['score', '-q', '-o', path.join(inputs, 'text.mp4', 'x.mp4'), good()], code: USAGE, message: /does not exist/ },
  { name: 'the input as the output', args: () => ['score', '-q', '-o', good(), good()], code: USAGE, message: /is the input file/ },
  { name: 'an output whose WAV is the input', args: () => ['score', '-q', '-o', input('clip-as.mp4'), input('clip-as.wav')], code: USAGE, message: /is the input file/ },
  { name: 'an output ending in .avi', args: () => ['score', '-q', '-o', path.join(out, 'x.avi'), good()], code: USAGE, message: /must end in/ },
  { name: 'an output ending in .txt', args: () => ['score', '-q', '-o', path.join(out, 'x.txt'), good()], code: USAGE, message: /must end in/ },
  { name: 'an MP4 output for VP8 with --copy-video', args: () => ['score', '-q', '--copy-video', '-o', path.join(out, 'x.mp4'), input('vp8.webm')], code: USAGE, message: /Write a Matroska file instead/ },
  ...['mp4', 'wav', 'mid', 'cues.json', 'report.html'].map(
    (suffix): CorpusCase => ({ name: `a folder where out.${suffix} goes`, args: () => ['score', '-q', '-o', path.join(inputs, `taken-${suffix}`, 'out.mp4'), good()], code: USAGE, message: new RegExp(`out\\.${suffix.replace('.', '\\.')}' is a folder`) }),
  ),
  // Options: exit 2.
  { name: 'an unknown option', args: () => ['score', '--frobnicate', good()], code: USAGE, message: /unknown option/ },
  { name: 'no video', args: () => ['score'], code: USAGE, message: /missing required argument/ },
  { name: 'an unknown command', args: () => ['scroe', good()], code: USAGE, message: /unknown command/ },
  { name: '--tempo 0', args: () => score(good(), '--tempo', '0'), code: USAGE, message: /tempo/i },
  { name: '--tempo abc', args: () => score(good(), '--tempo', 'abc'), code: USAGE, message: /expected a number/ },
  { name: '--key H', args: () => score(good(), '--key', 'H'), code: USAGE, message: /key/i },
  { name: '--style nope', args: () => score(good(), '--style', 'nope'), code: USAGE, message: /style/i },
  { name: '--mood nope', args: () => score(good(), '--mood', 'nope'), code: USAGE, message: /mood/i },
  { name: '--seed -1', args: () => score(good(), '--seed', '-1'), code: USAGE, message: /whole number/ },
  { name: '--seed 1.5', args: () => score(good(), '--seed', '1.5'), code: USAGE, message: /whole number/ },
  { name: '--intensity 2', args: () => score(good(), '--intensity', '2'), code: USAGE, message: /intensity/i },
  { name: '--primer of non-chords', args: () => score(good(), '--primer', 'Xq Yz'), code: USAGE, message: /chord/i },
  { name: '--instruments with an unknown name', args: () => score(good(), '--instruments', 'melody=kazookazoo'), code: USAGE, message: /Unknown instrument/ },
  { name: '--mux nope', args: () => score(good(), '--mux', 'nope'), code: USAGE, message: /mux/i },
  { name: '--chords nope', args: () => score(good(), '--chords', 'nope'), code: USAGE, message: /chord/i },
  { name: '--dynamics nope', args: () => score(good(), '--dynamics', 'nope'), code: USAGE, message: /dynamics/i },
  { name: '--tempo-changes nope', args: () => score(good(), '--tempo-changes', 'nope'), code: USAGE, message: /tempo/i },
  { name: '--original-gain abc', args: () => score(good(), '--original-gain', 'abc'), code: USAGE, message: /expected a number/ },
  { name: '--top-k -1', args: () => score(good(), '--top-k', '-1'), code: USAGE, message: /whole number/ },
  // --style-from references: parsed whole before use, exit 2 with the parser's reason.
  { name: '--style-from a missing file', args: () => score(good(), '--style-from', input('missing.mid')), code: USAGE, message: /Cannot read the --style-from file/ },
  { name: '--style-from a text file', args: () => score(good(), '--style-from', input('text.mp4')), code: USAGE, message: /not a Standard MIDI File.*\(it does not start with a MIDI header/ },
  { name: '--style-from an empty file', args: () => score(good(), '--style-from', input('empty.mp4')), code: USAGE, message: /not a Standard MIDI File.*\(it does not start/ },
  { name: '--style-from MThd then garbage', args: () => score(good(), '--style-from', input('garbage.mid')), code: USAGE, message: /not a Standard MIDI File.*\((its header|it ends)/ },
  { name: '--style-from a truncated MIDI file', args: () => score(good(), '--style-from', input('truncated.mid')), code: USAGE, message: /not a Standard MIDI File.*truncated/ },
  { name: '--style-from a MIDI file announcing 3 tracks', args: () => score(good(), '--style-from', input('three-tracks.mid')), code: USAGE, message: /announces 3 tracks but it holds 1/ },
  { name: '--style-from a MIDI file without End of Track', args: () => score(good(), '--style-from', input('no-end.mid')), code: USAGE, message: /no End of Track/ },
  { name: '--style-from a MIDI file with a bad status byte', args: () => score(good(), '--style-from', input('bad-status.mid')), code: USAGE, message: /data byte|status/ },
  { name: '--style-from a MIDI file without notes', args: () => score(good(), '--style-from', input('silent.mid')), code: USAGE, message: /no notes/ },
];

describe('robustness: the bad-input corpus', { timeout: 900_000 }, () => {
  before(() => {
    mkdirSync(input('a-folder'));
    symlinkSync(input('nowhere.mp4'), input('dangling.mp4'));
    spawnSync('mkfifo', [input('pipe.mp4')]);
    writeFileSync(input('empty.mp4'), '');
    writeFileSync(input('text.mp4'), 'Not a video, just text.\n'.repeat(100));
    writeFileSync(input('page.mov'), '<!doctype html><title>x</title><p>not a movie</p>\n'.repeat(20));
    writeFileSync(input('data.mkv'), JSON.stringify({ a: [1, 2, 3], b: 'not a film' }).repeat(50));
    let seed = 7;
    const random = (length: number) => Buffer.from(Array.from({ length }, () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed >>> 24)));
    writeFileSync(input('random.mp4'), random(40_000));
    writeFileSync(input('random.webm'), random(40_000));
    writeFileSync(input('zeros.mp4'), Buffer.alloc(40_000));
    writeFileSync(input('song.mid'), smallMidi());
    writeFileSync(input('words.srt'), '1\n00:00:00,000 --> 00:00:02,000\nHello\n');
    makeClip('good.mp4', 2);
    const goodBytes = readFileSync(good());
    writeFileSync(input('header-then-zeros.mp4'), Buffer.concat([goodBytes.subarray(0, 64), Buffer.alloc(goodBytes.length - 64)]));
    writeFileSync(input('clip.mp4.gz'), spawnSync('gzip', ['-c', good()]).stdout);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12', '-frames:v', '1', input('picture.png')]);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12', '-frames:v', '1', input('picture.jpg')]);
    copyFileSync(input('picture.png'), input('picture-png.mp4'));
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'aac', input('sound.m4a')]);
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=2', input('sound.wav')]);
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'libmp3lame', '-f', 'mp3', input('sound-mp3.mp4')]);
    makeClip('short.mp4', 0.5);
    cut(good(), 'cut90.mp4', 0.9);
    cut(good(), 'cut50.mp4', 0.5);
    makeClip('faststart.mp4', 2, ['-c:v', 'mpeg4', '-q:v', '5', '-movflags', '+faststart']);
    cut(input('faststart.mp4'), 'fs-cut90.mp4', 0.9);
    cut(input('faststart.mp4'), 'fs-cut70.mp4', 0.7);
    cut(input('faststart.mp4'), 'fs-cut30.mp4', 0.3);
    writeFileSync(input('first-kb.mp4'), readFileSync(input('faststart.mp4')).subarray(0, 1024));
    makeClip('h264.mp4', 2, ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart']);
    cut(input('h264.mp4'), 'h264-cut90.mp4', 0.9);
    makeClip('whole.mkv', 2, ['-c:v', 'mpeg4', '-q:v', '5']);
    cut(input('whole.mkv'), 'cut60.mkv', 0.6);
    makeClip('vp8.webm', 2, ['-c:v', 'libvpx', '-b:v', '200k']);
    cut(input('vp8.webm'), 'cut60.webm', 0.6);
    makeClip('whole.avi', 2, ['-c:v', 'mpeg4', '-q:v', '5']);
    cut(input('whole.avi'), 'cut60.avi', 0.6);
    // The picture data of a faststart MP4 zeroed after the first 2 kB of 'mdat'.
    const faststart = readFileSync(input('faststart.mp4'));
    const mdat = faststart.indexOf('mdat', 0, 'latin1');
    const zeroed = Buffer.from(faststart);
    zeroed.fill(0, mdat + 2048);
    writeFileSync(input('zeroed-mdat.mp4'), zeroed);
    // An index (moov, at the end by default) with every 7th byte flipped.
    const scrambled = Buffer.from(goodBytes);
    const moov = scrambled.indexOf('moov', 0, 'latin1');
    for (let i = moov + 8; i < scrambled.length; i += 7) scrambled[i] = scrambled[i]! ^ 0xff;
    writeFileSync(input('scrambled-moov.mp4'), scrambled);
    copyFileSync(good(), input('clip-as.wav'));
    for (const suffix of ['mp4', 'wav', 'mid', 'cues.json', 'report.html']) mkdirSync(path.join(inputs, `taken-${suffix}`, `out.${suffix}`), { recursive: true });
    // MIDI files, broken in the ways a parser must notice.
    const midi = smallMidi();
    writeFileSync(input('garbage.mid'), Buffer.concat([Buffer.from('MThd'), Buffer.from('this is not a header at all')]));
    writeFileSync(input('truncated.mid'), midi.subarray(0, midi.length - 9));
    const threeTracks = Buffer.from(midi);
    threeTracks.writeUInt16BE(3, 10);
    writeFileSync(input('three-tracks.mid'), threeTracks);
    const noEnd = Buffer.from(midi.subarray(0, midi.length - 4));
    noEnd.writeUInt32BE(noEnd.length - 22, 18);
    writeFileSync(input('no-end.mid'), noEnd);
    const badStatus = Buffer.from(midi);
    badStatus[22 + 7] = 0xf4; // the first note-on's status byte → an undefined system message
    writeFileSync(input('bad-status.mid'), badStatus);
    const silent = Buffer.from([...midi.subarray(0, 14), 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 4, 0x00, 0xff, 0x2f, 0x00]);
    writeFileSync(input('silent.mid'), silent);
  });

  test('the corpus has at least 60 cases', () => {
    assert.ok(corpus.length >= 60, `${corpus.length} cases`);
  });

  for (const badCase of corpus) {
    test(`${badCase.name}: exit ${badCase.code}, one line, nothing left, input untouched`, () => {
      const args = badCase.args();
      const inputFile = badCase.input ?? args.at(-1)!;
      const inputHash = existsSync(inputFile) && statSync(inputFile).isFile() ? sha256(inputFile) : undefined;
      const before = { inputs: listing(inputs), out: listing(out), cwd: listing(workdir) };
      const run = v2m(args);
      assert.equal(run.code, badCase.code, `exit code; stderr:\n${run.stderr}`);
      assert.match(run.stderr, badCase.message);
      assertOneLineMessage(run.stderr, badCase.name);
      assert.deepEqual({ inputs: listing(inputs), out: listing(out), cwd: listing(workdir) }, before, 'nothing written beside the input, in the output folder or the working folder');
      assert.deepEqual(listing(scratch), [], 'nothing left in the temp folder');
      if (inputHash) assert.equal(sha256(inputFile), inputHash, 'the input is unchanged');
    });
  }
});

describe('robustness: what must work', { timeout: 600_000 }, () => {
  test("a video whose name starts with '-' scores", () => {
    const folder = temporaryFolder('v2m-dash-');
    const file = path.join(folder, '-leading.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=1.5', '-c:v', 'mpeg4', file]);
    const run = spawnSync(process.execPath, [CLI, 'score', '-q', '--no-faces', '--', '-leading.mp4'], { cwd: folder, env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(listing(folder), ['-leading.mp4', '-leading.v2m.cues.json', '-leading.v2m.markers.csv', '-leading.v2m.markers.edl', '-leading.v2m.mid', '-leading.v2m.mp4', '-leading.v2m.report.html', '-leading.v2m.wav']);
    assert.deepEqual(listing(scratch), []);
  });

  test('an AVI with MPEG-4 Part 2 and B-frames muxes into Matroska (timestamps generated)', () => {
    const folder = temporaryFolder('v2m-avi-');
    const avi = path.join(folder, 'packed.avi');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=1.5', '-c:v', 'mpeg4', '-bf', '2', '-vtag', 'xvid', avi]);
    const run = spawnSync(process.execPath, [CLI, 'score', '-q', '--no-faces', '-o', path.join(folder, 'out.mkv'), avi], { env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(statSync(path.join(folder, 'out.mkv')).size > 1000);
  });

  test('an MP4 output for VP8 re-encodes the picture to H.264 and says so', () => {
    const folder = temporaryFolder('v2m-vp8-');
    const vp8 = path.join(folder, 'clip.webm');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=1.5', '-c:v', 'libvpx', '-b:v', '200k', vp8]);
    const target = path.join(folder, 'x.mp4');
    const run = spawnSync(process.execPath, [CLI, 'score', '-q', '--no-faces', '-o', target, vp8], { env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /re-encoded to H\.264/);
    const streams = ffprobeStreams(target).streams;
    assert.equal(streams.find((s) => s.codec_type === 'video')?.codec_name, 'h264');
    assert.equal(streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
    const cues = JSON.parse(readFileSync(path.join(folder, 'x.cues.json'), 'utf8')) as { videoNote?: string };
    assert.match(cues.videoNote ?? '', /vp8.*re-encoded to H\.264/);
  });

  test('--allow-damaged scores a damaged clip, with a warning', () => {
    const folder = temporaryFolder('v2m-damaged-');
    const damaged = path.join(folder, 'damaged.mp4');
    // Whole in length, with a run of corrupt picture data in the middle: exit 3 without the flag.
    const bytes = readFileSync(input('faststart.mp4'));
    const middle = Math.floor(bytes.length * 0.5);
    bytes.fill(0x55, middle, middle + 600);
    writeFileSync(damaged, bytes);
    assert.equal(v2m(['score', '-q', '--no-faces', damaged]).code, BAD_INPUT, 'refused without --allow-damaged');
    const run = spawnSync(process.execPath, [CLI, 'score', '-q', '--no-faces', '--allow-damaged', damaged], { env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /damaged.*scoring what could be decoded/);
  });

  test('an existing output set is replaced whole, and a failed run leaves it as it was', () => {
    const folder = temporaryFolder('v2m-replace-');
    const target = path.join(folder, 'scored.mp4');
    const first = v2m(['score', '-q', '--no-faces', '--seed', '1', '-o', target, good()]);
    assert.equal(first.code, 0, first.stderr);
    const hashes = () => listing(folder).map((name) => `${name} ${sha256(path.join(folder, name))}`);
    const firstSet = hashes();
    const failed = v2m(['score', '-q', '--no-faces', '--seed', '2', '-o', target, input('fs-cut90.mp4')]);
    assert.equal(failed.code, BAD_INPUT);
    assert.deepEqual(hashes(), firstSet, 'the failed run changed nothing');
    const second = v2m(['score', '-q', '--no-faces', '--seed', '2', '-o', target, good()]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(listing(folder), firstSet.map((line) => line.split(' ')[0]), 'the same five names, no temporaries');
    assert.notDeepEqual(hashes(), firstSet, 'the new set replaced the old');
  });
});

describe('robustness: signals and killed runs', { timeout: 600_000 }, () => {
  let clip: string;
  before(() => {
    clip = makeClip('eight-seconds.mp4', 8);
  });

  for (const stage of ['analyze', 'synthesize', 'master', 'mux'] as const) {
    test(`SIGINT during ${stage}: exit 130, nothing left, no process running`, async () => {
      const folder = temporaryFolder(`v2m-sigint-${stage}-`);
      const input = path.join(folder, 'clip.mp4');
      copyFileSync(clip, input);
      const hash = sha256(input);
      const child = spawn(process.execPath, [CLI, 'score', '--no-faces', input], { env: { ...process.env, TMPDIR: scratch }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      await withDeadline(`the run to reach ${stage}`, 120_000, new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes(`v2m: ${stage} `)) resolve();
        });
        void exited.then(() => reject(new Error(`the run ended before ${stage}: ${stderr}`)));
      }));
      child.kill('SIGINT');
      const end = await withDeadline('the interrupted run to exit', 30_000, exited);
      assert.equal(end.code, SIGNAL_EXIT_CODES.SIGINT, stderr);
      assert.match(stderr, /stopped by SIGINT/);
      assert.deepEqual(listing(folder), ['clip.mp4'], 'no output, no temporary beside the input');
      assert.deepEqual(listing(scratch), [], 'no work folder in the temp folder');
      assert.deepEqual(processesMentioning(folder), [], 'no ffmpeg left running');
      assert.equal(sha256(input), hash);
    });
  }

  test('SIGTERM exits 143 and SIGHUP 129, leaving nothing', async () => {
    for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const folder = temporaryFolder('v2m-sigterm-');
      const input = path.join(folder, 'clip.mp4');
      copyFileSync(clip, input);
      const child = spawn(process.execPath, [CLI, 'score', '--no-faces', input], { env: { ...process.env, TMPDIR: scratch }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      await withDeadline('the run to reach synthesize', 120_000, new Promise<void>((resolve) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('v2m: synthesize ')) resolve();
        });
      }));
      child.kill(signal);
      assert.equal(await withDeadline(`the run to exit on ${signal}`, 30_000, exited), code, stderr);
      assert.deepEqual(listing(folder), ['clip.mp4']);
      assert.deepEqual(listing(scratch), []);
    }
  });

  test('what a run killed with SIGKILL left is removed by the next run into the same folder', async () => {
    const folder = temporaryFolder('v2m-sigkill-');
    const input = path.join(folder, 'clip.mp4');
    copyFileSync(clip, input);
    const child = spawn(process.execPath, [CLI, 'score', '--no-faces', input], { env: { ...process.env, TMPDIR: scratch }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await withDeadline('the run to reach master', 120_000, new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('v2m: master ')) resolve();
      });
    }));
    child.kill('SIGKILL');
    await withDeadline('the killed run to exit', 30_000, exited);
    await withDeadline('its ffmpeg to end', 30_000, (async () => {
      while (processesMentioning(folder).length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    })());
    const left = [...listing(folder).filter((name) => name !== 'clip.mp4'), ...listing(scratch)];
    assert.ok(left.length > 0, 'a killed run leaves its temporaries (that is what the next run is for)');
    // Older than the next run, as they are in life; a cleaner must not trust a clock tick.
    const past = new Date(Date.now() - 60_000);
    for (const name of listing(folder).filter((n) => n.startsWith('.v2m-tmp-'))) utimesSync(path.join(folder, name), past, past);
    for (const name of listing(scratch)) utimesSync(path.join(scratch, name), past, past);
    const next = v2m(['score', '-q', '--no-faces', '-o', path.join(folder, 'again.mp4'), input]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(listing(folder).filter((name) => name.startsWith('.v2m-tmp-')), [], 'the killed run’s temporaries are gone');
    assert.deepEqual(listing(scratch), [], 'and its work folder');
  });
});

/** Mounts a small tmpfs (root only, where mounts are allowed); undefined where this machine cannot. */
function smallDisk(megabytes: number): { folder: string; release: () => void } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const folder = temporaryFolder('v2m-small-disk-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', folder], { encoding: 'utf8' });
  if (mounted.status !== 0) return undefined;
  return { folder, release: () => void spawnSync('umount', ['-l', folder]) };
}

describe('robustness: a full or read-only disk', { timeout: 300_000 }, () => {
  const probeDisk = smallDisk(1);
  probeDisk?.release();
  const why = probeDisk ? false : 'needs root and a machine that allows mounting a tmpfs';

  test('too little space for the outputs is refused before any work (exit 2)', { skip: why }, () => {
    const disk = smallDisk(1)!;
    try {
      const run = v2m(['score', '-q', '--no-faces', '-o', path.join(disk.folder, 'out.mp4'), makeClip('four-seconds.mp4', 4)]);
      assert.equal(run.code, USAGE, run.stderr);
      assert.match(run.stderr, /Not enough free space for the outputs .* needed, .* free/);
      assertOneLineMessage(run.stderr, 'no space');
      assert.deepEqual(listing(disk.folder), []);
    } finally {
      disk.release();
    }
  });

  test('a read-only output folder is refused before any work (exit 2)', { skip: why }, () => {
    const disk = smallDisk(4)!;
    try {
      copyFileSync(good(), path.join(disk.folder, 'clip.mp4'));
      spawnSync('mount', ['-o', 'remount,ro', disk.folder]);
      const started = Date.now();
      const run = v2m(['score', '-q', path.join(disk.folder, 'clip.mp4')]);
      assert.equal(run.code, USAGE, run.stderr);
      assert.match(run.stderr, /output folder .* cannot be written \(it is on a read-only file system\)/);
      assertOneLineMessage(run.stderr, 'read-only');
      assert.ok(Date.now() - started < 10_000, 'found before the analysis, not after the whole run');
      assert.deepEqual(listing(disk.folder), ['clip.mp4']);
    } finally {
      disk.release();
    }
  });

  test('the disk filling up mid-run is exit 5 with its own message, and nothing is left', { skip: why }, async () => {
    const disk = smallDisk(8)!;
    try {
      const clip = makeClip('six-seconds.mp4', 6);
      const child = spawn(process.execPath, [CLI, 'score', '--no-faces', '-o', path.join(disk.folder, 'out.mp4'), clip], { env: { ...process.env, TMPDIR: scratch }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await withDeadline('the run to reach synthesize', 120_000, new Promise<void>((resolve) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('v2m: synthesize ')) resolve();
        });
      }));
      // Past the checks, something else takes the whole disk.
      const filler = path.join(disk.folder, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { encoding: 'utf8' });
      const code = await withDeadline('the run to end', 120_000, exited);
      assert.equal(code, EXIT_CODES.DISK_FULL, stderr);
      assert.match(stderr, /v2m: The disk is full/);
      assert.doesNotMatch(stderr, /\n\s+at .+:\d+|internal error/);
      assert.deepEqual(listing(disk.folder), ['filler'], 'no temporary and no partial output left');
      assert.deepEqual(listing(scratch), []);
    } finally {
      disk.release();
    }
  });
});
