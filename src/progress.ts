// progress: the stages of a scoring job and one 0–1 figure for the whole job that never goes back,
// shared by the CLI's progress bar, the server's job rows and the library's callback.

export type Stage = 'probe' | 'analyze' | 'compose' | 'synthesize' | 'master' | 'mux' | 'done';

export interface Progress {
  stage: Stage;
  /** Progress of the whole job, 0–1; never goes backwards. */
  fraction: number;
}

/**
 * Share of the total time each stage takes, measured with `scoreVideo` on the shared clips of 10, 30
 * and 139 s (analysis 38/29/14 %, composing 9/7/6 %, synthesis 31/46/56 %, mastering 4/7/8 %,
 * muxing and listening 10/10/15 %): a bar that moves at an even pace whatever the stage.
 */
const STAGE_SPAN: Record<Exclude<Stage, 'done'>, [number, number]> = {
  probe: [0, 0.03],
  analyze: [0.03, 0.36],
  compose: [0.36, 0.43],
  synthesize: [0.43, 0.85],
  master: [0.85, 0.92],
  mux: [0.92, 1],
};

/** The smallest step of the whole job's progress worth passing on (to a store, a process, a screen). */
export const PROGRESS_STEP = 0.01;

/**
 * Whether `next` says something `previous` did not: a new stage, or at least one PROGRESS_STEP more.
 * Analysis reports every frame; passing each on would cost a write per frame for nothing a person sees.
 */
export function isProgressWorthReporting(previous: Progress | undefined, next: Progress): boolean {
  return previous === undefined || next.stage !== previous.stage || next.fraction - previous.fraction >= PROGRESS_STEP;
}

export function progressReporter(onProgress?: (progress: Progress) => void): (stage: Stage, stageFraction: number) => void {
  let last = 0;
  return (stage, stageFraction) => {
    const [start, end] = stage === 'done' ? [1, 1] : STAGE_SPAN[stage];
    const fraction = Math.max(last, start + (end - start) * Math.min(1, Math.max(0, stageFraction)));
    last = fraction;
    onProgress?.({ stage, fraction });
  };
}
