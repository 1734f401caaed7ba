// scoreVideo — the one door: probe → analyze → compose → render → master → mux → cue sheet. Outputs
// are written under temporary names beside their final place and renamed only when all succeeded,
// all or nothing, so a failure never leaves a half-written or clobbered file; every output name is
// checked before any work; an interrupted run removes what it wrote; the input is only ever read.

import { existsSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeVideo, DEFAULT_ANALYSIS } from './analysis/index.js';
import type { VideoTimeline } from './analysis/timeline.js';
import { compose } from './compose/index.js';
import { DEFAULT_OPTIONS, MP4_VIDEO_CODECS, VIDEO_EXTENSIONS, type ScoreOptions } from './config.js';
import { fromSystemError, SIGNAL_EXIT_CODES, usageError } from './errors.js';
import { checkOutputsWritable, removeAllTemporarySync, removeLeftovers, removeTemporary, renameAllOrNothing, temporaryPathFor, trackTemporary, workFolderPrefix } from './files.js';
import { mux } from './media/mux.js';
import { detectSpeech, type SpeechSpan } from './analysis/speech.js';
import { DEFAULT_DUCKING } from './media/duck.js';
import { refuseNewTools, stopAllTools } from './media/run.js';
import { probe, type MediaInfo } from './media/probe.js';
import { jpegThumbnail } from './media/thumbnail.js';
import { analyzeAudio } from './measure/audio.js';
import { pictureEvents, trackMetrics } from './measure/metrics.js';
import { readMidi } from './measure/midi.js';
import { renderAudio, type Stem } from './render/index.js';
import { scoreReportHtml } from './report/html.js';
import { soundFontPath } from './render/soundfont.js';
import { prepareVoices, type VoicesWorker } from './render/voice-threads.js';
import { AUDIO_FORMAT_SPECS, DEFAULT_MASTER, placeInVideo, type AudioFormat } from './render/master.js';
import { checkOptions, checkSpan } from './options.js';
import { fitTimeline } from './analysis/span.js';
import { loopCycleSeconds } from './render/loop.js';
import { cueSheet, type CueSheet, type MusicPlacement } from './report/cues.js';
import { V2M_VERSION } from './version.js';
import { progressReporter, type Progress } from './progress.js';
import { markersCsv, markersEdl } from './report/markers.js';

export type { Progress, Stage } from './progress.js';

export interface OutputPaths {
  video: string;
  audio: string;
  midi: string;
  cues: string;
  report: string;
  /** The cue points for an editor: a CSV and a marker EDL (DaVinci Resolve's form). */
  markers: string;
  edl: string;
}

export interface ScoreResult {
  outputs: OutputPaths;
  cues: CueSheet;
  /** What the analysis saw; pass it back in `ScoreReuse` to score the same video again without decoding it. */
  timeline: VideoTimeline;
  poster?: Uint8Array;
  /** With `stems`: the folder of stems and what it holds. */
  stems?: { folder: string; files: Stem[] };
}

/** Work from an earlier run on the same video (the server's regenerate), and where the report finds the video. */
export interface ScoreReuse {
  timeline?: VideoTimeline;
  poster?: Uint8Array;
  /** The report's link to the scored video; default: its path relative to the report. */
  reportVideoHref?: string;
  /**
   * The input's name as the cue sheet and report show it, for outputs handed to someone else (the
   * server): the cue sheet then names its outputs by file name only, never by server path.
   */
  publicName?: string;
}

/** Videos at least this long start the synthesizer's first thread before their analysis (about a second of decoding at 720p). */
const PREPARE_VOICES_MIN_SECONDS = 20;

