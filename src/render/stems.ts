// stems: one WAV per role (the role's tracks played alone, on the channels and with the settings of
// the whole score) that add up to the mix. The synthesizer is linear — voices add, and the reverb and
// chorus are sends per channel — so the roles' raw renders add up to the raw mix (measured: −140 dB
// residual). The master then gives every stem the mix's gain and fade; where it also limited the mix,
// the limiter's gain, read sample by sample from the limited mix, and its look-ahead delay are applied
// to every stem too, so the stems still add up to the mix as it was written. Written as 32-bit float
// WAV: the stems keep what the mix's own file format would round away, and their sum stays exact.

import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Score, TrackRole } from '../compose/score.js';
import { applyGain, filterRaw, LIMITER_ATTACK_MS, RAW_FLOAT, type MasteredLoudness, type RawPcmFile } from '../media/audio.js';
import { DEFAULT_MASTER } from './master.js';
import { synthesize } from './synth.js';
import { voiceThreadsForIdleCores } from './voice-threads.js';

export interface Stem {
  role: TrackRole;
  path: string;
}

/** The roles in the order a mixer lists them, rhythm section last. */
export const STEM_ROLES: readonly TrackRole[] = ['chords', 'pad', 'bass', 'melody', 'hits', 'drums'];

export interface StemRequest {
  score: Score;
  /** Where `<role>.wav` go (made here). */
  folder: string;
  workFolder: string;
  /** The finished length, and how long the synthesizer ran (the mix's own tail). */
  durationSeconds: number;
  synthSeconds: number;
  soundFont?: string;
  /** What the master did to the mix. */
  mastered: MasteredLoudness;
  /**
   * A loop's start in the synthesized cycles (render/loop): the mix was cut there after its limiter,
   * with no fade, so the stems are gained over the whole render and cut at the same sample.
   */
  loopStartSeconds?: number;
  onProgress?: (fraction: number) => void;
}

const CHANNELS = 2;
/** Frames per block when the stems are combined with the limiter's gain: flat memory whatever the length. */
const BLOCK_FRAMES = 1 << 15;

/** The track indices of each role that plays at least one note, in STEM_ROLES order. */
export function rolesPlaying(score: Score): Map<TrackRole, Set<number>> {
  const roles = new Map<TrackRole, Set<number>>();
  for (const role of STEM_ROLES) {
    const tracks = new Set(score.tracks.flatMap((track, index) => (track.role === role && track.notes.length > 0 ? [index] : [])));
    if (tracks.size > 0) roles.set(role, tracks);
  }
  return roles;
}

export async function writeStems(request: StemRequest): Promise<Stem[]> {
  const sampleRateHz = DEFAULT_MASTER.sampleRateHz;
  const roles = rolesPlaying(request.score);
  const gained: Array<{ role: TrackRole; raw: RawPcmFile }> = [];
  // One look at the idle cores for all the stems (each look waits 100 ms).
  const voiceThreads = await voiceThreadsForIdleCores();
  for (const [role, tracks] of roles) {
    const raw = await synthesize({
      score: request.score,
      output: path.join(request.workFolder, `stem-${role}.f32`),
      durationSeconds: request.synthSeconds,
      sampleRateHz,
      soundFont: request.soundFont,
      tracks,
      voiceThreads,
      onProgress: (f) => request.onProgress?.((gained.length + f) / roles.size),
    });
    const output = path.join(request.workFolder, `stem-${role}-gain.f32`);
    const loops = request.loopStartSeconds !== undefined;
    const fadeOutSeconds = loops ? 0 : Math.min(DEFAULT_MASTER.fadeOutSeconds, request.durationSeconds / 6);
    const gainedSeconds = loops ? request.synthSeconds : request.durationSeconds;
    await applyGain({ input: raw, output, encoding: RAW_FLOAT, durationSeconds: gainedSeconds, fadeOutSeconds, sampleRateHz }, request.mastered.gainDb);
    await rm(raw.path, { force: true }); // one raw render in the work folder at a time
    gained.push({ role, raw: { path: output, sampleRateHz, channels: CHANNELS } });
  }
  const limiter = request.mastered.limiter ? await limiterOf(gained.map((stem) => stem.raw), request.mastered.limiter, request.workFolder) : undefined;
  await mkdir(request.folder, { recursive: true });
  const stems = gained.map((stem) => ({ role: stem.role, path: path.join(request.folder, `${stem.role}.wav`) }));
  // A loop's mix starts at its cut: the loop's start, later by the limiter's nominal look-ahead when it ran (media/audio).
  const firstFrame = request.loopStartSeconds === undefined ? 0 : Math.round(request.loopStartSeconds * sampleRateHz) + (limiter ? nominalDelayFrames() : 0);
  await combine(
    gained.map((stem) => stem.raw.path),
    stems.map((stem) => stem.path),
    Math.round(request.durationSeconds * sampleRateHz),
    limiter,
    firstFrame,
  );
  await Promise.all(gained.map((stem) => rm(stem.raw.path, { force: true })));
  return stems;
}

