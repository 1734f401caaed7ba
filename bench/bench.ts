// npm run bench — not a test; the protocol of EVALUATION.md §5. For each input: wall time of
// `v2m score` and of `v2m analyze` ÷ wall time of a bare ffmpeg decode at the analysis rate (measured
// in the same run: only ratios are comparable on noisy machines), × real time, and peak RSS.
//
//   npm run bench                 the short and the long shared clip
//   npm run bench -- --long       also a 2-minute and a 20-minute input (bikes looped with ffmpeg)
//   npm run bench -- FILE…        the given files

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ANALYSIS } from '../src/analysis/index.js';
import { probe } from '../src/media/probe.js';
import { toolPath } from '../src/media/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = (clip: string) => path.resolve(root, '..', 'shared', 'media', clip);
const args = process.argv.slice(2);
const long = args.includes('--long');
const files = args.filter((arg) => arg !== '--long');
const out = mkdtempSync(path.join(os.tmpdir(), 'v2m-bench-'));

interface Timed {
  seconds: number;
  peakRssMb: number;
}

/** Runs a command; peak RSS comes from measure-rss.js (for v2m) when it prints it. */
function timed(command: string, commandArgs: string[]): Timed {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed: ${result.stderr}`);
  const rss = /PEAK_RSS_KB=(\d+)/.exec(result.stderr ?? '');
  return { seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

/** `clip` repeated to about `minutes` long, stream-copied (no re-encode), in the bench's temp folder. */
function looped(clip: string, minutes: number, clipSeconds: number): string {
  const file = path.join(out, `${path.parse(clip).name}-looped-${minutes}min.mp4`);
  const loops = Math.ceil((minutes * 60) / clipSeconds) - 1;
  timed(toolPath('ffmpeg'), ['-v', 'error', '-y', '-stream_loop', String(loops), '-i', clip, '-c', 'copy', '-t', String(minutes * 60), file]);
  return file;
}

const v2m = (command: string, clip: string, extra: string[] = []) =>
  timed(process.execPath, [path.join(root, 'bench', 'measure-rss.js'), path.join(root, 'dist', 'cli', 'main.js'), command, clip, '-q', ...extra]);

const clips = files.length > 0 ? files : [shared('bikes-fastcuts-10s.mp4'), shared('people-one-by-one-139s.mp4')];
if (long) {
  const bikes = shared('bikes-fastcuts-10s.mp4');
  const seconds = (await probe(bikes)).duration;
  clips.push(looped(bikes, 2, seconds), looped(bikes, 20, seconds));
}

const rows: string[] = [];
for (const clip of clips) {
  const info = await probe(clip);
  const fps = Math.min(DEFAULT_ANALYSIS.maxFramesPerSecond, info.video.framesPerSecond);
  const height = 2 * Math.round((DEFAULT_ANALYSIS.frameWidth * info.video.displayHeight) / info.video.displayWidth / 2);
  const decode = timed(toolPath('ffmpeg'), ['-v', 'error', '-nostdin', '-i', clip, '-vf', `fps=${fps},scale=${DEFAULT_ANALYSIS.frameWidth}:${height}`, '-f', 'null', '-']);
  const analyze = v2m('analyze', clip, ['--json']);
  const score = v2m('score', clip, ['-o', path.join(out, `${path.parse(clip).name}.scored.mp4`)]);
  const cells = [
    path.basename(clip),
    info.duration.toFixed(1),
    decode.seconds.toFixed(2),
    analyze.seconds.toFixed(2),
    (analyze.seconds / decode.seconds).toFixed(2),
    analyze.peakRssMb.toFixed(0),
    score.seconds.toFixed(2),
    (score.seconds / decode.seconds).toFixed(2),
    (info.duration / score.seconds).toFixed(1),
    score.peakRssMb.toFixed(0),
  ];
  rows.push(`| ${cells.join(' | ')} |`);
  console.error(`bench: ${path.basename(clip)} done`);
}
rmSync(out, { recursive: true, force: true });
console.log('| input | length s | ffmpeg decode s | analyze s | analyze ÷ decode | analyze RSS MB | score s | score ÷ decode | × real time | score RSS MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);

// The learned models at inference (EVALUATION §5 / issue 5: ≤ 50 ms per 30-second window): the
// shipped AMT writing 30 chords from 30 s of features, and the biGRU over the same window.
{
  const { shippedChordModel, shippedDynamicsModel, generateChords, predictDynamicsCurve } = await import('../src/models/shipped.js');
  const { FEATURES } = await import('../src/models/features.js');
  const [chords, dynamics] = await Promise.all([shippedChordModel(), shippedDynamicsModel()]);
  const features = new Float32Array(30 * FEATURES).map((_, i) => ((i * 7919) % 100) / 100);
  const time = (run: () => unknown, repeats = 20) => {
    run(); // warm-up (JIT)
    const start = performance.now();
    for (let i = 0; i < repeats; i++) run();
    return (performance.now() - start) / repeats;
  };
  const amtMs = time(() => generateChords(chords, features, 30, { temperature: 0.9, topK: 8, maxRepeat: 0, seed: 1 }));
  const gruMs = time(() => predictDynamicsCurve(dynamics, features, 30));
  console.log(`\nlearned models, one 30-second window: AMT (${chords.version}) ${amtMs.toFixed(1)} ms, biGRU (${dynamics.version}) ${gruMs.toFixed(1)} ms`);
}
