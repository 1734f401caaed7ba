// harmony: one chord per bar from a diatonic progression in the plan's key. Each section (each scene)
// starts a new phrase on the tonic; the piece ends on a cadence, V → I.

import { pick, type Rng } from '../music/random.js';
import { diatonicTriads } from '../music/theory.js';
import type { Beat, ChordEvent, ScorePlan } from './score.js';

/** Progressions as scale degrees (0 = I/i), the loops of most pop and film cues. */
const PROGRESSIONS: Record<'major' | 'minor', number[][]> = {
  major: [
    [0, 4, 5, 3], // I V vi IV
    [0, 5, 3, 4], // I vi IV V
    [0, 3, 4, 3], // I IV V IV
    [0, 3, 5, 4], // I IV vi V
    [0, 2, 3, 4], // I iii IV V
  ],
  minor: [
    [0, 5, 2, 6], // i VI III VII
    [0, 3, 4, 0], // i iv V i
    [0, 5, 3, 4], // i VI iv V
    [0, 6, 5, 6], // i VII VI VII
  ],
};
const TONIC = 0;
const DOMINANT = 4;

/** A bar needs at least this many beats to get its own chord; shorter leftovers extend the previous one. */
const MIN_BEATS_FOR_CHANGE = 2;

export function chordTrack(plan: ScorePlan, beats: readonly Beat[], rng: Rng): ChordEvent[] {
  const triads = diatonicTriads(plan.key);
  const bars = mergeShortBars(groupIntoBars(beats));
  const chords: ChordEvent[] = [];
  let progression = pick(rng, PROGRESSIONS[plan.key.mode]);
  let barInPhrase = 0;
  let section = -1;
  bars.forEach((bar, index) => {
    if (bar.section !== section) {
      section = bar.section;
      progression = pick(rng, PROGRESSIONS[plan.key.mode]);
      barInPhrase = 0;
    }
    const barsLeft = bars.length - 1 - index;
    const degree = barsLeft === 0 ? TONIC : barsLeft === 1 ? DOMINANT : progression[barInPhrase % progression.length]!;
    chords.push({ time: bar.start, duration: bar.end - bar.start, chord: triads[degree]! });
    barInPhrase += 1;
  });
  return chords;
}

interface Bar {
  start: number;
  end: number;
  beats: number;
  section: number;
}

/** A bar too short for its own chord joins the bar before it in the same section. */
function mergeShortBars(bars: Bar[]): Bar[] {
  const merged: Bar[] = [];
  for (const bar of bars) {
    const previous = merged[merged.length - 1];
    if (previous && previous.section === bar.section && bar.beats < MIN_BEATS_FOR_CHANGE) {
      previous.end = bar.end;
      previous.beats += bar.beats;
    } else {
      merged.push({ ...bar });
    }
  }
  return merged;
}

function groupIntoBars(beats: readonly Beat[]): Bar[] {
  const bars: Bar[] = [];
  for (const beat of beats) {
    const last = bars[bars.length - 1];
    if (last && beat.beatInBar !== 0) {
      last.end = beat.time + beat.duration;
      last.beats += 1;
    } else {
      bars.push({ start: beat.time, end: beat.time + beat.duration, beats: 1, section: beat.section });
    }
  }
  return bars;
}

/** The chord sounding at `time` (the last one that started at or before it). */
export function chordAt(chords: readonly ChordEvent[], time: number): ChordEvent {
  let low = 0;
  let high = chords.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (chords[middle]!.time <= time + 1e-9) low = middle;
    else high = middle - 1;
  }
  return chords[low]!;
}
