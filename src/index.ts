// The library entry: `import { scoreVideo } from 'v2m'`, with the same options as the CLI.

export { scoreVideo, outputPaths } from './pipeline.js';
export { analyzeFile } from './analyze-file.js';
export type { ScoreResult, OutputPaths } from './pipeline.js';
export type { Progress, Stage } from './progress.js';
export { DEFAULT_OPTIONS, STYLE_CHOICES, type ScoreOptions, type StyleChoice } from './config.js';
export { V2mError, EXIT_CODES, type V2mErrorCode } from './errors.js';
export { probe, type MediaInfo } from './media/probe.js';
export { readFrames, type VideoFrame, type FrameStream } from './media/frames.js';
export { analyzeVideo } from './analysis/index.js';
export type { VideoTimeline, Cut } from './analysis/index.js';
export { compose, type Composition, type Score, type ScorePlan } from './compose/index.js';
export type { CueSheet, AnalysisSheet } from './report/cues.js';