export async function scoreVideo(
  input: string,
  options: Partial<ScoreOptions> = {},
  onProgress?: (progress: Progress) => void,
  reuse: ScoreReuse = {},
): Promise<ScoreResult> {
  const settings: ScoreOptions = { ...DEFAULT_OPTIONS, ...options };
  const report = progressReporter(onProgress);
  const controls = await checkOptions(settings);
  report('probe', 0);
  const info = { ...(await probe(input)), allowDamaged: settings.allowDamaged === true };
  const span = checkSpan(settings, info.duration);
  const outputs = outputPaths(info, settings.output, settings.audioFormat, settings.copyVideo === true);
  if (needsReencode(info, outputs.video)) process.emitWarning(reencodeNote(info), 'V2mReencodedVideo');
  await removeLeftovers(path.dirname(outputs.video));
  const musicSeconds = musicSecondsAtMost(settings, info);
  await checkOutputsWritable(Object.values(outputs), outputBytesEstimate(info, musicSeconds), scratchBytesEstimate(musicSeconds, settings.loop === true));
  // The synthesizer's first thread reads the SoundFont (half a second) while the picture is analysed, where
  // the analysis is long enough to hide it and a second core is there; a short video would only pay for the thread.
  const hidesLoad = !reuse.timeline && info.duration >= PREPARE_VOICES_MIN_SECONDS && os.availableParallelism() >= 2;
  const prepared = hidesLoad ? prepareVoices({ soundFont: soundFontPath(settings.soundFont).path, sampleRateHz: DEFAULT_MASTER.sampleRateHz }) : undefined;
  try {
    return await writeOutputs(input, info, span, outputs, settings, controls, report, reuse, prepared);
  } catch (error) {
    throw fromSystemError(error) ?? error;
  } finally {
    await prepared?.stop();
  }
}

