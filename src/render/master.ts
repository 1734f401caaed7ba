// master: the finished track — exactly the video's length, a short fade on the last frame, and
// loudness-normalised (EBU R128) so it plays as loud as other online video without clipping.

import { measureWhileWritten, normaliseLoudness, WAV_16_BIT, type AudioEncoding, type LoudnessMeasurement, type MasteredLoudness, type RawPcmFile, type StreamedLoudness } from '../media/audio.js';
import { internalError, usageError } from '../errors.js';
import { mediaPath, runTool } from '../media/run.js';

/** The music file's formats (`--audio-format`): 16-bit WAV is the default, what every editor reads. */
export const AUDIO_FORMATS = ['wav', 'wav24', 'flac', 'mp3'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

interface AudioFormatSpec {
  extension: '.wav' | '.flac' | '.mp3';
  encoding: AudioEncoding;
}

/** MP3 at 320 kb/s, LAME's highest constant rate: the master is heard as it was measured, less the codec's loss. */
const MP3_BITRATE = '320k';

export const AUDIO_FORMAT_SPECS: Record<AudioFormat, AudioFormatSpec> = {
  wav: { extension: '.wav', encoding: WAV_16_BIT },
  wav24: { extension: '.wav', encoding: { outputArgs: ['-c:a', 'pcm_s24le', '-f', 'wav'], lossy: false } },
  // 24-bit FLAC: ffmpeg's FLAC encoder takes 24-bit samples in s32 with the raw depth set.
  flac: { extension: '.flac', encoding: { outputArgs: ['-c:a', 'flac', '-sample_fmt', 's32', '-bits_per_raw_sample', '24', '-f', 'flac'], lossy: false } },
  mp3: { extension: '.mp3', encoding: { outputArgs: ['-c:a', 'libmp3lame', '-b:a', MP3_BITRATE, '-f', 'mp3'], lossy: true } },
};

/**
 * Refuses (exit 2) a format v2m does not know, or MP3 when the ffmpeg in use was built without LAME —
 * before any work. Only MP3 asks ffmpeg (one start); the others are built into every ffmpeg.
 */
export async function checkAudioFormat(format: string): Promise<void> {
  if (!(AUDIO_FORMATS as readonly string[]).includes(format)) {
    throw usageError(`Unknown --audio-format '${format}'. Choose one of: ${AUDIO_FORMATS.join(', ')}.`);
  }
  if (format !== 'mp3') return;
  const { stdout } = await runTool('ffmpeg', ['-hide_banner', '-nostdin', '-encoders']);
  if (!/^\s*A\S*\s+libmp3lame\s/m.test(stdout)) {
    throw usageError("--audio-format mp3 needs an ffmpeg built with libmp3lame, and the one v2m uses has no MP3 encoder. Choose wav, wav24 or flac, or point FFMPEG_PATH at an ffmpeg with LAME.");
  }
}

export interface MasterOptions {
  /** Integrated loudness target in LUFS (-14 is what the big video platforms normalise to). */
  targetLufs: number;
  /** Ceiling for true peaks, in dBTP; a little under -1 leaves room for the AAC encoder's overshoot. */
  truePeakDbtp: number;
  /** Longest fade-out; short videos get a fade of at most a sixth of their length. */
  fadeOutSeconds: number;
  sampleRateHz: number;
}

export const DEFAULT_MASTER: MasterOptions = { targetLufs: -14, truePeakDbtp: -1.5, fadeOutSeconds: 2, sampleRateHz: 48000 };

/**
 * `startSeconds`: where the track starts in `raw` (a loop's middle cycle, render/loop); default 0.
 * `measured`: the raw track's loudness, taken while it was synthesized (measureForMaster); else measured here.
 */
export async function master(
  raw: RawPcmFile,
  output: string,
  durationSeconds: number,
  format: AudioFormat = 'wav',
  options: MasterOptions = DEFAULT_MASTER,
  startSeconds?: number,
  measured?: LoudnessMeasurement,
): Promise<MasteredLoudness> {
  const shape = masterShape(durationSeconds, options, startSeconds);
  return normaliseLoudness({ input: raw, output, encoding: AUDIO_FORMAT_SPECS[format].encoding, ...shape, targetLufs: options.targetLufs, truePeakDbtp: options.truePeakDbtp }, measured);
}

/**
 * The master's first measurement, taken while the synthesizer writes the raw stereo track (fed its
 * blocks): give `master` the same length, options and start, and what `finish()` returns.
 */
export function measureForMaster(durationSeconds: number, options: MasterOptions = DEFAULT_MASTER, startSeconds?: number): StreamedLoudness {
  return measureWhileWritten(masterShape(durationSeconds, options, startSeconds), 2);
}

function masterShape(durationSeconds: number, options: MasterOptions, startSeconds: number | undefined) {
  return { durationSeconds, startSeconds, fadeOutSeconds: Math.min(options.fadeOutSeconds, durationSeconds / 6), sampleRateHz: options.sampleRateHz };
}

export interface Placement {
  /** The finished music file (any format v2m writes). */
  music: string;
  /** A 16-bit WAV exactly the video's length, to mux. */
  output: string;
  /** Where the music starts in the video, seconds. */
  startSeconds: number;
  videoSeconds: number;
  /** A loop plays over and over from its start up to here; other music plays once. */
  repeatUntilSeconds?: number;
}

/** Music still playing at the video's end fades out over this long there (or all of what is left of it, if less). */
export const VIDEO_END_FADE_SECONDS = 1;

/**
 * The music as the scored video carries it, when it is not the video's own length and start: silent
 * before `startSeconds` and after it ends (the video's own sound, with --mux mix), a loop repeated up
 * to `repeatUntilSeconds`, and music that runs past the video's end faded out on its last second.
 * One ffmpeg start.
 */
export async function placeInVideo(placement: Placement, musicSeconds: number): Promise<void> {
  const sampleRateHz = DEFAULT_MASTER.sampleRateHz;
  const totalSamples = Math.round(placement.videoSeconds * sampleRateHz);
  const loops = placement.repeatUntilSeconds !== undefined;
  const playedSeconds = loops ? placement.repeatUntilSeconds! - placement.startSeconds : musicSeconds;
  const endsAt = Math.min(placement.videoSeconds, placement.startSeconds + playedSeconds);
  const cut = placement.startSeconds + playedSeconds > placement.videoSeconds + 1e-3;
  const fade = loops || cut ? Math.min(VIDEO_END_FADE_SECONDS, endsAt - placement.startSeconds) : 0;
  const filters = [
    `aresample=${sampleRateHz}`,
    'aformat=channel_layouts=stereo',
    `atrim=end_sample=${Math.round(playedSeconds * sampleRateHz)}`,
    ...(fade > 0 ? [`afade=t=out:st=${(endsAt - placement.startSeconds - fade).toFixed(4)}:d=${fade.toFixed(4)}`] : []),
    // Both channels, to the millisecond (the ffmpeg builds in use take no `all=1`).
    `adelay=${Math.round(placement.startSeconds * 1000)}|${Math.round(placement.startSeconds * 1000)}`,
    `apad=whole_len=${totalSamples}`,
    `atrim=end_sample=${totalSamples}`,
  ];
  const args = [
    '-hide_banner', '-nostdin', '-y',
    // A loop is read over and over; the trim above ends it.
    ...(loops ? ['-stream_loop', '-1'] : []),
    '-i', mediaPath(placement.music),
    '-map', '0:a:0', '-af', filters.join(','), '-ac', '2',
    ...WAV_16_BIT.outputArgs, mediaPath(placement.output),
  ];
  await runTool('ffmpeg', args, (tail) => internalError(`could not place the music in the video's length: ${tail}`));
}
