// npm run bench — not a test; the protocol of EVALUATION.md §5. For each input, in paired runs back to
// back (only ratios compare on a shared, loaded machine): a bare ffmpeg decode at the analysis rate, then
// `v2m analyze`, then `v2m score`, whose stages are timed from its progress lines. Medians of the runs:
// wall times, ratios to the decode, × real time, peak RSS, ffmpeg/ffprobe starts per score, CPU seconds
// (every process, ffmpeg included: steadier than wall time on a shared machine), and the per-stage split
// of the score. The load average is printed before and after.
//
//   npm run bench                        the 116 s 720p30 loop of dog-play (made from ../shared/media)
//   npm run bench -- --runs 5            paired runs per input (default 3)
//   npm run bench -- --long              also bikes-fastcuts and people-one-by-one, a 2- and a 20-minute loop
//   npm run bench -- FILE…               the given files
//   FFMPEG_PATH=… FFPROBE_PATH=… npm run bench    another ffmpeg (see README, "Which ffmpeg")
//   Last, the slowest `GET /jobs/:id` while the server scores people-one-by-one-139s (bench/server-latency.ts),
//   and, when Redis answers, serve --queue's throughput with 1 and 2 workers (bench/queue-throughput.ts).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ANALYSIS } from '../src/analysis/index.js';
import { probe } from '../src/media/probe.js';
import { toolPath } from '../src/media/tools.js';
import type { Stage } from '../src/progress.js';
import { measureQueueThroughput, queueBenchSkipped, throughputLines } from './queue-throughput.js';
import { LATENCY_CLIP, measurePollLatency, pollLatencyLine } from './server-latency.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = (clip: string) => path.resolve(root, '..', 'shared', 'media', clip);
/** Inputs the bench makes are kept here between runs (ignored by git). */
const made = path.join(root, 'bench-out');
const args = process.argv.slice(2);
const long = args.includes('--long');
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const files = args.filter((arg, i) => !arg.startsWith('--') && i !== runsAt + 1);
const out = mkdtempSync(path.join(os.tmpdir(), 'v2m-bench-'));

/** The 116 s 720p30 input of issue 13: dog-play-10s (1280×720, 29.97 fps) twelve times, stream-copied. */
function dogPlayLoop(): string {
  const file = path.join(made, 'dog-play-720p30-116s.mp4');
  if (existsSync(file)) return file;
  const source = shared('dog-play-10s.mp4');
  if (!existsSync(source)) throw new Error(`The bench makes its input from ${source}, which is missing: put ../shared beside the clone or name files to bench.`);
  mkdirSync(made, { recursive: true });
  const partial = `${file}.partial.mp4`;
  ffmpegOrThrow(['-stream_loop', '11', '-i', source, '-map', '0:v:0', '-map', '0:a:0', '-c', 'copy', partial]);
  renameSync(partial, file);
  return file;
}

/** `clip` repeated to about `minutes` long, stream-copied (no re-encode), in the bench's temp folder. */
function looped(clip: string, minutes: number, clipSeconds: number): string {
  const file = path.join(out, `${path.parse(clip).name}-looped-${minutes}min.mp4`);
  const loops = Math.ceil((minutes * 60) / clipSeconds) - 1;
  ffmpegOrThrow(['-stream_loop', String(loops), '-i', clip, '-c', 'copy', '-t', String(minutes * 60), file]);
  return file;
}