async function writeOutputs(
  input: string,
  info: MediaInfo,
  /** The span scored (checkSpan): the whole video unless --from/--to. */
  span: { from: number; to: number },
  outputs: OutputPaths,
  settings: ScoreOptions,
  controls: Awaited<ReturnType<typeof checkOptions>>,
  report: ReturnType<typeof progressReporter>,
  reuse: ScoreReuse,
  /** The synthesizer's first thread, its SoundFont loading meanwhile (prepareVoices); stopped by the caller. */
  prepared: VoicesWorker | undefined,
): Promise<ScoreResult> {
  // Speech in the video's own sound (for ducking) is read while the picture is analysed: another decode, mostly waiting on ffmpeg.
  const speech = settings.mux === 'mix' && settings.duck && info.hasAudio ? detectSpeech(info.path) : undefined;
  speech?.catch(() => undefined); // awaited before the mux; a failure before then must not go unhandled
  const timeline = reuse.timeline ?? (await analyzeVideo(info, { ...DEFAULT_ANALYSIS, faces: settings.faces, objects: settings.objects, onProgress: (f) => report('analyze', f) }));
  // The poster needs only the video: take it now, on the core the synthesizer leaves free.
  const poster = reuse.poster ? Promise.resolve(reuse.poster) : jpegThumbnail(input, Math.min(info.duration / 3, 10)).catch(() => undefined);
  report('compose', 0);
  // The music's own timeline: the span scored (--from/--to) on its own clock, as long as the music (--duration).
  const scored = fitTimeline(timeline, { ...span, duration: settings.duration });
  const composition = compose(scored, { ...controls, seed: settings.seed });

  const temporary = temporaryPaths(outputs);
  trackTemporary(...Object.values(temporary));
  const workFolder = await mkdtemp(workFolderPrefix());
  trackTemporary(workFolder);
  const stemsFolder = settings.stems ? stemsFolderBeside(outputs.video) : undefined;
  const temporaryStems = stemsFolder ? temporaryPathFor(stemsFolder) : undefined;
  if (temporaryStems) trackTemporary(temporaryStems);
  try {
    const { midi, loudness, stems } = await renderAudio({
      score: composition.produced,
      title: path.basename(input),
      soundFont: settings.soundFont,
      audioPath: temporary.audio,
      audioFormat: settings.audioFormat,
      stemsFolder: temporaryStems,
      workFolder,
      loop: settings.loop === true,
      prepared,
      onProgress: report,
    });
    const musicSeconds = settings.loop ? loopCycleSeconds(composition.score.duration, DEFAULT_MASTER.sampleRateHz) : composition.score.duration;
    const placement = musicPlacement(settings, span, info, musicSeconds);
    // The video carries the music where it sits in it, the video's length (placeInVideo); else the file as it is.
    const videoMusic = placement ? path.join(workFolder, 'music-in-video.wav') : temporary.audio;
    if (placement) await placeInVideo({ music: temporary.audio, output: videoMusic, startSeconds: span.from, videoSeconds: info.duration, repeatUntilSeconds: settings.loop ? span.to : undefined }, musicSeconds);
    const speechSpans = await speech;
    report('mux', 0);
    // Muxing (ffmpeg) and listening to the result (mostly JavaScript) use different cores: run them together.
    const [, audio] = await Promise.all([
      mux({ video: info, music: videoMusic, output: temporary.video, mode: settings.mux, originalGainDb: settings.originalGainDb, audioBitrateKbps: 192, reencodeVideo: needsReencode(info, outputs.video), ducking: speechSpans && { spans: speechSpans, settings: duckingSettings(settings), sampleRateHz: DEFAULT_MASTER.sampleRateHz, workFolder } }),
      analyzeAudio(temporary.audio),
    ]);
    await writeFile(temporary.midi, midi);
    const metrics = trackMetrics({ picture: pictureEvents(scored), audio, midi: readMidi(midi), truePeakDbtp: loudness.truePeakDbtp, chords: composition.chords });
    const cues = withVideoNote(info, outputs.video, cueSheet({
      info: reuse.publicName ? { ...info, path: reuse.publicName } : info,
      timeline: scored,
      composition,
      generator: { name: 'v2m', version: V2M_VERSION, soundFont: soundFontPath(settings.soundFont).name },
      outputs: reuse.publicName ? (Object.fromEntries(Object.entries(outputs).map(([kind, file]) => [kind, path.basename(file)])) as unknown as OutputPaths) : outputs,
      audio: { duration: musicSeconds, integratedLufs: loudness.integratedLufs, truePeakDbtp: loudness.truePeakDbtp },
      metrics,
      speech: speechSpans && { spans: fromMusicStart(speechSpans, span.from), ...duckingSettings(settings) },
    }));
    if (placement) cues.placement = placement;
    await writeFile(temporary.cues, `${JSON.stringify(cues, null, 2)}\n`);
    await writeFile(temporary.markers, markersCsv(cues));
    await writeFile(temporary.edl, markersEdl(cues, path.basename(cues.input.path)));
    const videoHref = reuse.reportVideoHref ?? path.relative(path.dirname(outputs.report), outputs.video).split(path.sep).map(encodeURIComponent).join('/');
    await writeFile(temporary.report, scoreReportHtml({ cues, audio, metrics, videoHref, poster: await poster }));
    await renameAllOrNothing((Object.keys(outputs) as Array<keyof OutputPaths>).map((key) => ({ from: temporary[key], to: outputs[key] })));
    // The stems are a folder, placed after the set (renaming a folder over an old one needs the old one aside first).
    const placedStems = stemsFolder && temporaryStems ? { folder: stemsFolder, files: await placeFolder(temporaryStems, stemsFolder, stems) } : undefined;
    report('done', 1);
    return { outputs, cues, timeline, poster: await poster, stems: placedStems };
  } finally {
    await removeTemporary(...Object.values(temporary), workFolder, ...(temporaryStems ? [temporaryStems] : []));
  }
}

/** Speech spans on the cue sheet's clock, the music's (`--from` s into the video): shifted, those before it dropped. */
function fromMusicStart(spans: readonly SpeechSpan[], from: number): SpeechSpan[] {
  return spans.filter((span) => span.end > from).map((span) => ({ start: Math.max(0, span.start - from), end: span.end - from }));
}

/** How the music is lowered under speech with `--mux mix`: the shipped attack and release, the user's depth. */
function duckingSettings(settings: ScoreOptions) {
  return { ...DEFAULT_DUCKING, depthDb: settings.duckDb };
}

/**
 * Where the music sits in the video, when it is not simply the video's length from its start
 * (--from/--to, --duration, --loop): the music starts at `from`; a loop repeats up to `to`; other
 * music plays once, and is followed by silence (the video's own sound with --mux mix) or cut at the
 * video's end with a short fade. Undefined without those options.
 */
