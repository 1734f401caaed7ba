// mux: writes the scored video — the input's video stream copied bit for bit (no re-encode) and the
// music as AAC, either replacing the original sound or mixed over it at a chosen gain, the music then
// lowered where the original has speech (duck.ts: a precomputed envelope applied in JavaScript, so
// the mux stays one ffmpeg start). Only when the chosen container cannot hold the input's stream (VP8
// or Theora in an MP4…) is the picture re-encoded to H.264, at settings that keep its quality.

import path from 'node:path';
import type { SpeechSpan } from '../analysis/speech.js';
import { badInput } from '../errors.js';
import { writeDuckedMusic, type DuckingSettings } from './duck.js';
import type { MediaInfo } from './probe.js';
import { mediaPath, runTool } from './run.js';

export type MuxMode = 'replace' | 'mix';

export interface MuxOptions {
  video: MediaInfo;
  /** The finished music (a WAV file the length of the video). */
  music: string;
  output: string;
  mode: MuxMode;
  /** Gain of the original sound under the music in `mix` mode, in dB (e.g. -12). */
  originalGainDb: number;
  audioBitrateKbps: number;
  /** Re-encode the picture to H.264 instead of copying it (the output's container cannot hold the input's stream). */
  reencodeVideo?: boolean;
  /** In `mix` mode: lower the music under these speech spans (the music file itself is left as it is). */
  ducking?: MuxDucking;
}

export interface MuxDucking {
  spans: readonly SpeechSpan[];
  settings: DuckingSettings;
  /** The music's sample rate (v2m's WAV is read as it is at this rate, without ffmpeg). */
  sampleRateHz: number;
  /** Where the ducked music is written for ffmpeg to read (a work folder removed after the run). */
  workFolder: string;
}

/**
 * Visually lossless for most pictures (x264's CRF 18) at x264's default speed; yuv420p (which needs
 * even sides: an odd one loses its last pixel row) is what every player decodes.
 */
const H264_ARGS = ['-vf', "crop='trunc(iw/2)*2':'trunc(ih/2)*2':0:0,format=yuv420p", '-c:v', 'libx264', '-crf', '18', '-preset', 'medium'];

export async function mux(options: MuxOptions): Promise<void> {
  const mixing = options.mode === 'mix' && options.video.hasAudio;
  const musicInput = mixing && options.ducking ? await duckedMusicInput(options.music, options.ducking) : ['-i', mediaPath(options.music)];
  const audioArgs = mixing
    ? [
        '-filter_complex',
        // amix divides each input by the count of inputs still playing; the final volume=2 undoes that
        // for two. The original sound is padded with silence so that it never stops before the music
        // (an original track shorter than the video left the music alone, and 6 dB louder, after it ended).
        `[0:a:0]volume=${options.originalGainDb}dB,apad[original];` +
          '[1:a:0][original]amix=inputs=2:duration=first:dropout_transition=0,volume=2[mixed]',
        '-map', '0:v:0', '-map', '[mixed]',
      ]
    : ['-map', '0:v:0', '-map', '1:a:0'];
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error', '-y',
    // AVI packets (MPEG-4 Part 2 above all) carry no timestamps; Matroska and MP4 need them, so the
    // demuxer makes them up from the frame rate where they are missing.
    '-fflags', '+genpts',
    '-i', mediaPath(options.video.path),
    ...musicInput,
    ...audioArgs,
    ...(options.reencodeVideo ? H264_ARGS : ['-c:v', 'copy']),
    '-c:a', 'aac', '-b:a', `${options.audioBitrateKbps}k`,
    '-map_metadata', '0',
    ...(containerFormat(options.output) === 'matroska' ? [] : ['-movflags', '+faststart']),
    '-f', containerFormat(options.output),
    mediaPath(options.output),
  ];
  // The outputs' folder was checked before the run and a full disk is recognised by runTool, so what
  // remains is the input's own stream refusing to be copied: a damaged input.
  await runTool('ffmpeg', args, (tail) =>
    badInput(`The video stream of '${options.video.path}' could not be ${options.reencodeVideo ? 're-encoded' : 'copied'} into the scored video (ffmpeg says: ${tail}). The file may be damaged; re-export it and try again.`),
  );
}

/** ffmpeg's input arguments for the music lowered under speech: raw 16-bit PCM written beside the work files. */
async function duckedMusicInput(music: string, ducking: MuxDucking): Promise<string[]> {
  const ducked = await writeDuckedMusic(music, ducking.spans, ducking.settings, path.join(ducking.workFolder, 'ducked-music.s16'), ducking.sampleRateHz);
  return ['-f', 's16le', '-ar', String(ducked.sampleRateHz), '-ac', String(ducked.channels), '-i', mediaPath(ducked.path)];
}

/** ffmpeg muxer for the output's extension; temporary names keep the extension, so this is safe on them. */
function containerFormat(output: string): 'mp4' | 'mov' | 'matroska' {
  const lower = output.toLowerCase();
  if (lower.endsWith('.mkv')) return 'matroska';
  return lower.endsWith('.mov') ? 'mov' : 'mp4';
}
