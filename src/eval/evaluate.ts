// evaluate: scores one video the v2m way and the two baseline ways, renders each, listens to the
// results and computes the metrics of EVALUATION.md for all of them in the same run, so the
// figures are comparable. The video is decoded once; every variant reuses its timeline.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OPTIONS } from '../config.js';
import { learnedModels } from '../options.js';
import { analyzeVideo, DEFAULT_ANALYSIS } from '../analysis/index.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { composeBaseline, type BaselineName } from '../compose/baselines.js';
import { compose, type Composition } from '../compose/index.js';
import type { StyleChoice } from '../config.js';
import { usageError } from '../errors.js';
import { probe } from '../media/probe.js';
import { analyzeAudio, type AudioAnalysis } from '../measure/audio.js';
import { pictureEvents, trackMetrics, type PictureEvents, type TrackMetrics } from '../measure/metrics.js';
import { readMidi } from '../measure/midi.js';
import { keyName } from '../music/theory.js';
import { renderAudio } from '../render/index.js';

export type SystemName = 'v2m' | BaselineName;
export const SYSTEM_NAMES: readonly SystemName[] = ['v2m', 'fixed', 'random'];

export interface EvaluationOptions {
  styles: StyleChoice[];
  /** Seeds 1…seeds are run for every style (and for the baselines). */
  seeds: number;
  /** Ground-truth cut times; the analysis's own cuts are used when absent. */
  cuts?: number[];
  /** Keep each run's WAV and MIDI here; otherwise they live in a temporary folder that is removed. */
  keepFolder?: string;
  onProgress?: (message: string) => void;
}

export interface RunResult {
  system: SystemName;
  style: string;
  seed: number;
  key: string;
  tempoBpm: number;
  /** Chord symbols in order, for seed diversity. */
  chords: string[];
  metrics: TrackMetrics;
  /** The audio analysis, for the report's loudness timeline (left out of JSON summaries). */
  audio: AudioAnalysis;
}

export interface VideoEvaluation {
  video: string;
  duration: number;
  cutSource: 'ground truth' | 'analysis';
  picture: PictureEvents;
  timeline: VideoTimeline;
  runs: RunResult[];
  /** Per system: distinct chord sequences ÷ seeds, per style (1 = every seed a different piece); null with one seed. */
  seedDiversity: Record<SystemName, number | null>;
}

export async function evaluateVideo(file: string, options: EvaluationOptions): Promise<VideoEvaluation> {
  const info = await probe(file);
  options.onProgress?.(`${path.basename(file)}: analysing`);
  const timeline = await analyzeVideo(info, DEFAULT_ANALYSIS);
  const picture = pictureEvents(timeline, options.cuts);
  const workFolder = await mkdtemp(path.join(os.tmpdir(), 'v2m-eval-'));
  const runs: RunResult[] = [];
  // v2m as shipped: the AMT's chords and the biGRU's dynamics, at the default sampling settings.
  const learned = await learnedModels(DEFAULT_OPTIONS);
  try {
    for (const style of options.styles) {
      for (let seed = 1; seed <= options.seeds; seed++) {
        const v2m = compose(timeline, { style, seed, learned });
        const variants: Array<[SystemName, Composition]> = [
          ['v2m', v2m],
          ['fixed', composeBaseline('fixed', timeline, v2m.plan.style, seed)],
          ['random', composeBaseline('random', timeline, v2m.plan.style, seed)],
        ];
        for (const [system, composition] of variants) {
          // The fixed baseline does not depend on the style: render it once per seed.
          if (system === 'fixed' && runs.some((run) => run.system === 'fixed' && run.seed === seed)) continue;
          options.onProgress?.(`${path.basename(file)}: ${system} ${composition.plan.style} seed ${seed}`);
          runs.push(await measureRun(system, composition, picture, workFolder, options.keepFolder, path.basename(file)));
        }
      }
    }
  } finally {
    await rm(workFolder, { recursive: true, force: true });
  }
  return {
    video: info.path,
    duration: info.duration,
    cutSource: options.cuts ? 'ground truth' : 'analysis',
    picture,
    timeline,
    runs,
    seedDiversity: seedDiversity(runs, options.seeds),
  };
}

async function measureRun(
  system: SystemName,
  composition: Composition,
  picture: PictureEvents,
  workFolder: string,
  keepFolder: string | undefined,
  title: string,
): Promise<RunResult> {
  const { plan } = composition;
  const stem = `${path.basename(title, path.extname(title))}.${system}.${plan.style}.seed${plan.seed}`;
  const folder = keepFolder ?? workFolder;
  await mkdir(folder, { recursive: true });
  const audioPath = path.join(folder, `${stem}.wav`);
  // The master already measured the finished WAV with ebur128 (true peak included): no second pass.
  const { midi, loudness } = await renderAudio({ score: composition.produced, title, audioPath, workFolder });
  if (keepFolder) await writeFile(path.join(folder, `${stem}.mid`), midi);
  const audio = await analyzeAudio(audioPath);
  const metrics = trackMetrics({ picture, audio, midi: readMidi(midi), truePeakDbtp: loudness.truePeakDbtp, chords: composition.chords });
  if (!keepFolder) await rm(audioPath, { force: true });
  return {
    system,
    style: plan.style,
    seed: plan.seed,
    key: keyName(plan.key),
    tempoBpm: plan.tempoBpm,
    chords: composition.chords.map((chord) => chord.chord),
    metrics,
    audio,
  };
}

function seedDiversity(runs: readonly RunResult[], seeds: number): Record<SystemName, number | null> {
  const result = {} as Record<SystemName, number | null>;
  for (const system of SYSTEM_NAMES) {
    if (seeds < 2) {
      result[system] = null;
      continue;
    }
    const byStyle = new Map<string, Set<string>>();
    for (const run of runs.filter((r) => r.system === system)) {
      const set = byStyle.get(run.style) ?? new Set<string>();
      set.add(run.chords.join(' '));
      byStyle.set(run.style, set);
    }
    const shares = [...byStyle.values()].map((distinct) => distinct.size / seeds);
    result[system] = shares.length === 0 ? null : Math.min(...shares);
  }
  return result;
}

/** Reads `--cuts cuts.json`: a list of seconds, or `{"cuts": [...]}`. */
export async function readCutsFile(file: string): Promise<number[]> {
  const shape = `a JSON list of cut times in seconds, e.g. [1.2, 3.04], or {"cuts": [...]}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw usageError(`Could not read the cuts file '${file}' (${(error as Error).message}). It must hold ${shape}.`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { cuts?: unknown } | null)?.cuts;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'number' && Number.isFinite(t) && t >= 0)) {
    throw usageError(`The cuts file '${file}' must hold ${shape}.`);
  }
  return [...list].sort((a, b) => a - b);
}
