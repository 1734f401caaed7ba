// Scores one video in a forked score-child process and says how it went (src/scoring-process).

import { forkScoring, type ScoringOutcome, type ScoringProcess } from '../scoring-process.js';
import type { VideoSummary } from './results.js';
import type { ScoreRequest } from './score-child.js';

export type ScoreOutcome = ScoringOutcome<VideoSummary>;

export function forkScore(request: ScoreRequest, onProgress: (fraction: number, stage: string) => void): ScoringProcess<VideoSummary> {
  return forkScoring<VideoSummary>(new URL('./score-child.js', import.meta.url), request, (stage, fraction) => onProgress(fraction, stage));
}
