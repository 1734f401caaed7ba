// preview: a small H.264/AAC copy of a scored video for a browser's player, made only when the scored
// video's own stream is one browsers do not decode (MPEG-4 Part 2, MPEG-2, Theora, VP8 in Matroska…).
// The scored video itself stays a bit-for-bit copy of the input's picture; the preview is a convenience.

import { internalError } from '../errors.js';
import { mediaPath, spawnTool } from './run.js';

/** Codecs every current browser plays in an MP4 or WebM; anything else gets a preview. */
const BROWSER_VIDEO_CODECS = new Set(['h264', 'vp9', 'av1']);

/** Whether a page can play a scored video as it is: a browser codec in a browser container. */
export function isBrowserPlayable(codec: string, container: string): boolean {
  const extension = container.toLowerCase();
  return BROWSER_VIDEO_CODECS.has(codec) && (extension === '.mp4' || extension === '.webm');
}

export interface PreviewOptions {
  /** The scored video (any codec ffmpeg decodes). */
  input: string;
  /** An .mp4 path. */
  output: string;
  /** Widest picture, in pixels; narrower videos keep their width. */
  maxWidth?: number;
  /** ffmpeg is killed after this long: a preview is never worth a job that does not end. */
  deadlineMs?: number;
}

export async function makePreview(options: PreviewOptions): Promise<void> {
  const maxWidth = options.maxWidth ?? 640;
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error', '-y',
    '-fflags', '+genpts',
    '-i', mediaPath(options.input),
    '-map', '0:v:0', '-map', '0:a:0?',
    // Even dimensions (yuv420p needs them), never wider than the input.
    '-vf', `scale='min(${maxWidth},iw)':-2,format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26',
    '-c:a', 'aac', '-b:a', '128k',
    '-movflags', '+faststart',
    '-f', 'mp4',
    mediaPath(options.output),
  ];
  const child = spawnTool('ffmpeg', args, ['ignore', 'ignore', 'pipe']);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-1000);
  });
  const deadlineMs = options.deadlineMs ?? 10 * 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (timedOut) throw internalError(`the browser preview of '${options.input}' took more than ${Math.round(deadlineMs / 1000)} s`);
  if (code !== 0) throw internalError(`could not make a browser preview of '${options.input}': ${stderr.trim()}`);
}
