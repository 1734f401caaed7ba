// probe: what is in a media file (duration, streams, frame rate, size, rotation, audio) — and the
// gatekeeper that rejects, with a message that says what to do, anything that is not a usable video.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { badInput } from '../errors.js';
import { mediaPath, runTool } from './run.js';

/** v2m scores videos at least this long; shorter clips leave no room for a single bar of music. */
export const MIN_VIDEO_SECONDS = 1;
/** …and at most this long: a longer claim is a damaged header far more often than a real film (and hours of synthesis). */
export const MAX_VIDEO_SECONDS = 4 * 3600;

/** Codecs ffprobe reports for still images (a PNG or JPEG has one "video" stream of one frame). */
const STILL_IMAGE_CODECS = new Set(['png', 'mjpeg', 'bmp', 'tiff', 'webp', 'gif', 'jpeg2000', 'pam', 'ppm', 'pgm']);

export interface MediaStream {
  index: number;
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'other';
  codec: string;
}

export interface VideoStreamInfo {
  codec: string;
  /** Coded size, before rotation. */
  width: number;
  height: number;
  /** Size as displayed, after rotation. */
  displayWidth: number;
  displayHeight: number;
  framesPerSecond: number;
  /** Clockwise rotation the player applies (0, 90, 180, 270). */
  rotationDegrees: number;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRateHz: number;
  channels: number;
}

/** The record `probe` returns: plain data, JSON-serialisable. */
export interface MediaInfo {
  path: string;
  formatName: string;
  sizeBytes: number;
  /** Length of the video stream in seconds (the container's when the stream does not say). */
  duration: number;
  video: VideoStreamInfo;
  audio: AudioStreamInfo | null;
  hasAudio: boolean;
  streams: MediaStream[];
  /** The caller accepts a damaged file: decode errors then warn instead of failing (set by the caller, never by probe). */
  allowDamaged?: boolean;
}

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
}

/** Probes `file` and returns its MediaInfo, or throws a BAD_INPUT V2mError saying what is wrong. */
export async function probe(file: string): Promise<MediaInfo> {
  const sizeBytes = await checkReadableFile(file);
  const output = await runFfprobe(file);
  return toMediaInfo(file, sizeBytes, output);
}

async function checkReadableFile(file: string): Promise<number> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw badInput(`No such file: '${file}'. Check the path and try again.`);
  }
  if (info.isDirectory()) throw badInput(`'${file}' is a folder, not a video file. Give the path of a video file.`);
  if (!info.isFile()) throw badInput(`'${file}' is not a regular file. Give the path of a video file.`);
  if (info.size === 0) throw badInput(`'${file}' is empty (0 bytes). Give a video file that has content.`);
  await access(file, constants.R_OK).catch(() => {
    throw badInput(`'${file}' cannot be read: you have no permission to read it. Check its permissions (chmod) and try again.`);
  });
  return info.size;
}

async function runFfprobe(file: string): Promise<FfprobeOutput> {
  const args = ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', mediaPath(file)];
  const { stdout } = await runTool('ffprobe', args, (tail) =>
    badInput(
      `'${file}' is not a video v2m can read (ffprobe says: ${tail}). ` +
        'Give a video file such as MP4, MOV, MKV or WebM; if it is one, it may be truncated or corrupt.',
    ),
  );
  try {
    return JSON.parse(stdout) as FfprobeOutput;
  } catch (error) {
    throw badInput(`'${file}' could not be probed: ffprobe printed no readable description. Is it a video file?`, error);
  }
}

