// Progress on stderr: a redrawn bar on a terminal, plain "stage NN%" lines otherwise (logs, CI).

import type { Progress, Stage } from '../progress.js';

const BAR_WIDTH = 30;

export function progressPrinter(stream: NodeJS.WriteStream, quiet: boolean): (progress: Progress) => void {
  if (quiet) return () => undefined;
  let lastStage: Stage | undefined;
  let lastTenth = -1;
  return (progress) => {
    const percent = Math.floor(progress.fraction * 100);
    if (stream.isTTY) {
      const filled = Math.round(progress.fraction * BAR_WIDTH);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${progress.stage.padEnd(10)}`);
      if (progress.stage === 'done') stream.write('\n');
      return;
    }
    const tenth = Math.floor(percent / 10);
    if (progress.stage !== lastStage || tenth !== lastTenth) {
      stream.write(`v2m: ${progress.stage} ${percent}%\n`);
      lastStage = progress.stage;
      lastTenth = tenth;
    }
  };
}