function musicPlacement(settings: ScoreOptions, span: { from: number; to: number }, info: MediaInfo, musicSeconds: number): MusicPlacement | undefined {
  if (settings.from === undefined && settings.to === undefined && settings.duration === undefined && !settings.loop) return undefined;
  const after = settings.mux === 'mix' && info.hasAudio ? "the video's own sound" : 'silence';
  const end = span.from + musicSeconds;
  const before = span.from > 0 ? `${after} up to ${span.from.toFixed(2)} s, then ` : '';
  const inVideo = settings.loop
    ? `${before}the ${musicSeconds.toFixed(2)} s loop over and over up to ${span.to.toFixed(2)} s (faded out over its last second), then ${after}`
    : end > info.duration + 1e-3
      ? `${before}the music up to the video's end at ${info.duration.toFixed(2)} s, faded out over its last second (the music file holds all ${musicSeconds.toFixed(2)} s)`
      : `${before}the music, ${musicSeconds.toFixed(2)} s, ending at ${end.toFixed(2)} s${end < info.duration - 1e-3 ? `, then ${after}` : ''}`;
  return { from: span.from, to: span.to, musicSeconds, loop: settings.loop === true, inVideo };
}

/** Bytes the outputs take beside each other: the copied video, the WAV (16-bit stereo), the AAC track, a megabyte for the rest. */
function outputBytesEstimate(info: MediaInfo, musicSeconds: number): number {
  const wavBytesPerSecond = DEFAULT_MASTER.sampleRateHz * 2 * 2;
  const aacBytesPerSecond = (192 * 1000) / 8;
  return info.sizeBytes + musicSeconds * wavBytesPerSecond + info.duration * aacBytesPerSecond + 1024 ** 2;
}

/** Bytes of the raw synthesizer output (32-bit float stereo, half a second past the end; a loop's two cycles) in the temp folder. */
function scratchBytesEstimate(musicSeconds: number, loop: boolean): number {
  return ((loop ? 2 : 1) * musicSeconds + 1) * DEFAULT_MASTER.sampleRateHz * 2 * 4;
}

/** The longest the music can be: --duration, else the span or the video (a loop rounds up by at most half a bar of 40 BPM). */
function musicSecondsAtMost(settings: ScoreOptions, info: MediaInfo): number {
  const loopRounding = settings.loop ? 3 : 0;
  return (settings.duration ?? Math.min(settings.to ?? info.duration, info.duration) - (settings.from ?? 0)) + loopRounding;
}

/**
 * A `score` run stopped by SIGINT, SIGTERM or SIGHUP ends its ffmpeg processes (by their own pids),
 * removes its temporary outputs and work folder, and exits 130, 143 or 129. Installed by the CLI; a
 * library user decides for itself what its signals do.
 */
export function stopCleanlyOnSignals(): void {
  let stopping = false;
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as Array<keyof typeof SIGNAL_EXIT_CODES>) {
    process.on(signal, () => {
      if (stopping) return; // a second Ctrl-C while cleaning up changes nothing
      stopping = true;
      refuseNewTools();
      void stopAllTools().finally(() => {
        removeAllTemporarySync();
        process.stderr.write(`\nv2m: stopped by ${signal}; nothing was written.\n`);
        process.exit(SIGNAL_EXIT_CODES[signal]);
      });
    });
  }
}

/**
 * Where the outputs go; refuses paths that would overwrite the input or need a missing folder,
 * and, with `copyVideo`, an MP4/MOV for a stream that only a re-encode would fit in.
 */
