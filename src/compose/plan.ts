// plan: the long view of the whole video — style, key, reference tempo, and sections between cuts
// whose tempi are bent just enough that every cut falls exactly on a downbeat.

import { motionToEnergy } from '../analysis/energy.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { pick, type Rng } from '../music/random.js';
import { TONICS, type MusicalKey } from '../music/theory.js';
import type { ScorePlan, Section, StyleName } from './score.js';

export interface PlanOptions {
  style: StyleName | 'auto';
  key?: MusicalKey;
  tempoBpm?: number;
  seed: number;
}

/** Tempo range the picture's motion maps onto (still picture → slow, busy picture → fast). */
export const TEMPO_RANGE_BPM = { slowest: 70, fastest: 140 } as const;
/** Mean luma above which a picture reads as bright, and the music as major. */
const BRIGHT_PICTURE_LUMA = 0.35;
/** Cuts closer than this to the previous section start do not start a section of their own. */
const MIN_SECTION_SECONDS = 0.5;
/** A cut this close to the end is not worth a hit: the last chord is already sounding. */
const MIN_FINAL_SECTION_SECONDS = 0.25;
const BEATS_PER_BAR = 4;

export function planScore(timeline: VideoTimeline, options: PlanOptions, rng: Rng): ScorePlan {
  const energyPerSecond = timeline.features.motionMean.map(motionToEnergy);
  const meanEnergy = mean(energyPerSecond);
  const meanBrightness = mean(timeline.features.brightness);
  const tempoBpm = options.tempoBpm ?? Math.round(TEMPO_RANGE_BPM.slowest + (TEMPO_RANGE_BPM.fastest - TEMPO_RANGE_BPM.slowest) * meanEnergy);
  const key = options.key ?? chooseKey(meanBrightness, rng);
  const style = options.style === 'auto' ? chooseStyle(meanEnergy) : options.style;
  const energyWords = `mean picture energy ${meanEnergy.toFixed(2)} (0–1, from motion)`;
  return {
    style,
    key,
    tempoBpm,
    reasons: {
      tempo: options.tempoBpm !== undefined ? 'set by the user' : `${energyWords} on a ${TEMPO_RANGE_BPM.slowest}–${TEMPO_RANGE_BPM.fastest} BPM scale`,
      key:
        options.key !== undefined
          ? 'set by the user'
          : `${key.mode} because the mean brightness ${meanBrightness.toFixed(2)} is ${key.mode === 'major' ? 'at or above' : 'below'} ${BRIGHT_PICTURE_LUMA}; tonic from the seed`,
      style: options.style !== 'auto' ? 'set by the user' : `auto: ${energyWords}`,
    },
    beatsPerBar: BEATS_PER_BAR,
    seed: options.seed,
    sections: planSections(timeline, tempoBpm, energyPerSecond),
    energyPerSecond,
  };
}

function chooseKey(meanBrightness: number, rng: Rng): MusicalKey {
  return { tonic: pick(rng, TONICS), mode: meanBrightness >= BRIGHT_PICTURE_LUMA ? 'major' : 'minor' };
}

function chooseStyle(meanEnergy: number): StyleName {
  if (meanEnergy >= 0.45) return 'band';
  if (meanEnergy >= 0.2) return 'piano';
  return 'ambient';
}

/** Sections run from cut to cut; each holds a whole number of beats at a tempo near the reference. */
function planSections(timeline: VideoTimeline, tempoBpm: number, energyPerSecond: number[]): Section[] {
  const boundaries = [0];
  for (const cut of timeline.cuts) {
    if (cut.time - boundaries[boundaries.length - 1]! >= MIN_SECTION_SECONDS && timeline.duration - cut.time >= MIN_FINAL_SECTION_SECONDS) {
      boundaries.push(cut.time);
    }
  }
  boundaries.push(timeline.duration);
  const sections: Section[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const start = boundaries[i]!;
    const end = boundaries[i + 1]!;
    const length = end - start;
    const beats = Math.max(1, Math.round((length * tempoBpm) / 60));
    const seconds = energyPerSecond.slice(Math.floor(start), Math.max(Math.floor(start) + 1, Math.ceil(end)));
    sections.push({ start, end, beats, tempoBpm: (beats * 60) / length, energy: mean(seconds) });
  }
  return sections;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
