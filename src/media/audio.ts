// Audio through ffmpeg: loudness measurement (EBU R128 integrated loudness and true peak) and the
// two-pass loudness normalisation that turns the synthesizer's raw output into a finished track.

import { internalError } from '../errors.js';
import { runTool } from './run.js';

/** Raw interleaved 32-bit float PCM, as the synthesizer writes it. */
export interface RawPcmFile {
  path: string;
  sampleRateHz: number;
  channels: number;
}

export interface LoudnessMeasurement {
  integratedLufs: number;
  truePeakDbtp: number;
  loudnessRangeLu: number;
}

export interface NormaliseOptions {
  input: RawPcmFile;
  /** A WAV file path; written by ffmpeg as 16-bit PCM. */
  output: string;
  durationSeconds: number;
  fadeOutSeconds: number;
  targetLufs: number;
  truePeakDbtp: number;
  sampleRateHz: number;
}

/** EBU R128 of `file` (any format ffmpeg reads), measured by ffmpeg's ebur128 filter. */
export async function measureLoudness(file: string): Promise<LoudnessMeasurement> {
  const args = ['-hide_banner', '-nostdin', '-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'];
  const { stderr } = await runTool('ffmpeg', args, (tail) => internalError(`could not measure the loudness of '${file}': ${tail}`));
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integratedLufs = readNumber(summary, /I:\s+(-?[\d.]+|-inf) LUFS/);
  const loudnessRangeLu = readNumber(summary, /LRA:\s+(-?[\d.]+) LU/);
  const truePeakDbtp = readNumber(summary, /Peak:\s+(-?[\d.]+|-inf) dBFS/);
  return { integratedLufs, truePeakDbtp, loudnessRangeLu };
}

/**
 * Writes `output`: the input cut or padded to exactly `durationSeconds`, faded out at the end, and
 * normalised to `targetLufs` with true peaks at most `truePeakDbtp` (ffmpeg loudnorm, two passes:
 * the first measures, the second applies the measured values).
 */
export async function normaliseLoudness(options: NormaliseOptions): Promise<void> {
  const totalSamples = Math.round(options.durationSeconds * options.sampleRateHz);
  const fadeStart = Math.max(0, options.durationSeconds - options.fadeOutSeconds);
  const shape = [
    `aresample=${options.sampleRateHz}`,
    `apad=whole_len=${totalSamples}`,
    `atrim=end_sample=${totalSamples}`,
    `afade=t=out:st=${fadeStart.toFixed(4)}:d=${options.fadeOutSeconds.toFixed(4)}`,
  ].join(',');
  const target = `I=${options.targetLufs}:TP=${options.truePeakDbtp}:LRA=20`;
  const inputArgs = rawInputArgs(options.input);

  const firstPass = await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostdin', ...inputArgs, '-af', `${shape},loudnorm=${target}:print_format=json`, '-f', 'null', '-'],
    (tail) => internalError(`loudness measurement failed: ${tail}`),
  );
  const measured = readLoudnormJson(firstPass.stderr);
  const apply = [
    `loudnorm=${target}`,
    `measured_I=${measured.input_i}`,
    `measured_TP=${measured.input_tp}`,
    `measured_LRA=${measured.input_lra}`,
    `measured_thresh=${measured.input_thresh}`,
    `offset=${measured.target_offset}`,
    'linear=true',
  ].join(':');
  // loudnorm works at 192 kHz; resample back and re-assert the exact length after it.
  const after = `aresample=${options.sampleRateHz},apad=whole_len=${totalSamples},atrim=end_sample=${totalSamples}`;
  await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-y', ...inputArgs, '-af', `${shape},${apply},${after}`, '-c:a', 'pcm_s16le', '-f', 'wav', options.output],
    (tail) => internalError(`loudness normalisation failed: ${tail}`),
  );
}

function rawInputArgs(input: RawPcmFile): string[] {
  return ['-f', 'f32le', '-ar', String(input.sampleRateHz), '-ac', String(input.channels), '-i', input.path];
}

interface LoudnormReport {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

function readLoudnormJson(stderr: string): LoudnormReport {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw internalError('ffmpeg loudnorm printed no measurement.');
  const report = JSON.parse(stderr.slice(start, end + 1)) as LoudnormReport;
  // A silent track measures -inf; loudnorm cannot lift silence, so say so instead of failing later.
  if (!Number.isFinite(Number(report.input_i))) {
    throw internalError('the rendered music is silent, so it cannot be normalised. This is a bug in v2m: please report it.');
  }
  return report;
}

function readNumber(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  if (!match?.[1]) throw internalError(`could not read ${pattern.source} from ffmpeg's ebur128 summary.`);
  return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
}
