// Audio through ffmpeg: loudness measurement (EBU R128 integrated loudness and true peak, ffmpeg's
// ebur128 filter) and the normalisation that turns the synthesizer's raw output into a finished track.

import type { Writable } from 'node:stream';
import { internalError } from '../errors.js';
import { keepTail, mediaPath, runTool, spawnTool } from './run.js';

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
  /** The file to write: a 16-bit WAV unless `encoding` says otherwise. */
  output: string;
  encoding?: AudioEncoding;
  durationSeconds: number;
  /**
   * Where the track starts in the input (a loop's middle cycle): cut out after the gain and the
   * limiter, with the limiter's look-ahead delay undone, so that the cut lands on the exact sample
   * and the limiter's first, empty look-ahead stays outside it. Default: the input's start.
   */
  startSeconds?: number;
  fadeOutSeconds: number;
  targetLufs: number;
  truePeakDbtp: number;
  sampleRateHz: number;
}

/** How the finished track is written. */
export interface AudioEncoding {
  /** ffmpeg's output arguments before the file name: codec, sample format, bit rate, muxer. */
  outputArgs: string[];
  /** A lossy codec moves the peaks: the written file is decoded and measured again, and that figure counts. */
  lossy: boolean;
}

export const WAV_16_BIT: AudioEncoding = { outputArgs: ['-c:a', 'pcm_s16le', '-f', 'wav'], lossy: false };
/** Raw interleaved 32-bit float, for work files that are read back by v2m. */
export const RAW_FLOAT: AudioEncoding = { outputArgs: ['-c:a', 'pcm_f32le', '-f', 'f32le'], lossy: false };

/** Passes raw PCM through `filters` into another raw float file (one ffmpeg start). */
export async function filterRaw(input: RawPcmFile, filters: string, output: string): Promise<RawPcmFile> {
  const args = ['-hide_banner', '-nostdin', '-y', ...rawInputArgs(input), '-af', filters, ...RAW_FLOAT.outputArgs, mediaPath(output)];
  await runTool('ffmpeg', args, (tail) => internalError(`could not write '${output}': ${tail}`));
  return { ...input, path: output };
}

/** EBU R128 of `file` (any format ffmpeg reads), measured by ffmpeg's ebur128 filter. */
export async function measureLoudness(file: string): Promise<LoudnessMeasurement> {
  return runEbur128(['-i', mediaPath(file), '-map', '0:a:0'], 'anull', `the loudness of '${file}'`);
}

/** Samples may peak this far under the true-peak ceiling: inter-sample peaks rise up to ~0.5 dB above them. */
const INTER_SAMPLE_HEADROOM_DB = 0.5;
/** Normalisation is redone with a corrected gain if the limiter pulled the loudness further than this off target. */
const LOUDNESS_TOLERANCE_LU = 0.3;
const MAX_GAIN_PASSES = 3;

/** What the master did, besides what it measured: the gain it applied, and whether a limiter shaped the peaks. */
export interface MasteredLoudness extends LoudnessMeasurement {
  gainDb: number;
  /** The limiter filter the mix went through after the gain ('' when none was needed). */
  limiter: string;
}

/** The limiter's look-ahead: it delays what it passes by this much (the ffmpeg in use has no latency compensation). */
export const LIMITER_ATTACK_MS = 5;

/** Cut or pad to the exact length, fade out: every file the master writes gets this shape, first. */
function lengthAndFade(options: Pick<NormaliseOptions, 'durationSeconds' | 'fadeOutSeconds' | 'sampleRateHz'>): string {
  const totalSamples = Math.round(options.durationSeconds * options.sampleRateHz);
  const fadeStart = Math.max(0, options.durationSeconds - options.fadeOutSeconds);
  return [
    `aresample=${options.sampleRateHz}`,
    `apad=whole_len=${totalSamples}`,
    `atrim=end_sample=${totalSamples}`,
    ...(options.fadeOutSeconds > 0 ? [`afade=t=out:st=${fadeStart.toFixed(4)}:d=${options.fadeOutSeconds.toFixed(4)}`] : []),
  ].join(',');
}

