// `v2m analyze`: probe and analyse one video, nothing composed — kept apart from the pipeline so the
// command loads only the analysis, not the composer, the synthesizer and the report.

import { analyzeVideo, DEFAULT_ANALYSIS, type AnalysisOptions } from './analysis/index.js';
import type { VideoTimeline } from './analysis/timeline.js';
import { probe, type MediaInfo } from './media/probe.js';
import { progressReporter, type Progress } from './progress.js';
import { analysisSheet, type AnalysisSheet } from './report/cues.js';

/** `v2m analyze`: the analysis part of the cue sheet, without composing anything. */
export async function analyzeFile(
  input: string,
  options: Partial<Pick<AnalysisOptions, 'faces' | 'objects' | 'faceDetector'>> = {},
  onProgress?: (progress: Progress) => void,
): Promise<{ sheet: AnalysisSheet; timeline: VideoTimeline }> {
  const report = progressReporter(onProgress);
  let info: MediaInfo;
  try {
    info = await probe(input);
  } catch (error) {
    await options.faceDetector?.close(); // the analysis that would have closed it never starts
    throw error;
  }
  const timeline = await analyzeVideo(info, {
    ...DEFAULT_ANALYSIS,
    faces: options.faces ?? DEFAULT_ANALYSIS.faces,
    objects: options.objects ?? DEFAULT_ANALYSIS.objects,
    faceDetector: options.faceDetector,
    onProgress: (f) => report('analyze', f),
  });
  report('done', 1);
  return { sheet: analysisSheet(info, timeline), timeline };
}
