// beats: the pulse a listener would tap to, tracked from the onset envelope by dynamic programming
// (Ellis 2007, as librosa's beat_track): a global tempo from the envelope's autocorrelation, then the
// beat sequence that best balances landing on onsets against keeping that tempo.

import type { OnsetEnvelope } from './onsets.js';

export interface BeatTrack {
  tempoBpm: number;
  beats: number[];
}

const TEMPO_LIMITS_BPM = { slowest: 40, fastest: 240 } as const;
/** Prior on tempo: a log-normal around 120 BPM, one octave wide (librosa's defaults). */
const PRIOR_CENTRE_BPM = 120;
const PRIOR_OCTAVES = 1;
/** How strongly the tracker keeps its tempo (librosa's `tightness`). */
const TIGHTNESS = 100;
/** Beat tracking runs on a coarser envelope: 10 ms frames are ample for a pulse. */
const TRACKING_HOP_SECONDS = 0.01;

export function trackBeats(envelope: OnsetEnvelope): BeatTrack {
  const { values, hopSeconds } = coarsen(envelope, TRACKING_HOP_SECONDS);
  if (values.length === 0 || values.every((v) => v === 0)) return { tempoBpm: 0, beats: [] };
  const period = beatPeriodFrames(values, hopSeconds);
  const beatFrames = dynamicProgramme(values, period);
  return {
    tempoBpm: 60 / (period * hopSeconds),
    beats: beatFrames.map((frame) => envelope.startSeconds + frame * hopSeconds),
  };
}

/** The lag (in frames) at which the envelope best repeats, weighted by the tempo prior. */
function beatPeriodFrames(values: Float32Array, hopSeconds: number): number {
  const average = values.reduce((sum, v) => sum + v, 0) / values.length;
  const centred = values.map((v) => v - average);
  const minLag = Math.max(1, Math.round(60 / TEMPO_LIMITS_BPM.fastest / hopSeconds));
  const maxLag = Math.min(values.length - 1, Math.round(60 / TEMPO_LIMITS_BPM.slowest / hopSeconds));
  let bestLag = Math.round(60 / PRIOR_CENTRE_BPM / hopSeconds);
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let correlation = 0;
    for (let i = lag; i < centred.length; i++) correlation += centred[i]! * centred[i - lag]!;
    const bpm = 60 / (lag * hopSeconds);
    const prior = Math.exp(-0.5 * (Math.log2(bpm / PRIOR_CENTRE_BPM) / PRIOR_OCTAVES) ** 2);
    const score = (correlation / (centred.length - lag)) * prior;
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
    }
  }
  return bestLag;
}

function dynamicProgramme(values: Float32Array, period: number): number[] {
  const std = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length) || 1;
  const local = values.map((v) => v / std);
  const score = new Float64Array(local.length);
  const backlink = new Int32Array(local.length).fill(-1);
  const nearest = Math.round(period / 2);
  const farthest = Math.round(2 * period);
  for (let i = 0; i < local.length; i++) {
    let best = 0;
    let bestFrom = -1;
    for (let j = Math.max(0, i - farthest); j <= i - nearest; j++) {
      const candidate = score[j]! - TIGHTNESS * Math.log((i - j) / period) ** 2;
      if (bestFrom < 0 || candidate > best) {
        best = candidate;
        bestFrom = j;
      }
    }
    score[i] = local[i]! + (bestFrom >= 0 ? Math.max(0, best) : 0);
    backlink[i] = bestFrom >= 0 && best > 0 ? bestFrom : -1;
  }
  // Start from the best-scoring frame within the last period, then follow the links back.
  let last = local.length - 1;
  for (let i = Math.max(0, local.length - period); i < local.length; i++) if (score[i]! > score[last]!) last = i;
  const beats: number[] = [];
  for (let frame = last; frame >= 0; frame = backlink[frame]!) beats.push(frame);
  return beats.reverse();
}

/** Max-pools the envelope to frames of about `hopSeconds`. */
function coarsen(envelope: OnsetEnvelope, hopSeconds: number): { values: Float32Array; hopSeconds: number } {
  const factor = Math.max(1, Math.round(hopSeconds / envelope.hopSeconds));
  const values = new Float32Array(Math.floor(envelope.values.length / factor));
  for (let i = 0; i < values.length; i++) {
    let peak = 0;
    for (let j = 0; j < factor; j++) peak = Math.max(peak, envelope.values[i * factor + j]!);
    values[i] = peak;
  }
  return { values, hopSeconds: envelope.hopSeconds * factor };
}