function ffmpegOrThrow(ffmpegArgs: string[]): void {
  const result = spawnSync(toolPath('ffmpeg'), ['-v', 'error', '-nostdin', '-y', ...ffmpegArgs], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg ${ffmpegArgs.join(' ')} failed: ${result.stderr}`);
}

interface Timed {
  seconds: number;
  /** CPU seconds, user + system, of the command and every process it started (ffmpeg included). */
  cpuSeconds: number;
  peakRssMb: number;
  toolStarts: number;
  /** Seconds from the start to the first progress line of each stage. */
  stageStarts: Partial<Record<Stage, number>>;
}

/** No single command of the bench may take longer than this (a hung run fails the bench, saying which). */
const COMMAND_DEADLINE_MS = 15 * 60 * 1000;

/** Runs a command to its end, timing its progress lines ("v2m: <stage> NN%") as they arrive. */
function timed(command: string, commandArgs: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const elapsed = () => (performance.now() - start) / 1000;
    // bash's `times` reports the CPU of all it waited for, and of their children in turn: v2m's ffmpeg runs too.
    const child = spawn('bash', ['-c', '"$@"; code=$?; times >&2; exit $code', 'bench', command, ...commandArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${commandArgs.join(' ')} did not finish within ${COMMAND_DEADLINE_MS / 60000} minutes; stopped.`));
    }, COMMAND_DEADLINE_MS);
    const stageStarts: Partial<Record<Stage, number>> = {};
    let stderr = '';
    let pending = '';
    child.stderr.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        const stage = /^v2m: (\w+) \d+%$/.exec(line)?.[1] as Stage | undefined;
        if (stage) stageStarts[stage] ??= elapsed();
        else stderr += `${line}\n`;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      const seconds = elapsed();
      if (code !== 0) return reject(new Error(`${command} ${commandArgs.join(' ')} failed: ${stderr}`));
      const times = [...stderr.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)].at(-1); // the second line of `times`: the children
      const cpuSeconds = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : Number.NaN;
      const rss = /PEAK_RSS_KB=(\d+)/.exec(stderr);
      const starts = /TOOL_STARTS=(-?\d+)/.exec(stderr);
      resolve({ seconds, cpuSeconds, peakRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, toolStarts: starts ? Number(starts[1]) : Number.NaN, stageStarts });
    });
  });
}

const v2m = (command: string, clip: string, extra: string[] = []) =>
  timed(process.execPath, [path.join(root, 'bench', 'measure-rss.js'), path.join(root, 'dist', 'cli', 'main.js'), command, clip, ...extra]);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The score's stages as the progress lines mark them; "mux" covers mux, listening to the result, cue sheet and report. */
const STAGES: Stage[] = ['probe', 'analyze', 'compose', 'synthesize', 'master', 'mux'];

function stageSeconds(run: Timed): Record<string, number> {
  const split: Record<string, number> = {};
  STAGES.forEach((stage, i) => {
    const begin = run.stageStarts[stage] ?? Number.NaN;
    const end = i + 1 < STAGES.length ? (run.stageStarts[STAGES[i + 1]!] ?? Number.NaN) : (run.stageStarts.done ?? run.seconds);
    split[stage] = end - begin;
  });
  split['start'] = run.stageStarts.probe ?? Number.NaN; // Node, the CLI and its imports
  return split;
}

/** Median wall time of `ffmpeg -version`: what one start of this binary costs. */
function startCostMs(tool: string): number {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    spawnSync(tool, ['-version'], { stdio: 'ignore' });
    times.push(performance.now() - start);
  }
  return median(times);
}

const clips = files.length > 0 ? files : [dogPlayLoop()];
if (long) {
  const bikes = shared('bikes-fastcuts-10s.mp4');
  const seconds = (await probe(bikes)).duration;
  clips.push(bikes, shared('people-one-by-one-139s.mp4'), looped(bikes, 2, seconds), looped(bikes, 20, seconds));
}

