// One video of a batch in its own process, forked by the local pool or by a queue worker: scoring is
// CPU-bound JavaScript, so a process per video keeps the parent free to report progress (and a
// queue worker free to renew its job's lock), lets a video be stopped by killing it, and means one
// video that crashes never takes the others down. When the parent goes (its IPC channel closes,
// e.g. it was SIGKILLed), this process ends its ffmpeg runs, removes its temporaries and exits, so a
// dead worker leaves no scoring behind it and no half-written output.

import path from 'node:path';
import type { ScoreOptions } from '../config.js';
import { fromSystemError } from '../errors.js';
import { removeAllTemporarySync } from '../files.js';
import { refuseNewTools, stopAllTools } from '../media/run.js';
import { probe } from '../media/probe.js';
import { scoredVideoExtension, scoreVideo } from '../pipeline.js';
import type { VideoSummary } from './results.js';
import type { ScoringMessage } from '../scoring-process.js';

export interface ScoreRequest {
  input: string;
  outputFolder: string;
  stem: string;
  options: Partial<ScoreOptions>;
  /** The input's name as the cue sheet shows it (a queue job: its path in the shared folder, never a machine's own path). */
  publicName?: string;
}

export type ScoreMessage = ScoringMessage<VideoSummary>;

function send(message: ScoreMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

async function score(request: ScoreRequest): Promise<ScoreMessage> {
  const info = await probe(request.input);
  const output = path.join(request.outputFolder, `${request.stem}.v2m${scoredVideoExtension(info)}`);
  const { cues } = await scoreVideo(
    request.input,
    { ...request.options, output },
    (progress) => void send({ type: 'progress', stage: progress.stage, fraction: progress.fraction }),
    { publicName: request.publicName },
  );
  return { type: 'done', summary: { style: cues.style, key: cues.key, tempo: cues.tempo, duration: cues.input.duration } };
}

function failure(error: unknown): ScoreMessage {
  const known = fromSystemError(error); // a V2mError, or a full disk and the like
  if (known) return { type: 'failed', code: known.code, message: known.message };
  return { type: 'failed', code: 'INTERNAL', message: `v2m failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
}

function leaveWhenOrphaned(): void {
  refuseNewTools();
  void stopAllTools().finally(() => {
    removeAllTemporarySync();
    process.exit(1);
  });
}

process.on('disconnect', leaveWhenOrphaned);
process.once('message', (request: ScoreRequest) => {
  score(request)
    .catch(failure)
    .then(async (message) => {
      process.off('disconnect', leaveWhenOrphaned);
      await send(message);
      process.exit(0);
    });
});
