// render: a Score becomes a Standard MIDI File and a finished WAV — synthesized with the
// SoundFont into a work folder, then mastered to the video's exact length and loudness — and, when
// asked, one stem per role that adds up to the mix (render/stems).

import path from 'node:path';
import type { Score } from '../compose/score.js';
import type { MasteredLoudness } from '../media/audio.js';
import { loopCycleSeconds, repeatedScore } from './loop.js';
import { DEFAULT_MASTER, master, measureForMaster, type AudioFormat, type MasterOptions } from './master.js';
import { scoreToMidi } from './midi.js';
import { writeStems, type Stem } from './stems.js';
import { synthesize } from './synth.js';
import type { VoicesWorker } from './voice-threads.js';

export type { Stem } from './stems.js';

export interface RenderRequest {
  score: Score;
  /** Title written into the MIDI file. */
  title: string;
  /** The music file to write, in `audioFormat` (default: 16-bit WAV). */
  audioPath: string;
  audioFormat?: AudioFormat;
  /** A private folder for the raw synthesizer output. */
  workFolder: string;
  /** A checked SoundFont file (`--soundfont`); default: render/soundfont's choice. */
  soundFont?: string;
  /** A folder (made here) for one `<role>.wav` per role the score plays (`--stems`); default: no stems. */
  stemsFolder?: string;
  /** A seamless loop (`--loop`): rendered so that its last sample leads into its first (render/loop); no fade, no tail. */
  loop?: boolean;
  /** A voices worker started beforehand (prepareVoices) for the mix; synthesis stops it when done. */
  prepared?: VoicesWorker;
  onProgress?: (stage: 'synthesize' | 'master', fraction: number) => void;
}

export interface RenderedAudio {
  midi: Uint8Array;
  loudness: MasteredLoudness;
  /** The stems written (none unless `stemsFolder` was given). */
  stems: Stem[];
}

/** Synthesis runs half a second past the end, so the last notes' release is there for the fade to shape. */
const SYNTH_TAIL_SECONDS = 0.5;

export async function renderAudio(request: RenderRequest): Promise<RenderedAudio> {
  if (request.loop) return renderLoop(request);
  const duration = request.score.duration;
  const midi = scoreToMidi(request.score, request.title);
  request.onProgress?.('synthesize', 0);
  const loudness = await synthesizeAndMaster(request, {
    score: request.score,
    output: path.join(request.workFolder, `synth-${path.basename(request.audioPath)}.f32`),
    synthSeconds: duration + SYNTH_TAIL_SECONDS,
    trackSeconds: duration,
    mastering: DEFAULT_MASTER,
  });
  const stems = request.stemsFolder
    ? await writeStems({
        score: request.score,
        folder: request.stemsFolder,
        workFolder: request.workFolder,
        durationSeconds: duration,
        synthSeconds: duration + SYNTH_TAIL_SECONDS,
        soundFont: request.soundFont,
        mastered: loudness,
        // The stems are mastering work: their own synthesizer runs count in the master's share of the bar.
        onProgress: (f) => request.onProgress?.('master', f),
      })
    : [];
  return { midi, loudness, stems };
}

/**
 * A seamless loop: three cycles synthesized back to back and the middle one mastered (render/loop),
 * with no fade. The MIDI file holds one cycle; stems are cut from the same middle cycle (render/stems).
 */
async function renderLoop(request: RenderRequest): Promise<RenderedAudio> {
  const sampleRateHz = DEFAULT_MASTER.sampleRateHz;
  const cycle = loopCycleSeconds(request.score.duration, sampleRateHz);
  const midi = scoreToMidi(request.score, request.title);
  request.onProgress?.('synthesize', 0);
  const played = repeatedScore(request.score, cycle);
  // The middle cycle, and the next one's start for the limiter's look-ahead.
  const synthSeconds = 2 * cycle + SYNTH_TAIL_SECONDS;
  const loudness = await synthesizeAndMaster(request, {
    score: played,
    output: path.join(request.workFolder, `synth-loop-${path.basename(request.audioPath)}.f32`),
    synthSeconds,
    trackSeconds: cycle,
    mastering: { ...DEFAULT_MASTER, fadeOutSeconds: 0 },
    startSeconds: cycle,
  });
  const stems = request.stemsFolder
    ? await writeStems({
        score: played,
        folder: request.stemsFolder,
        workFolder: request.workFolder,
        durationSeconds: cycle,
        synthSeconds,
        soundFont: request.soundFont,
        mastered: loudness,
        loopStartSeconds: cycle,
        onProgress: (f) => request.onProgress?.('master', f),
      })
    : [];
  return { midi, loudness, stems };
}

interface Rendering {
  score: Score;
  /** The raw synthesizer output (a work file). */
  output: string;
  synthSeconds: number;
  /** The finished track: this long, from `startSeconds` of the raw output (default 0). */
  trackSeconds: number;
  mastering: MasterOptions;
  startSeconds?: number;
}

/**
 * Synthesizes `rendering.score` and masters it into `request.audioPath`; the master's first loudness
 * measurement is fed the blocks as they are written (measureForMaster), so mastering starts with its gain.
 */
async function synthesizeAndMaster(request: RenderRequest, rendering: Rendering): Promise<MasteredLoudness> {
  const { trackSeconds, mastering, startSeconds } = rendering;
  const measuring = measureForMaster(trackSeconds, mastering, startSeconds);
  const raw = await synthesize({
    score: rendering.score,
    output: rendering.output,
    durationSeconds: rendering.synthSeconds,
    sampleRateHz: mastering.sampleRateHz,
    soundFont: request.soundFont,
    prepared: request.prepared,
    onBlock: measuring.write,
    onProgress: (f) => request.onProgress?.('synthesize', f),
  }).finally(() => measuring.finish());
  request.onProgress?.('master', 0);
  return master(raw, request.audioPath, trackSeconds, request.audioFormat, mastering, startSeconds, await measuring.finish());
}
