// progress: the stages of a scoring job and one 0–1 figure for the whole job that never goes back,
// shared by the CLI's progress bar, the server's job rows and the library's callback.

export type Stage = 'probe' | 'analyze' | 'compose' | 'synthesize' | 'master' | 'mux' | 'done';

export interface Progress {
  stage: Stage;
  /** Progress of the whole job, 0–1; never goes backwards. */
  fraction: number;
}

/** Share of the total time each stage takes (measured on the shared clips; only for the progress bar). */
const STAGE_SPAN: Record<Exclude<Stage, 'done'>, [number, number]> = {
  probe: [0, 0.02],
  analyze: [0.02, 0.4],
  compose: [0.4, 0.42],
  synthesize: [0.42, 0.8],
  master: [0.8, 0.93],
  mux: [0.93, 1],
};

export function progressReporter(onProgress?: (progress: Progress) => void): (stage: Stage, stageFraction: number) => void {
  let last = 0;
  return (stage, stageFraction) => {
    const [start, end] = stage === 'done' ? [1, 1] : STAGE_SPAN[stage];
    const fraction = Math.max(last, start + (end - start) * Math.min(1, Math.max(0, stageFraction)));
    last = fraction;
    onProgress?.({ stage, fraction });
  };
}