/** The mix before and after the limiter (raw files), and the delay its look-ahead puts between them. */
interface Limiter {
  before: string;
  after: string;
  delayFrames: number;
}

async function limiterOf(stems: readonly RawPcmFile[], filter: string, workFolder: string): Promise<Limiter> {
  const before = path.join(workFolder, 'stems-sum.f32');
  await sumFiles(stems.map((stem) => stem.path), before);
  const after = await filterRaw({ path: before, sampleRateHz: DEFAULT_MASTER.sampleRateHz, channels: CHANNELS }, filter, path.join(workFolder, 'stems-sum-limited.f32'));
  return { before, after: after.path, delayFrames: await measuredDelay(before, after.path, nominalDelayFrames()) };
}

function nominalDelayFrames(): number {
  return Math.round((LIMITER_ATTACK_MS / 1000) * DEFAULT_MASTER.sampleRateHz);
}

/** Frames of the mix the delay is measured on (the first ones): enough music, little work. */
const DELAY_PROBE_FRAMES = 30 * 48000;
/** The look-ahead delay is the attack give or take a frame or two (239 of a nominal 240 in ffmpeg 4). */
const DELAY_SEARCH_FRAMES = 4;

/** The delay at which the limited mix is the unlimited one times one gain for both channels, most exactly. */
async function measuredDelay(beforeFile: string, afterFile: string, nominal: number): Promise<number> {
  const [beforeHandle, afterHandle] = await Promise.all([open(beforeFile, 'r'), open(afterFile, 'r')]);
  try {
    const before = (await readFrames(beforeHandle, 0, DELAY_PROBE_FRAMES)).samples;
    const after = (await readFrames(afterHandle, 0, DELAY_PROBE_FRAMES + nominal + DELAY_SEARCH_FRAMES)).samples;
    let best = { delay: nominal, error: Number.POSITIVE_INFINITY };
    for (let delay = Math.max(0, nominal - DELAY_SEARCH_FRAMES); delay <= nominal + DELAY_SEARCH_FRAMES; delay++) {
      let error = 0;
      let gain = 1;
      for (let i = 0; i < DELAY_PROBE_FRAMES; i++) {
        const l = before[2 * i]!;
        const r = before[2 * i + 1]!;
        const limitedL = after[2 * (i + delay)]!;
        const limitedR = after[2 * (i + delay) + 1]!;
        const power = l * l + r * r;
        if (power > 1e-12) gain = (limitedL * l + limitedR * r) / power;
        error += (limitedL - gain * l) ** 2 + (limitedR - gain * r) ** 2;
      }
      if (error < best.error) best = { delay, error };
    }
    return best.delay;
  } finally {
    await Promise.all([beforeHandle.close(), afterHandle.close()]);
  }
}

async function sumFiles(inputs: readonly string[], output: string): Promise<void> {
  const handles = await Promise.all(inputs.map((file) => open(file, 'r')));
  const out = await open(output, 'w');
  try {
    for (let frame = 0; ; frame += BLOCK_FRAMES) {
      const blocks = await Promise.all(handles.map((handle) => readFrames(handle, frame, BLOCK_FRAMES)));
      const length = Math.max(...blocks.map((block) => block.read));
      if (length === 0) break;
      const sum = new Float32Array(length * CHANNELS);
      for (const block of blocks) for (let i = 0; i < sum.length; i++) sum[i]! += block.samples[i]!;
      await out.write(new Uint8Array(sum.buffer));
    }
  } finally {
    await Promise.all([...handles, out].map((handle) => handle.close()));
  }
}

