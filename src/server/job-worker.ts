// One job in its own process (forked by the runner): scoring is CPU-bound JavaScript, and running it
// here keeps the server answering, lets a job be stopped by killing it, and means a crash in a job
// never takes the server down. The process exits as soon as the server is gone (its IPC channel
// closes), so a server killed with SIGKILL leaves no job running behind it.

import { mkdir, readFile, rm } from 'node:fs/promises';
import type { VideoTimeline } from '../analysis/timeline.js';
import { fromSystemError } from '../errors.js';
import { removeAllTemporarySync, writeFileAtomically } from '../files.js';
import { refuseNewTools, stopAllTools } from '../media/run.js';
import { makePreview, isBrowserPlayable } from '../media/preview.js';
import { probe } from '../media/probe.js';
import { scoreVideo, type Progress } from '../pipeline.js';
import { isProgressWorthReporting } from '../progress.js';
import type { ScoreOptions } from '../config.js';
import { jobFiles } from './job-files.js';
import type { JobSummary } from './store.js';
import type { ScoringMessage } from '../scoring-process.js';

export interface WorkerRequest {
  folder: string;
  /** The client's file name, shown in the cue sheet and report instead of any server path. */
  displayName: string;
  videoExtension: string;
  options: ScoreOptions;
  /** Where the outputs are made, when not the job's out/ (a queue worker's staging folder, renamed to out/ once complete). */
  outputFolder?: string;
}

export type WorkerMessage = ScoringMessage<JobSummary>;

/** A preview takes seconds per minute of video at 640 px; a longer wait means something is wrong. */
const PREVIEW_DEADLINE_MS = 10 * 60_000;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

async function run(request: WorkerRequest): Promise<WorkerMessage> {
  const files = jobFiles(request.folder, request.videoExtension, request.outputFolder);
  // A run that was cut short leaves partial outputs: every run starts from an empty output folder.
  await rm(files.outputFolder, { recursive: true, force: true });
  await mkdir(files.outputFolder, { recursive: true });
  const timeline = await readFile(files.analysis, 'utf8').then((text) => JSON.parse(text) as VideoTimeline, () => undefined);
  const poster = await readFile(files.poster).catch(() => undefined);
  // Each message the server takes is a write to its store: only a stage change or a 1 % step is sent.
  let sent: Progress | undefined;
  const sendProgress = (progress: Progress) => {
    if (!isProgressWorthReporting(sent, progress)) return;
    sent = progress;
    void send({ type: 'progress', stage: progress.stage, fraction: progress.fraction });
  };
  const result = await scoreVideo(
    files.input,
    { ...request.options, output: files.outputs.video },
    sendProgress,
    // The report is served at …/result/report, so its video is the sibling URL …/result/video.
    { timeline, poster, reportVideoHref: 'video', publicName: request.displayName },
  );
  if (!timeline) await writeFileAtomically(files.analysis, JSON.stringify(result.timeline));
  if (!poster && result.poster) await writeFileAtomically(files.poster, result.poster);
  const { cues } = result;
  // After the outputs are written: the page's player gets an H.264 copy when the scored stream would show only the poster.
  const needsPreview = !isBrowserPlayable((await probe(files.outputs.video)).video.codec, request.videoExtension);
  // The scored outputs are the job; a preview that fails leaves the page with the poster, never a failed job.
  const preview =
    needsPreview &&
    (await makePreview({ input: files.outputs.video, output: files.preview, deadlineMs: PREVIEW_DEADLINE_MS }).then(
      () => true,
      (error: unknown) => {
        console.error(`v2m: no browser preview: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    ));
  return { type: 'done', summary: { style: cues.style, key: cues.key, tempo: cues.tempo, cuts: cues.cuts.length, duration: cues.input.duration, preview } };
}

// Orphaned (the server or queue worker died): stop the ffmpeg runs and remove the temporaries before leaving,
// so that nothing keeps writing into the job's folder after another worker has taken the job over.
const leaveWhenOrphaned = () => {
  refuseNewTools();
  void stopAllTools().finally(() => {
    removeAllTemporarySync();
    process.exit(1);
  });
};
process.on('disconnect', leaveWhenOrphaned);
process.once('message', (request: WorkerRequest) => {
  run(request)
    .catch((error: unknown): WorkerMessage => {
      const known = fromSystemError(error); // a V2mError, or a full disk and the like
      return {
        type: 'failed',
        code: known ? known.code : 'INTERNAL',
        // The client never sees the server's paths.
        message: (known ? known.message : `v2m failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`).replaceAll(request.folder, '(job)'),
      };
    })
    .then(async (message) => {
      process.off('disconnect', leaveWhenOrphaned);
      await send(message);
      process.exit(0);
    });
});