export function outputPaths(info: MediaInfo, output: string | undefined, audioFormat: AudioFormat = 'wav', copyVideo = false): OutputPaths {
  const input = info.path;
  const fitsMp4 = scoredVideoExtension(info) === '.mp4';
  const video = path.resolve(output ?? defaultOutput(input, scoredVideoExtension(info)));
  const extension = path.extname(video).toLowerCase();
  if (!(VIDEO_EXTENSIONS as readonly string[]).includes(extension)) {
    throw usageError(`The output '${video}' must end in ${VIDEO_EXTENSIONS.join(', ')}: the scored video keeps the input's video stream in an MP4, MOV or MKV container.`);
  }
  if (extension !== '.mkv' && !fitsMp4 && copyVideo) {
    throw usageError(
      `The video stream of '${input}' is ${info.video.codec}, which an ${extension.slice(1).toUpperCase()} file cannot hold without re-encoding, ` +
        `and v2m copies the picture untouched. Write a Matroska file instead: -o ${path.basename(video, extension)}.mkv`,
    );
  }
  const folder = path.dirname(video);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw usageError(`The output folder '${folder}' does not exist. Create it first or choose another output path with -o.`);
  }
  const outputs = outputsBeside(video, audioFormat);
  const inputReal = realpathSync(input);
  for (const file of Object.values(outputs)) {
    if (path.resolve(file) === inputReal || (existsSync(file) && realpathSync(file) === inputReal)) {
      throw usageError(`The output '${file}' is the input file; v2m never overwrites its input. Choose another output path with -o.`);
    }
  }
  return outputs;
}

/** An MP4/MOV output for a stream those cannot hold (VP8, Theora, Cinepak…): its picture is re-encoded to H.264. */
export function needsReencode(info: MediaInfo, video: string): boolean {
  return path.extname(video).toLowerCase() !== '.mkv' && scoredVideoExtension(info) !== '.mp4';
}

function reencodeNote(info: MediaInfo): string {
  return `the picture (${info.video.codec}) does not fit in an MP4/MOV as it is, so it is re-encoded to H.264 (x264, CRF 18); write a .mkv, or pass --copy-video, to keep it untouched.`;
}

/** The cue sheet says when the scored video's picture is a re-encode rather than the input's own stream. */
function withVideoNote(info: MediaInfo, video: string, cues: CueSheet): CueSheet {
  return needsReencode(info, video) ? { ...cues, videoNote: reencodeNote(info) } : cues;
}

/** MP4 when the input's video stream fits one as it is (it is copied, never re-encoded), else Matroska. */
export function scoredVideoExtension(info: MediaInfo): '.mp4' | '.mkv' {
  return (MP4_VIDEO_CODECS as readonly string[]).includes(info.video.codec) ? '.mp4' : '.mkv';
}

/** The music file (its extension from the format), MIDI, cue sheet, report and marker files beside a scored video, with its stem. */
export function outputsBeside(video: string, audioFormat: AudioFormat = 'wav'): OutputPaths {
  const stem = video.slice(0, -path.extname(video).length);
  return { video, audio: `${stem}${AUDIO_FORMAT_SPECS[audioFormat].extension}`, midi: `${stem}.mid`, cues: `${stem}.cues.json`, report: `${stem}.report.html`, markers: `${stem}.markers.csv`, edl: `${stem}.markers.edl` };
}

/** `<stem>.stems`: the stems' folder beside a scored video. */
export function stemsFolderBeside(video: string): string {
  return `${video.slice(0, -path.extname(video).length)}.stems`;
}

/** Renames a finished folder into place, an older one at `target` moved aside first and removed after. */
async function placeFolder(from: string, target: string, stems: readonly Stem[]): Promise<Stem[]> {
  const aside = existsSync(target) ? temporaryPathFor(target) : undefined;
  if (aside) {
    trackTemporary(aside);
    await rename(target, aside);
  }
  try {
    await rename(from, target);
  } catch (error) {
    if (aside) await rename(aside, target).catch(() => undefined);
    throw error;
  } finally {
    if (aside) await removeTemporary(aside);
  }
  return stems.map((stem) => ({ role: stem.role, path: path.join(target, path.basename(stem.path)) }));
}

function defaultOutput(input: string, extension: string): string {
  const parsed = path.parse(path.resolve(input));
  return path.join(parsed.dir, `${parsed.name}.v2m${extension}`);
}

function temporaryPaths(outputs: OutputPaths): OutputPaths {
  return Object.fromEntries(Object.entries(outputs).map(([kind, file]) => [kind, temporaryPathFor(file)])) as unknown as OutputPaths;
}

