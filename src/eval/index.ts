// eval: `v2m eval <video|folder>` — every video in the target, v2m beside its baselines.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { badInput, isV2mError, usageError } from '../errors.js';
import { evaluateVideo, type EvaluationOptions, type VideoEvaluation } from './evaluate.js';

export { evaluateVideo, readCutsFile, SYSTEM_NAMES, type EvaluationOptions, type RunResult, type SystemName, type VideoEvaluation } from './evaluate.js';
export { evaluationJson, evaluationText, formatTable, METRIC_COLUMNS, summarize, type SystemSummary } from './summary.js';

/** Extensions taken as videos when the target is a folder. */
const INPUT_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi'];

export interface EvaluationResult {
  evaluations: VideoEvaluation[];
  /** Files of a folder that could not be evaluated, with the reason (a folder run goes on without them). */
  skipped: Array<{ video: string; reason: string }>;
}

export async function evaluate(target: string, options: EvaluationOptions): Promise<EvaluationResult> {
  const videos = await videosIn(target);
  if (videos.length === 1 && videos[0] === target) return { evaluations: [await evaluateVideo(target, options)], skipped: [] };
  if (options.cuts) throw usageError('--cuts gives the cut times of one video; it cannot be used with a folder.');
  const result: EvaluationResult = { evaluations: [], skipped: [] };
  for (const video of videos) {
    try {
      result.evaluations.push(await evaluateVideo(video, options));
    } catch (error) {
      if (!isV2mError(error) || error.code === 'INTERNAL') throw error;
      result.skipped.push({ video, reason: error.message });
    }
  }
  if (result.evaluations.length === 0) throw badInput(`No video in '${target}' could be evaluated.`);
  return result;
}

async function videosIn(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => undefined);
  if (!info?.isDirectory()) return [target];
  const names = (await readdir(target)).filter((name) => INPUT_EXTENSIONS.includes(path.extname(name).toLowerCase())).sort();
  if (names.length === 0) throw badInput(`The folder '${target}' holds no video (${INPUT_EXTENSIONS.join(', ')}).`);
  return names.map((name) => path.join(target, name));
}
