// summary: the evaluation as numbers a reader compares at a glance — per system (v2m and the
// baselines), the mean of every metric over all videos, styles and seeds — as a text table or JSON.

import path from 'node:path';
import type { TrackMetrics } from '../measure/metrics.js';
import { SYSTEM_NAMES, type SystemName, type VideoEvaluation } from './evaluate.js';

export type MetricName = Exclude<keyof TrackMetrics, 'key'>;

/** The columns of the tables, in order, with how each is printed. */
export const METRIC_COLUMNS: ReadonlyArray<{ metric: MetricName; label: string; digits: number }> = [
  { metric: 'cutHitRate', label: 'cut hit', digits: 2 },
  { metric: 'cutOnGridRate', label: 'on grid', digits: 2 },
  { metric: 'beatHitScore', label: 'beat hit', digits: 2 },
  { metric: 'beatCoverage', label: 'coverage', digits: 2 },
  { metric: 'motionLoudnessR', label: 'motion-loud r', digits: 2 },
  { metric: 'motionDensityR', label: 'motion-dens r', digits: 2 },
  { metric: 'emotionCorrespondence', label: 'emotion', digits: 2 },
  { metric: 'integratedLufs', label: 'LUFS', digits: 1 },
  { metric: 'truePeakDbtp', label: 'dBTP', digits: 1 },
  { metric: 'lengthErrorSeconds', label: 'len err s', digits: 3 },
  { metric: 'longestSilenceSeconds', label: 'silence s', digits: 2 },
  { metric: 'inKeyRatio', label: 'in key', digits: 2 },
  { metric: 'endsOnTonic', label: 'tonic end', digits: 2 },
  { metric: 'fadesOut', label: 'fade end', digits: 2 },
  { metric: 'clashesPerMinute', label: 'clash/min', digits: 1 },
  { metric: 'largestTempoStepPercent', label: 'tempo step %', digits: 1 },
  { metric: 'tempoChangesPerMinute', label: 'changes/min', digits: 1 },
];

export type SystemSummary = { system: SystemName; runs: number; seedDiversity: number | null } & Record<MetricName, number | null>;

/** Mean of each metric over the runs of each system; booleans become shares, nulls are skipped. */
export function summarize(evaluations: readonly VideoEvaluation[]): SystemSummary[] {
  return SYSTEM_NAMES.map((system) => {
    const runs = evaluations.flatMap((evaluation) => evaluation.runs.filter((run) => run.system === system));
    const diversities = evaluations.map((e) => e.seedDiversity[system]).filter((d): d is number => d !== null);
    const summary = { system, runs: runs.length, seedDiversity: meanOrNull(diversities) } as SystemSummary;
    for (const key of Object.keys(runs[0]?.metrics ?? {}) as Array<keyof TrackMetrics>) {
      if (key === 'key') continue;
      summary[key] = meanOrNull(runs.map((run) => toNumber(run.metrics[key])).filter((v): v is number => v !== null));
    }
    return summary;
  });
}

/** One system's means on one video. */
export function systemSummary(evaluation: VideoEvaluation, system: SystemName): SystemSummary {
  return summarize([evaluation]).find((summary) => summary.system === system)!;
}

/** A plain-text table: one row per system, or per video and system. */
export function formatTable(rows: ReadonlyArray<{ label: string; values: Partial<Record<MetricName, number | null>> }>): string {
  const header = ['', ...METRIC_COLUMNS.map((c) => c.label)];
  const body = rows.map((row) => [row.label, ...METRIC_COLUMNS.map((c) => formatValue(row.values[c.metric] ?? null, c.digits))]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

export function formatValue(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** The evaluation without the bulky per-run audio curves: what `v2m eval --json` prints. */
export function evaluationJson(evaluations: readonly VideoEvaluation[]): unknown {
  return {
    summary: summarize(evaluations),
    videos: evaluations.map((e) => ({
      video: e.video,
      duration: e.duration,
      cutSource: e.cutSource,
      cuts: e.picture.cuts,
      seedDiversity: e.seedDiversity,
      runs: e.runs.map((run) => ({ system: run.system, style: run.style, seed: run.seed, key: run.key, tempoBpm: run.tempoBpm, metrics: run.metrics })),
    })),
  };
}

function toNumber(value: number | boolean | string | null): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function meanOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** What `v2m eval` prints: a row per video and system, then the means per system. */
export function evaluationText(result: { evaluations: readonly VideoEvaluation[]; skipped: ReadonlyArray<{ video: string; reason: string }> }): string {
  const perVideo = result.evaluations.flatMap((evaluation) =>
    SYSTEM_NAMES.map((system) => {
      return { label: `${path.basename(evaluation.video)} ${system}`, values: systemSummary(evaluation, system) };
    }),
  );
  const overall = summarize(result.evaluations);
  const lines = [
    formatTable(perVideo),
    '',
    `Mean over ${result.evaluations.length} video(s):`,
    formatTable(overall.map((summary) => ({ label: `${summary.system} (${summary.runs} runs)`, values: summary }))),
  ];
  if (overall.some((s) => s.seedDiversity !== null)) {
    lines.push('', `Seed diversity (distinct chord sequences ÷ seeds): ${overall.map((s) => `${s.system} ${formatValue(s.seedDiversity, 2)}`).join(', ')}`);
  }
  for (const skip of result.skipped) lines.push(`skipped ${skip.video}: ${skip.reason}`);
  return lines.join('\n');
}