/**
 * Writes each stem: `totalFrames` frames from `firstFrame` of the limited mix's clock, delayed and scaled sample by sample by what the limiter
 * did to the mix (gain = limited·unlimited / |unlimited|², the limiter's gain being one for both
 * channels), or as they are when there was no limiter.
 */
async function combine(inputs: readonly string[], outputs: readonly string[], totalFrames: number, limiter: Limiter | undefined, firstFrame = 0): Promise<void> {
  const sources = await Promise.all(inputs.map((file) => open(file, 'r')));
  const before = limiter ? await open(limiter.before, 'r') : undefined;
  const after = limiter ? await open(limiter.after, 'r') : undefined;
  const targets = await Promise.all(outputs.map((file) => open(file, 'w')));
  const delay = limiter?.delayFrames ?? 0;
  try {
    for (const target of targets) await target.write(floatWavHeader(totalFrames), 0);
    let gain = 1;
    for (let frame = firstFrame; frame < firstFrame + totalFrames; frame += BLOCK_FRAMES) {
      const frames = Math.min(BLOCK_FRAMES, firstFrame + totalFrames - frame);
      const gains = new Float32Array(frames).fill(1);
      if (before && after) {
        const unlimited = (await readFrames(before, frame - delay, frames)).samples;
        const limited = (await readFrames(after, frame, frames)).samples;
        for (let i = 0; i < frames; i++) {
          const l = unlimited[2 * i]!;
          const r = unlimited[2 * i + 1]!;
          const power = l * l + r * r;
          // Where the mix is (nearly) silent the gain cannot be read: the limiter's gain moves smoothly, keep the last.
          if (power > 1e-12) gain = Math.min(1, Math.max(0, (limited[2 * i]! * l + limited[2 * i + 1]! * r) / power));
          gains[i] = gain;
        }
      }
      for (const [index, source] of sources.entries()) {
        const samples = (await readFrames(source, frame - delay, frames)).samples;
        for (let i = 0; i < frames; i++) {
          samples[2 * i]! *= gains[i]!;
          samples[2 * i + 1]! *= gains[i]!;
        }
        await targets[index]!.write(new Uint8Array(samples.buffer, 0, frames * CHANNELS * 4));
      }
    }
  } finally {
    await Promise.all([...sources, ...targets, ...(before ? [before] : []), ...(after ? [after] : [])].map((handle) => handle.close()));
  }
}

/** `count` stereo frames from `start` (zeros before the file's start and past its end) and how many were in the file. */
async function readFrames(handle: FileHandle, start: number, count: number): Promise<{ samples: Float32Array; read: number }> {
  const samples = new Float32Array(count * CHANNELS);
  const skip = Math.max(0, -start);
  if (skip >= count) return { samples, read: 0 };
  const bytes = new Uint8Array(samples.buffer, skip * CHANNELS * 4);
  const { bytesRead } = await handle.read(bytes, 0, bytes.length, (start + skip) * CHANNELS * 4);
  return { samples, read: Math.floor(bytesRead / (CHANNELS * 4)) };
}

/** A 32-bit float stereo WAV header (format 3, with the fact chunk float WAVs carry) for `frames` frames. */
function floatWavHeader(frames: number): Uint8Array {
  const rate = DEFAULT_MASTER.sampleRateHz;
  const dataBytes = frames * CHANNELS * 4;
  const header = Buffer.alloc(58);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(50 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(18, 16);
  header.writeUInt16LE(3, 20); // IEEE float
  header.writeUInt16LE(CHANNELS, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * CHANNELS * 4, 28);
  header.writeUInt16LE(CHANNELS * 4, 32);
  header.writeUInt16LE(32, 34);
  header.writeUInt16LE(0, 36);
  header.write('fact', 38, 'latin1');
  header.writeUInt32LE(4, 42);
  header.writeUInt32LE(frames, 46);
  header.write('data', 50, 'latin1');
  header.writeUInt32LE(dataBytes, 54);
  return header;
}