function toMediaInfo(file: string, sizeBytes: number, output: FfprobeOutput): MediaInfo {
  const rawStreams = output.streams ?? [];
  const streams = rawStreams.map(toMediaStream);
  const videoStream = rawStreams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audioStream = rawStreams.find((s) => s.codec_type === 'audio');
  const formatName = output.format?.format_name ?? 'unknown';

  if (!videoStream) {
    const what = audioStream ? 'has only audio and no video stream' : 'has no video stream';
    throw badInput(`'${file}' ${what}. v2m writes music for pictures: give it a video file.`);
  }
  const codec = videoStream.codec_name ?? 'unknown';
  if (STILL_IMAGE_CODECS.has(codec) && (formatName.includes('image2') || formatName.endsWith('_pipe') || videoStream.nb_frames === '1')) {
    throw badInput(`'${file}' is a still image (${codec}), not a video. Give a video file (MP4, MOV, MKV, WebM…).`);
  }

  const duration = firstPositive(videoStream.duration, output.format?.duration);
  if (duration === undefined) {
    throw badInput(`'${file}' does not say how long it is; it may be truncated or a still image. Re-export it as MP4 and try again.`);
  }
  if (duration < MIN_VIDEO_SECONDS) {
    throw badInput(`'${file}' is ${duration.toFixed(2)} s long; v2m needs at least ${MIN_VIDEO_SECONDS} s of video.`);
  }
  if (duration > MAX_VIDEO_SECONDS) {
    throw badInput(`'${file}' says it is ${(duration / 3600).toFixed(1)} hours long; v2m scores videos of up to ${MAX_VIDEO_SECONDS / 3600} hours. If it is shorter, its header is damaged: re-export it.`);
  }

  const framesPerSecond = parseRate(videoStream.avg_frame_rate) ?? parseRate(videoStream.r_frame_rate);
  if (!framesPerSecond || !videoStream.width || !videoStream.height) {
    throw badInput(`'${file}' has a video stream without a frame size or frame rate; it may be corrupt.`);
  }
  const rotationDegrees = readRotation(videoStream);
  const sideways = rotationDegrees === 90 || rotationDegrees === 270;

  return {
    path: file,
    formatName,
    sizeBytes,
    duration,
    video: {
      codec,
      width: videoStream.width,
      height: videoStream.height,
      displayWidth: sideways ? videoStream.height : videoStream.width,
      displayHeight: sideways ? videoStream.width : videoStream.height,
      framesPerSecond,
      rotationDegrees,
    },
    audio: audioStream
      ? {
          codec: audioStream.codec_name ?? 'unknown',
          sampleRateHz: Number(audioStream.sample_rate ?? 0),
          channels: audioStream.channels ?? 0,
        }
      : null,
    hasAudio: audioStream !== undefined,
    streams,
  };
}

function toMediaStream(stream: FfprobeStream): MediaStream {
  const known = ['video', 'audio', 'subtitle', 'data'] as const;
  const type = known.find((t) => t === stream.codec_type) ?? 'other';
  return { index: stream.index, type, codec: stream.codec_name ?? 'unknown' };
}

function firstPositive(...values: Array<string | undefined>): number | undefined {
  for (const value of values) {
    const parsed = Number(value);
    if (value !== undefined && Number.isFinite(parsed) && parsed > 0) return parsed;
  }
  return undefined;
}

/** ffprobe writes rates as fractions ("30000/1001"); "0/0" means unknown. */
export function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [numerator, denominator] = rate.split('/').map(Number);
  if (!numerator || !denominator || !Number.isFinite(numerator / denominator)) return undefined;
  return numerator / denominator;
}

/** Rotation lives in a `rotate` tag (older muxers) or a display-matrix side data (newer ones). */
function readRotation(stream: FfprobeStream): number {
  const fromTag = Number(stream.tags?.rotate);
  const fromMatrix = stream.side_data_list?.find((d) => d.side_data_type === 'Display Matrix')?.rotation;
  // The display matrix states the counter-clockwise angle; the tag states the clockwise one.
  const clockwise = Number.isFinite(fromTag) ? fromTag : fromMatrix !== undefined ? -fromMatrix : 0;
  return ((Math.round(clockwise / 90) * 90) % 360 + 360) % 360;
}
