// Where a job's files live inside the data folder. Every name here is made by the server: the
// client's filename is kept only as a display name in the store, never used as a path.

import path from 'node:path';
import { outputsBeside, stemsFolderBeside, type OutputPaths } from '../pipeline.js';

export const RESULT_KINDS = ['video', 'audio', 'midi', 'cues', 'report', 'markers', 'edl', 'preview', 'stems'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export interface JobFiles {
  folder: string;
  /** The uploaded video, as received. */
  input: string;
  /** The analysis of the first run (VideoTimeline JSON), reused by regenerated jobs. */
  analysis: string;
  poster: string;
  outputFolder: string;
  outputs: OutputPaths;
  /** A browser-playable H.264/AAC copy of the scored video, made only when its own stream is not. */
  preview: string;
  /** The stems' folder (one WAV per role), made only for a job with the option stems; served as one zip. */
  stems: string;
}

export function jobFolder(dataFolder: string, id: string): string {
  return path.join(dataFolder, 'jobs', id);
}

/** `outputFolder`: where the outputs are made (a queue worker makes them in a staging folder, then renames it to out/). */
export function jobFiles(folder: string, videoExtension: string, outputFolder = path.join(folder, 'out')): JobFiles {
  return {
    folder,
    input: path.join(folder, 'input'),
    analysis: path.join(folder, 'analysis.json'),
    poster: path.join(folder, 'poster.jpg'),
    outputFolder,
    outputs: outputsBeside(path.join(outputFolder, `scored${videoExtension}`)),
    preview: path.join(outputFolder, 'preview.mp4'),
    stems: stemsFolderBeside(path.join(outputFolder, `scored${videoExtension}`)),
  };
}

/** The file behind a result kind (for stems, the folder the zip is made from). */
export function resultFile(files: JobFiles, kind: ResultKind): string {
  return kind === 'preview' ? files.preview : kind === 'stems' ? files.stems : files.outputs[kind];
}

/** The file name a download gets: the client's name (made safe) + what it is. */
export function downloadName(clientName: string, kind: ResultKind, videoExtension: string): string {
  const stem = path.parse(clientName).name.replace(/[^\p{L}\p{N}._ -]+/gu, '_').slice(0, 80) || 'video';
  const suffix: Record<ResultKind, string> = { video: videoExtension, audio: '.wav', midi: '.mid', cues: '.cues.json', report: '.report.html', markers: '.markers.csv', edl: '.markers.edl', preview: '.preview.mp4', stems: '.stems.zip' };
  return `${stem}.v2m${suffix[kind]}`;
}