/** `durationSeconds` from `startSeconds` (later by the limiter's delay when it ran), faded out if asked. */
function cutFrom(options: Pick<NormaliseOptions, 'startSeconds' | 'durationSeconds' | 'fadeOutSeconds' | 'sampleRateHz'>, limited: boolean): string {
  const delay = limited ? Math.round((LIMITER_ATTACK_MS / 1000) * options.sampleRateHz) : 0;
  const start = Math.round((options.startSeconds ?? 0) * options.sampleRateHz) + delay;
  const totalSamples = Math.round(options.durationSeconds * options.sampleRateHz);
  const fadeStart = Math.max(0, options.durationSeconds - options.fadeOutSeconds);
  return [
    `atrim=start_sample=${start}:end_sample=${start + totalSamples}`,
    'asetpts=PTS-STARTPTS',
    `apad=whole_len=${totalSamples}`,
    ...(options.fadeOutSeconds > 0 ? [`afade=t=out:st=${fadeStart.toFixed(4)}:d=${options.fadeOutSeconds.toFixed(4)}`] : []),
  ].join(',');
}

/**
 * Writes `options.output` with the same length, fade and `gainDb` the mix got, and no limiter: a
 * stem, so the stems (linear parts of the mix) add up to it. One ffmpeg start.
 */
export async function applyGain(options: Omit<NormaliseOptions, 'targetLufs' | 'truePeakDbtp'>, gainDb: number): Promise<void> {
  const encoding = options.encoding ?? WAV_16_BIT;
  const args = ['-hide_banner', '-nostdin', '-y', ...rawInputArgs(options.input), '-af', `${lengthAndFade(options)},volume=${gainDb.toFixed(3)}dB`, ...encoding.outputArgs, mediaPath(options.output)];
  await runTool('ffmpeg', args, (tail) => internalError(`could not write '${options.output}': ${tail}`));
}

/**
 * Writes `output`: the input cut or padded to exactly `durationSeconds`, faded out at the end, and
 * normalised to `targetLufs` with true peaks at most `truePeakDbtp`. One ebur128 pass measures (or
 * `measured` says what that pass found while the input was being written: measureWhileWritten); a
 * linear gain and, where the peaks would pass the ceiling, a limiter bring it to target in a pass that
 * writes the file and measures what it writes, and is redone with a corrected gain if the limiter
 * cost loudness (two ffmpeg starts in all, most times).
 */
export async function normaliseLoudness(options: NormaliseOptions, measured?: LoudnessMeasurement): Promise<MasteredLoudness> {
  // From a later start the cut comes after the limiter (cutFrom); otherwise first, as for every file.
  const cutsLater = options.startSeconds !== undefined;
  const shape = cutsLater ? `aresample=${options.sampleRateHz}` : lengthAndFade(options);
  const after = (limited: boolean) => (cutsLater ? `,${cutFrom(options, limited)}` : '');
  const inputArgs = rawInputArgs(options.input);
  const raw = measured ?? (await runEbur128(inputArgs, measuringFilters(options), 'the loudness of the rendered music'));
  if (!Number.isFinite(raw.integratedLufs)) {
    throw internalError('the rendered music is silent, so it cannot be normalised. This is a bug in v2m: please report it.');
  }
  let gainDb = options.targetLufs - raw.integratedLufs;
  let sampleCeilingDb = options.truePeakDbtp - INTER_SAMPLE_HEADROOM_DB;
  let result = raw;
  let appliedLimiter = '';
  let appliedGainDb = gainDb;
  const encoding = options.encoding ?? WAV_16_BIT;
  for (let pass = 0; pass < MAX_GAIN_PASSES; pass++) {
    const limiter = raw.truePeakDbtp + gainDb > sampleCeilingDb
      ? `,alimiter=limit=${dbToLinear(sampleCeilingDb).toFixed(5)}:attack=${LIMITER_ATTACK_MS}:release=50:level=disabled`
      : '';
    appliedLimiter = limiter.slice(1);
    appliedGainDb = gainDb;
    // One pass writes the WAV and measures it: ebur128 passes the audio through on its way to the file.
    result = await runEbur128(
      ['-y', ...inputArgs],
      `${shape},volume=${gainDb.toFixed(3)}dB${limiter}${after(limiter !== '')}`,
      'the normalised music',
      [...encoding.outputArgs, mediaPath(options.output)],
    );
    if (encoding.lossy) result = await measureLoudness(options.output);
    const loudnessOk = Math.abs(result.integratedLufs - options.targetLufs) <= LOUDNESS_TOLERANCE_LU;
    const peakOk = result.truePeakDbtp <= options.truePeakDbtp;
    if (loudnessOk && peakOk) break;
    gainDb += options.targetLufs - result.integratedLufs;
    if (!peakOk) sampleCeilingDb -= result.truePeakDbtp - options.truePeakDbtp + 0.1;
  }
  return { ...result, gainDb: appliedGainDb, limiter: appliedLimiter };
}

