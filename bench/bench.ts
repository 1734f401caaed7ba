// npm run bench — not a test. For each clip: wall time of `v2m score` ÷ wall time of a bare ffmpeg
// decode at the analysis rate (measured in the same run: only ratios are comparable on noisy
// machines), × real time, and the peak RSS of the v2m process.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ANALYSIS } from '../src/analysis/index.js';
import { probe } from '../src/media/probe.js';
import { toolPath } from '../src/media/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clips = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['bikes-fastcuts-10s.mp4', 'people-one-by-one-139s.mp4'].map((c) => path.resolve(root, '..', 'shared', 'media', c));

interface Timed {
  seconds: number;
  peakRssMb: number;
}

/** Runs a command under /usr/bin/time when present (peak RSS of the child), else just times it. */
function timed(command: string, args: string[]): Timed {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  const rss = /PEAK_RSS_KB=(\d+)/.exec(result.stderr ?? '');
  return { seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

const out = mkdtempSync(path.join(os.tmpdir(), 'v2m-bench-'));
const rows: string[] = [];
for (const clip of clips) {
  const info = await probe(clip);
  const fps = Math.min(DEFAULT_ANALYSIS.maxFramesPerSecond, info.video.framesPerSecond);
  const height = 2 * Math.round((DEFAULT_ANALYSIS.frameWidth * info.video.displayHeight) / info.video.displayWidth / 2);
  const decode = timed(toolPath('ffmpeg'), ['-v', 'error', '-nostdin', '-i', clip, '-vf', `fps=${fps},scale=${DEFAULT_ANALYSIS.frameWidth}:${height}`, '-f', 'null', '-']);
  const score = timed(process.execPath, [path.join(root, 'bench', 'measure-rss.js'), path.join(root, 'dist', 'cli', 'main.js'), 'score', clip, '-q', '-o', path.join(out, `${path.parse(clip).name}.mp4`)]);
  rows.push(
    `| ${path.basename(clip)} | ${info.duration.toFixed(1)} | ${decode.seconds.toFixed(2)} | ${score.seconds.toFixed(2)} | ${(score.seconds / decode.seconds).toFixed(2)} | ${(info.duration / score.seconds).toFixed(1)} | ${score.peakRssMb.toFixed(0)} |`,
  );
}
rmSync(out, { recursive: true, force: true });
console.log('| clip | length s | ffmpeg decode s | v2m score s | decode ratio | × real time | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
