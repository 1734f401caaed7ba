// Progress on stderr: a redrawn bar with an ETA on a terminal, plain "stage NN%" lines otherwise (logs, CI).

import type { Progress, Stage } from '../progress.js';

const BAR_WIDTH = 30;
/** Analysis reports every frame; a terminal redrawn more often than this only costs time. */
const MIN_REDRAW_INTERVAL_MS = 100;
/** Before this much of the job (or this long), an estimate of the time left is a guess: none is shown. */
const ETA_AFTER_FRACTION = 0.05;
const ETA_AFTER_MS = 1_000;

export interface PrinterClock {
  now(): number;
}

export function progressPrinter(stream: NodeJS.WritableStream & { isTTY?: boolean }, quiet: boolean, clock: PrinterClock = performance): (progress: Progress) => void {
  if (quiet) return () => undefined;
  return stream.isTTY ? barPrinter(stream, clock) : linePrinter(stream);
}

function barPrinter(stream: NodeJS.WritableStream, clock: PrinterClock): (progress: Progress) => void {
  const started = clock.now();
  let lastDrawn = Number.NEGATIVE_INFINITY;
  let lastStage: Stage | undefined;
  return (progress) => {
    const now = clock.now();
    const isDone = progress.stage === 'done';
    // A new stage and the end are always drawn; in between, at most one redraw per interval.
    if (!isDone && progress.stage === lastStage && now - lastDrawn < MIN_REDRAW_INTERVAL_MS) return;
    lastDrawn = now;
    lastStage = progress.stage;
    const percent = Math.floor(progress.fraction * 100);
    const filled = Math.round(progress.fraction * BAR_WIDTH);
    const eta = isDone ? '' : timeLeft(now - started, progress.fraction);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${progress.stage.padEnd(10)} ${eta.padEnd(12)}`);
    if (isDone) stream.write('\n');
  };
}

/** "ETA 1m05s" from the pace so far, or '' while it would be a guess. */
export function timeLeft(elapsedMs: number, fraction: number): string {
  if (fraction < ETA_AFTER_FRACTION || elapsedMs < ETA_AFTER_MS || fraction >= 1) return '';
  const seconds = Math.round((elapsedMs * (1 - fraction)) / fraction / 1000);
  return seconds >= 60 ? `ETA ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `ETA ${seconds}s`;
}

function linePrinter(stream: NodeJS.WritableStream): (progress: Progress) => void {
  let lastStage: Stage | undefined;
  let lastTenth = -1;
  return (progress) => {
    const percent = Math.floor(progress.fraction * 100);
    const tenth = Math.floor(percent / 10);
    if (progress.stage !== lastStage || tenth !== lastTenth) {
      stream.write(`v2m: ${progress.stage} ${percent}%\n`);
      lastStage = progress.stage;
      lastTenth = tenth;
    }
  };
}