/** The shape normaliseLoudness measures before its gain: the length, fade and (a loop's) cut of every file it writes. */
function measuringFilters(options: MeasuredShape): string {
  return options.startSeconds !== undefined ? `aresample=${options.sampleRateHz},${cutFrom(options, false)}` : lengthAndFade(options);
}

type MeasuredShape = Pick<NormaliseOptions, 'durationSeconds' | 'startSeconds' | 'fadeOutSeconds' | 'sampleRateHz'>;

/** Raw audio measured as it is written, block by block (measureWhileWritten). */
export interface StreamedLoudness {
  /** Hands the next interleaved block to the measurement (copied: the caller may reuse its buffer). */
  write(interleaved: Float32Array): Promise<void>;
  /** Ends the input; the measurement, or undefined if it failed (the file is then measured as usual). Called again, the same. */
  finish(): Promise<LoudnessMeasurement | undefined>;
}

/**
 * The measurement normaliseLoudness starts with — the same ffmpeg ebur128 pass over the same shape —
 * taken while the synthesizer writes the raw file, fed through ffmpeg's stdin: synthesis keeps a core
 * busy and leaves part of the other idle, and the master then starts straight with its gain pass.
 * Pass the result to normaliseLoudness as `measured`.
 */
export function measureWhileWritten(shape: MeasuredShape, channels: number): StreamedLoudness {
  const args = ['-hide_banner', '-nostdin', '-f', 'f32le', '-ar', String(shape.sampleRateHz), '-ac', String(channels), '-i', 'pipe:0', '-af', `${measuringFilters(shape)},ebur128=peak=true`, '-f', 'null', '-'];
  const child = spawnTool('ffmpeg', args, ['pipe', 'ignore', 'pipe']);
  const stdin = child.stdin!;
  let stderr = '';
  let spawnFailed = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = keepTail(stderr + chunk.toString('utf8'));
  });
  child.on('error', () => (spawnFailed = true));
  // ffmpeg stops reading once the shape's last sample has passed (the synthesizer's tail is longer), and
  // the pipe then breaks: what is left is not needed. A failed ffmpeg shows in its exit code.
  stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let result: Promise<LoudnessMeasurement | undefined> | undefined;
  return {
    async write(interleaved) {
      if (stdin.destroyed || stdin.writableEnded) return;
      const bytes = Buffer.from(interleaved.buffer.slice(interleaved.byteOffset, interleaved.byteOffset + interleaved.byteLength));
      if (!stdin.write(bytes)) await drainedOrClosed(stdin);
    },
    finish() {
      result ??= (async () => {
        stdin.end();
        const code = await exited;
        if (spawnFailed || code !== 0) return undefined;
        try {
          return readSummary(stderr.slice(stderr.lastIndexOf('Summary:')));
        } catch {
          return undefined;
        }
      })();
      return result;
    },
  };
}

/** Resolves once `stream` can take more, or is gone (ffmpeg ended: the measurement then reports failure). */
function drainedOrClosed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) return resolve();
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}

/** Measures the audio after `filters`; with `outputArgs` it also writes it there, else discards it. */
async function runEbur128(inputArgs: string[], filters: string, what: string, outputArgs = ['-f', 'null', '-']): Promise<LoudnessMeasurement> {
  const args = ['-hide_banner', '-nostdin', ...inputArgs, '-af', `${filters},ebur128=peak=true`, ...outputArgs];
  const { stderr } = await runTool('ffmpeg', args, (tail) => internalError(`could not measure ${what}: ${tail}`));
  return readSummary(stderr.slice(stderr.lastIndexOf('Summary:')));
}

/** The figures of ffmpeg's ebur128 summary. */
function readSummary(summary: string): LoudnessMeasurement {
  return {
    integratedLufs: readNumber(summary, /I:\s+(-?[\d.]+|-inf) LUFS/),
    loudnessRangeLu: readNumber(summary, /LRA:\s+(-?[\d.]+) LU/),
    truePeakDbtp: readNumber(summary, /Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
}

function dbToLinear(db: number): number {
  return 10 ** (db / 20);
}

function rawInputArgs(input: RawPcmFile): string[] {
  return ['-f', 'f32le', '-ar', String(input.sampleRateHz), '-ac', String(input.channels), '-i', mediaPath(input.path)];
}

function readNumber(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  if (!match?.[1]) throw internalError(`could not read ${pattern.source} from ffmpeg's ebur128 summary.`);
  return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
}
