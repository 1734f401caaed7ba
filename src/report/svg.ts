// svg: the drawing primitives of the HTML report — lanes that share one time axis, drawn as inline
// SVG strings from the data (no chart library, no network). Every lane is one <svg> with a
// `data-feature` naming what it shows, and a cursor line the page's script moves during playback.

import { clamp } from '../numbers.js';

export const PLOT = { width: 1000, labelWidth: 120, laneHeight: 56, padding: 6 } as const;

export interface Lane {
  feature: string;
  label: string;
  /** SVG elements drawn inside the plot area (x already in plot coordinates). */
  body: string;
  height?: number;
}

export class TimeAxis {
  constructor(readonly duration: number) {}

  x(time: number): number {
    const plotWidth = PLOT.width - PLOT.labelWidth - PLOT.padding;
    return round(PLOT.labelWidth + (Math.min(Math.max(time, 0), this.duration) / Math.max(this.duration, 1e-9)) * plotWidth);
  }
}

export function laneSvg(axis: TimeAxis, lane: Lane): string {
  const height = lane.height ?? PLOT.laneHeight;
  return (
    `<svg class="lane" data-feature="${escapeHtml(lane.feature)}" data-duration="${axis.duration}" viewBox="0 0 ${PLOT.width} ${height}" ` +
    `preserveAspectRatio="none" role="img" aria-label="${escapeHtml(lane.label)}">` +
    `<rect class="frame" x="${PLOT.labelWidth}" y="0.5" width="${PLOT.width - PLOT.labelWidth - PLOT.padding}" height="${height - 1}"/>` +
    `<text class="label" x="4" y="${height / 2 + 4}">${escapeHtml(lane.label)}</text>` +
    lane.body +
    `<line class="cursor" x1="${PLOT.labelWidth}" x2="${PLOT.labelWidth}" y1="0" y2="${height}"/>` +
    '</svg>'
  );
}

/** Vertical ticks at `times`; heights from `strengths` (0–1) when given. */
export function markers(axis: TimeAxis, times: readonly number[], className: string, strengths?: readonly number[], height: number = PLOT.laneHeight): string {
  return times
    .map((time, i) => {
      const top = strengths ? height - 2 - (height - 6) * clamp01(strengths[i] ?? 1) : 3;
      const x = axis.x(time);
      return `<line class="${className}" x1="${x}" x2="${x}" y1="${round(top)}" y2="${height - 2}"><title>${time.toFixed(2)} s</title></line>`;
    })
    .join('');
}

/** A polyline of `values` sampled every 1/rateHz seconds, scaled into [low, high]. */
export function curve(axis: TimeAxis, values: readonly number[], rateHz: number, className: string, range?: [number, number], height: number = PLOT.laneHeight): string {
  if (values.length === 0) return '';
  const [low, high] = range ?? [Math.min(...values), Math.max(...values)];
  const span = high - low || 1;
  const points = values.map((value, i) => `${axis.x((i + 0.5) / rateHz)},${round(height - 3 - ((height - 8) * (clamp(value, low, high) - low)) / span)}`);
  return `<polyline class="${className}" points="${points.join(' ')}"/>`;
}

/** Labelled blocks [start, end) — chords, sections. */
export function blocks(axis: TimeAxis, items: ReadonlyArray<{ start: number; end: number; label: string }>, className: string, height: number = PLOT.laneHeight): string {
  return items
    .map((item, i) => {
      const x = axis.x(item.start);
      const width = Math.max(1, axis.x(item.end) - x);
      const text = width >= 8 * item.label.length ? `<text class="block-label" x="${round(x + 3)}" y="${height / 2 + 4}">${escapeHtml(item.label)}</text>` : '';
      return `<rect class="${className} ${i % 2 ? 'odd' : 'even'}" x="${x}" y="4" width="${round(width)}" height="${height - 8}"><title>${escapeHtml(item.label)} ${item.start.toFixed(2)}–${item.end.toFixed(2)} s</title></rect>${text}`;
    })
    .join('');
}

/** Stacked bands, one per series (e.g. emotion probabilities), each value 0–1 per second. */
export function stackedBands(axis: TimeAxis, series: ReadonlyArray<{ name: string; values: readonly number[] }>, height: number = PLOT.laneHeight): string {
  const seconds = Math.max(0, ...series.map((s) => s.values.length));
  const cells: string[] = [];
  for (let second = 0; second < seconds; second++) {
    let top = 3;
    const x = axis.x(second);
    const width = Math.max(1, axis.x(second + 1) - x);
    series.forEach((s, index) => {
      const share = clamp01(s.values[second] ?? 0) * (height - 6);
      cells.push(`<rect class="band band-${index}" x="${x}" y="${round(top)}" width="${round(width)}" height="${round(share)}"><title>${escapeHtml(s.name)} ${(s.values[second] ?? 0).toFixed(2)}</title></rect>`);
      top += share;
    });
  }
  return cells.join('');
}

export function timeTicks(axis: TimeAxis): string {
  const step = niceStep(axis.duration / 10);
  const ticks: string[] = [];
  for (let t = 0; t <= axis.duration + 1e-9; t += step) {
    ticks.push(`<line class="tick" x1="${axis.x(t)}" x2="${axis.x(t)}" y1="0" y2="6"/><text class="tick-label" x="${axis.x(t)}" y="18">${formatSeconds(t)}</text>`);
  }
  return `<svg class="axis" viewBox="0 0 ${PLOT.width} 22" preserveAspectRatio="none" aria-hidden="true">${ticks.join('')}</svg>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function niceStep(rough: number): number {
  for (const step of [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800]) if (step >= rough) return step;
  return 3600;
}

function formatSeconds(t: number): string {
  if (t < 60) return `${Number.isInteger(t) ? t : t.toFixed(1)} s`;
  const minutes = Math.floor(t / 60);
  return `${minutes}:${String(Math.round(t - minutes * 60)).padStart(2, '0')}`;
}

function clamp01(value: number): number {
  return clamp(value, 0, 1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
