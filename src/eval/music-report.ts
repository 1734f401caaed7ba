// music-report: `v2m eval music`'s results as a reader sees them — a table per window set (POP909,
// each system and its overlap, the ceiling), clashes and tempo, diversity per style — as JSON, and
// the baseline file that keeps a composer's figures for later comparison.

import { readFile } from 'node:fs/promises';
import { usageError } from '../errors.js';
import { FEATURE_LABELS, FEATURE_NAMES } from '../measure/corpus-stats.js';
import { spread } from '../measure/overlap.js';
import { WINDOW_SETS, type CorpusFigures, type MusicEvaluation, type WindowSet } from './music-corpus.js';

// ---- the baseline file ----------------------------------------------------------------------------

export interface MusicBaselineFile {
  description: string;
  /** How the MIDI files were made. */
  source: string;
  figures: CorpusFigures;
}

export function baselineFile(figures: CorpusFigures, source: string): MusicBaselineFile {
  return {
    description: "v2m eval music: a composer's figures on the shared clips (statistics of its own MIDI output only; no data set content)",
    source,
    figures: rounded(figures),
  };
}

/** The baseline file's text: indented, but each list of numbers on one line. */
export function baselineFileText(figures: CorpusFigures, source: string): string {
  const text = JSON.stringify(baselineFile(figures, source), null, 2);
  return `${text.replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, numbers: string) => `[${numbers.split(/,\s*/).join(', ')}]`)}\n`;
}

export async function readBaselineFile(file: string): Promise<CorpusFigures> {
  let parsed: MusicBaselineFile;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as MusicBaselineFile;
  } catch (error) {
    throw usageError(`Could not read the baseline '${file}' (${(error as Error).message}).`);
  }
  const windows = parsed?.figures?.windows;
  if (!windows || !WINDOW_SETS.every((set) => FEATURE_NAMES.every((name) => Array.isArray(windows[set]?.[name])))) {
    throw usageError(`'${file}' is not a baseline written by 'v2m eval music --save-baseline'.`);
  }
  return parsed.figures;
}

/** Four decimals are plenty for figures read by eye and by KDE, and keep the file small. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v))) as T;
}

// ---- printing -------------------------------------------------------------------------------------

const SET_TITLES: Record<WindowSet, string> = { melody: 'Melody (the melody part; POP909: MELODY)', all: 'All pitched parts (POP909: MELODY + BRIDGE + PIANO)' };

export function musicText(evaluation: MusicEvaluation): string {
  const { reference, ceiling, systems } = evaluation;
  const lines: string[] = [];
  for (const set of WINDOW_SETS) {
    const header = [
      SET_TITLES[set],
      'POP909',
      ...systems.flatMap(({ figures }) => [figures.label, 'overlap']),
      'ceiling',
    ];
    const rows = FEATURE_NAMES.map((name) => [
      FEATURE_LABELS[name],
      meanSd(reference.windows[set][name]),
      ...systems.flatMap(({ figures, overlap }) => [meanSd(figures.windows[set][name]), fixed(overlap[set][name], 2)]),
      fixed(ceiling[set][name], 2),
    ]);
    const windowsRow = ['windows', String(reference.windows[set].pitchRange.length), ...systems.flatMap(({ figures }) => [String(figures.windows[set].pitchRange.length), '']), ''];
    const meanRow = ['mean overlap', '', ...systems.flatMap(({ overlap }) => ['', fixed(overlap[set].mean, 2)]), fixed(ceiling[set].mean, 2)];
    lines.push(table([header, ...rows, windowsRow, meanRow]), '');
  }
  lines.push(
    table([
      ['', reference.label, ...systems.map(({ figures }) => figures.label)],
      ['clashes per minute (all minutes)', fixed(reference.clashesPerMinute, 2), ...systems.map(({ figures }) => fixed(figures.clashesPerMinute, 2))],
      ['clashes per minute (median piece)', fixed(reference.clashesPerMinuteMedian, 2), ...systems.map(({ figures }) => fixed(figures.clashesPerMinuteMedian, 2))],
      ['minutes of music', fixed(reference.minutes, 1), ...systems.map(({ figures }) => fixed(figures.minutes, 1))],
      ['largest tempo step %', '–', ...systems.map(({ figures }) => fixed(figures.tempo?.largestStepPercent, 1))],
      ['tempo changes in the busiest minute', '–', ...systems.map(({ figures }) => fixed(figures.tempo?.tempoChangesPerMinute, 2))],
      ['shortest section (beats)', '–', ...systems.map(({ figures }) => fixed(figures.tempo?.shortestSectionBeats, 1))],
      // The key v2m wrote the piece in (known where the eval composed it), and the key estimated from the notes as `v2m eval` reads it.
      ['last chord is the tonic triad (written key)', '–', ...systems.map(({ figures }) => fixed(figures.tonicEnd?.written, 2))],
      ['last chord over the tonic (estimated key)', fixed(reference.tonicEnd?.estimated, 2), ...systems.map(({ figures }) => fixed(figures.tonicEnd?.estimated, 2))],
    ]),
  );
  for (const { figures } of systems) {
    if (figures.diversity.length === 0) continue;
    lines.push(
      '',
      `Diversity across clips, ${figures.label} (one seed):`,
      table([
        ['style', 'clips', 'tonics', 'modes', 'tempo sd', 'density sd', 'register sd', 'keys'],
        ...figures.diversity.map((d) => [d.style, String(d.pieces), String(d.tonics), String(d.modes), fixed(d.tempoSdBpm, 1), fixed(d.densitySdNotesPerSecond, 2), fixed(d.registerSdSemitones, 1), summarizeKeys(d.keys)]),
      ]),
    );
  }
  return lines.join('\n');
}

/** Keys with their counts, most frequent first: "G major ×4, E minor ×2". */
function summarizeKeys(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => (count > 1 ? `${key} ×${count}` : key))
    .join(', ');
}

function meanSd(values: readonly number[]): string {
  const { mean, sd } = spread(values);
  return values.length === 0 ? '–' : `${mean.toFixed(2)}±${sd.toFixed(2)}`;
}

function fixed(value: number | undefined | null, digits: number): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** What `--json` prints: the figures without the per-window samples. */
export function musicJson(evaluation: MusicEvaluation): unknown {
  const summary = (figures: CorpusFigures) => ({
    ...figures,
    windows: Object.fromEntries(
      WINDOW_SETS.map((set) => [set, Object.fromEntries(FEATURE_NAMES.map((name) => [name, { ...spread(figures.windows[set][name]) }]))]),
    ),
  });
  return {
    reference: summary(evaluation.reference),
    ceiling: evaluation.ceiling,
    systems: evaluation.systems.map(({ figures, overlap }) => ({ figures: summary(figures), overlap })),
  };
}
