// thumbnail: one frame of a video as a small JPEG, for the report's poster (embedded, so the report
// stays one self-contained file).

import { internalError } from '../errors.js';
import { mediaPath, spawnTool } from './run.js';

export async function jpegThumbnail(file: string, atSeconds: number, width = 640): Promise<Uint8Array> {
  const args = ['-v', 'error', '-nostdin', '-ss', atSeconds.toFixed(3), '-i', mediaPath(file), '-frames:v', '1', '-vf', `scale=${width}:-2`, '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '6', 'pipe:1'];
  const child = spawnTool('ffmpeg', args, ['ignore', 'pipe', 'ignore']);
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout! as AsyncIterable<Buffer>) chunks.push(chunk);
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));
  if (code !== 0 || chunks.length === 0) throw internalError(`could not take a thumbnail of '${file}' at ${atSeconds} s`);
  return Buffer.concat(chunks);
}
