// One server job in a forked job-worker process, for a queue worker (`v2m worker`, or the server's
// own worker with --queue): what it reports and how it ended, and a way to stop it (src/scoring-process).
// The SQLite runner forks the same job-worker itself (runner.ts), with its bookkeeping in the store.

import { forkScoring, type ScoringOutcome, type ScoringProcess } from '../scoring-process.js';
import type { WorkerRequest } from './job-worker.js';
import type { JobSummary } from './store.js';

export type JobOutcome = ScoringOutcome<JobSummary>;
export type JobProcess = ScoringProcess<JobSummary>;

export function forkJobWorker(request: WorkerRequest, onProgress: (stage: string, fraction: number) => void): JobProcess {
  // The job's folder never shows in a message a client reads.
  return forkScoring<JobSummary>(new URL('./job-worker.js', import.meta.url), request, onProgress, (text) => text.replaceAll(request.folder, '(job)'));
}
