// A batch's results: which videos already have their whole output set (a rerun skips them), one
// record per video, the JSON report (DIR/batch-report.json), the summary table and the progress line.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../files.js';
import { outputsBeside } from '../pipeline.js';
import { AUDIO_FORMATS, type AudioFormat } from '../render/master.js';

/** What a scored video's cue sheet says, in short. */
export interface VideoSummary {
  style: string;
  key: string;
  tempo: number;
  duration: number;
}

export type VideoStatus = 'done' | 'skipped' | 'failed';

/** One video of the batch, as the JSON report holds it. */
export interface VideoResult {
  input: string;
  /** The outputs' name in the output folder (`<stem>.v2m.mp4`, `.wav`, `.mid`, `.cues.json`, `.report.html`). */
  stem: string;
  status: VideoStatus;
  /** Wall time spent on it in this run (0 when skipped). */
  seconds: number;
  style?: string;
  key?: string;
  tempo?: number;
  /** Why it failed: v2m's one-line message. */
  error?: string;
}

export interface BatchReport {
  version: 1;
  startedAt: string;
  seconds: number;
  outputFolder: string;
  /** 'local' (a pool of processes on this machine) or the queue's Redis address (without password). */
  runner: string;
  counts: Record<VideoStatus, number>;
  videos: VideoResult[];
}

export const REPORT_NAME = 'batch-report.json';

/** The outputs of `stem` in `folder` (the pipeline's own set), with the scored video as MP4 or Matroska. */
export function outputSet(folder: string, stem: string, videoExtension: '.mp4' | '.mkv', audioFormat: AudioFormat = 'wav'): string[] {
  return Object.values(outputsBeside(path.join(folder, `${stem}.v2m${videoExtension}`), audioFormat));
}

/**
 * The summary of a video already scored into `folder`, or undefined. The pipeline renames its five
 * outputs into place only once all are complete, so a set that is all there is a finished one; a
 * run cut short leaves only hidden temporaries, which never count.
 */
export async function finishedSummary(folder: string, stem: string): Promise<VideoSummary | undefined> {
  // Whatever container and music format the run that wrote it chose.
  const complete = (['.mp4', '.mkv'] as const).some((extension) =>
    AUDIO_FORMATS.some((format) => outputSet(folder, stem, extension, format).every((file) => existsSync(file))),
  );
  if (!complete) return undefined;
  return readSummary(path.join(folder, `${stem}.v2m.cues.json`)).catch(() => undefined);
}

export async function readSummary(cueSheetFile: string): Promise<VideoSummary> {
  const cues = JSON.parse(await readFile(cueSheetFile, 'utf8')) as { style: string; key: string; tempo: number; input: { duration: number } };
  return { style: cues.style, key: cues.key, tempo: cues.tempo, duration: cues.input.duration };
}

export function countByStatus(videos: readonly VideoResult[]): Record<VideoStatus, number> {
  const counts: Record<VideoStatus, number> = { done: 0, skipped: 0, failed: 0 };
  for (const video of videos) counts[video.status] += 1;
  return counts;
}

export async function writeReport(folder: string, report: BatchReport): Promise<string> {
  const file = path.join(folder, REPORT_NAME);
  await writeFileAtomically(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** The table printed on stdout: one row per video, then the totals. */
export function summaryTable(report: BatchReport): string {
  const header = ['video', 'status', 'seconds', 'style', 'key', 'tempo', 'error'];
  const rows = report.videos.map((video) => [
    video.stem,
    video.status,
    video.seconds.toFixed(1),
    video.style ?? '',
    video.key ?? '',
    video.tempo === undefined ? '' : `${Math.round(video.tempo)} BPM`,
    video.error ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const { done, skipped, failed } = report.counts;
  return [line(header), ...rows.map(line), '', `${report.videos.length} videos: ${done} scored, ${skipped} already done, ${failed} failed in ${report.seconds.toFixed(1)} s.`].join('\n');
}

/**
 * Overall progress for stderr: videos finished of all, and the time left, estimated from the work
 * done so far (finished videos count 1, running ones their fraction) at the rate seen so far.
 */
export function progressLine(finished: number, total: number, runningFractions: readonly number[], scoredThisRun: number, elapsedSeconds: number, toScore: number): string {
  const workDone = scoredThisRun + runningFractions.reduce((sum, fraction) => sum + fraction, 0);
  const eta = workDone > 0.05 ? (elapsedSeconds / workDone) * Math.max(0, toScore - workDone) : undefined;
  return `v2m batch: ${finished}/${total} videos done, ${runningFractions.length} running, ${Math.round(elapsedSeconds)} s${eta === undefined ? '' : `, about ${formatDuration(eta)} left`}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