const ffmpeg = toolPath('ffmpeg');
const version = spawnSync(ffmpeg, ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0];
console.log(`ffmpeg: ${ffmpeg} (${version}); one start ${startCostMs(ffmpeg).toFixed(1)} ms, ffprobe ${startCostMs(toolPath('ffprobe')).toFixed(1)} ms`);
console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores; ${runs} paired runs per input, medians\n`);

const rows: string[] = [];
const splits: string[] = [];
for (const clip of clips) {
  const info = await probe(clip);
  const fps = Math.min(DEFAULT_ANALYSIS.maxFramesPerSecond, info.video.framesPerSecond);
  const height = 2 * Math.round((DEFAULT_ANALYSIS.frameWidth * info.video.displayHeight) / info.video.displayWidth / 2);
  const paired: Array<{ decode: Timed; analyze: Timed; score: Timed }> = [];
  for (let run = 0; run < runs; run++) {
    const decode = await timed(ffmpeg, ['-v', 'error', '-nostdin', '-i', clip, '-vf', `fps=${fps},scale=${DEFAULT_ANALYSIS.frameWidth}:${height}`, '-f', 'null', '-']);
    const analyze = await v2m('analyze', clip, ['--json', '-q']);
    const score = await v2m('score', clip, ['-o', path.join(out, `${path.parse(clip).name}.scored.mp4`)]);
    paired.push({ decode, analyze, score });
    console.error(
      `bench: ${path.basename(clip)} run ${run + 1}: decode ${decode.seconds.toFixed(2)} s (CPU ${decode.cpuSeconds.toFixed(1)} s), ` +
        `score ${score.seconds.toFixed(2)} s (${(score.seconds / decode.seconds).toFixed(2)}×; CPU ${score.cpuSeconds.toFixed(1)} s), load ${os.loadavg()[0].toFixed(2)}`,
    );
  }
  const m = (pick: (p: (typeof paired)[number]) => number) => median(paired.map(pick));
  const decode = m((p) => p.decode.seconds);
  const score = m((p) => p.score.seconds);
  rows.push(`| ${[
    path.basename(clip),
    info.duration.toFixed(1),
    decode.toFixed(2),
    m((p) => p.analyze.seconds).toFixed(2),
    m((p) => p.analyze.seconds / p.decode.seconds).toFixed(2),
    m((p) => p.analyze.peakRssMb).toFixed(0),
    score.toFixed(2),
    m((p) => p.score.seconds / p.decode.seconds).toFixed(2),
    (info.duration / score).toFixed(1),
    m((p) => p.score.peakRssMb).toFixed(0),
    m((p) => p.score.toolStarts).toFixed(0),
    m((p) => p.decode.cpuSeconds).toFixed(1),
    `${m((p) => p.score.cpuSeconds).toFixed(1)} (${m((p) => p.score.cpuSeconds / p.decode.cpuSeconds).toFixed(2)}×)`,
  ].join(' | ')} |`);
  const split = (stage: string) => m((p) => stageSeconds(p.score)[stage]!);
  const stageCells = ['start', ...STAGES].map((stage) => `${split(stage).toFixed(2)} (${(split(stage) / decode).toFixed(2)}×)`);
  splits.push(`| ${path.basename(clip)} | ${stageCells.join(' | ')} |`);
}
rmSync(out, { recursive: true, force: true });
console.log('| input | length s | ffmpeg decode s | analyze s | analyze ÷ decode | analyze RSS MB | score s | score ÷ decode | × real time | score RSS MB | ffmpeg starts | decode CPU s | score CPU s (÷ decode) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log('\nStages of `v2m score`, seconds (÷ decode); "mux" is mux with listening to the result, cue sheet and report:\n');
console.log(`| input | ${['start', ...STAGES].join(' | ')} |`);
console.log(`|---|${['start', ...STAGES].map(() => '---').join('|')}|`);
for (const row of splits) console.log(row);
console.log(`\nload average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// The server while a job runs (issue 17): the slowest `GET /jobs/:id`, polled every 100 ms (bench/server-latency.ts).
if (existsSync(LATENCY_CLIP)) console.log(`\n${pollLatencyLine(await measurePollLatency(LATENCY_CLIP))}`);
else console.log(`\nserver latency skipped: ${LATENCY_CLIP} is missing (node --import tsx bench/server-latency.ts FILE measures another clip)`);

// Scale-out (issue 19): `v2m serve --queue` with 1 and then 2 `v2m worker`s, and what a job costs Redis and the shared folder.
{
  const skipped = await queueBenchSkipped();
  console.log(`\n${skipped ?? throughputLines(await measureQueueThroughput()).join('\n')}`);
}

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
