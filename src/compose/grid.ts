// The beat grid: the tempo map's beats laid out in bars. A hit point that lands on a beat starts a bar
// (and a section), so a DAW shows the cut on a downbeat; the bar before it may be shorter or longer
// than four beats, and the metre says so. Then every beat of the piece with its bar and section, the
// tempo changes, the time signatures and the markers a MIDI file needs.

import type { PlacedHit, TempoMap } from './tempo-map.js';
import type { Beat, ScorePlan, Section, TempoChange } from './score.js';

/** A bar holds at least this many beats: a cut closer than this to the last downbeat is played on a beat inside the bar. */
const MIN_BAR_BEATS = 2;

export type SectionLayout = Omit<Section, 'energy' | 'part'>;

/** Sections from downbeat to downbeat over the tempo map's beats; the hits with their final landing. */
export function layOutSections(map: TempoMap, duration: number, beatsPerBar: number): { sections: SectionLayout[]; hits: PlacedHit[] } {
  const beats = beatTimes(map, duration);
  const segmentStarts = new Set(map.segments.map((segment) => nearestBeat(beats, segment.start)));
  const onBeat = map.hits.map((hit) => (hit.landing === 'beat' ? nearestBeat(beats, hit.time) : -1));
  const downbeats = chooseDownbeats(beats.length, segmentStarts, onBeat.filter((index) => index > 0));
  const sections = downbeats.map((first, i) => {
    const last = i + 1 < downbeats.length ? downbeats[i + 1]! : beats.length;
    const isFinal = i + 1 === downbeats.length;
    return {
      start: beats[first]!.time,
      end: isFinal ? duration : beats[last]!.time,
      beats: last - first,
      tempoBpm: beats[first]!.tempoBpm,
      bars: barLengths(last - first, beatsPerBar, isFinal),
    };
  });
  const downbeatSet = new Set(downbeats);
  const hits = map.hits.map((hit, i) => (onBeat[i]! >= 0 && downbeatSet.has(onBeat[i]!) ? { ...hit, landing: 'downbeat' as const } : hit));
  return { sections, hits };
}

interface GridBeat {
  time: number;
  tempoBpm: number;
}

/** Every beat from 0 to the end: each segment starts on a beat and holds a whole number of them until the next. */
function beatTimes(map: TempoMap, duration: number): GridBeat[] {
  const beats: GridBeat[] = [];
  map.segments.forEach((segment, k) => {
    const beatSeconds = 60 / segment.tempoBpm;
    const next = map.segments[k + 1];
    const count = next ? Math.round((next.start - segment.start) / beatSeconds) : Math.ceil((duration - segment.start) / beatSeconds - 1e-6);
    for (let b = 0; b < count; b++) beats.push({ time: segment.start + b * beatSeconds, tempoBpm: segment.tempoBpm });
  });
  return beats.length > 0 ? beats : [{ time: 0, tempoBpm: map.segments[0]?.tempoBpm ?? 120 }];
}

function nearestBeat(beats: readonly GridBeat[], time: number): number {
  let best = 0;
  for (let i = 0; i < beats.length; i++) if (Math.abs(beats[i]!.time - time) < Math.abs(beats[best]!.time - time)) best = i;
  return best;
}

/**
 * Bar starts: the first beat, every tempo change (always), and every beat a hit lands on when it
 * leaves at least MIN_BAR_BEATS to the bar before and after it.
 */
function chooseDownbeats(beatCount: number, mandatory: ReadonlySet<number>, wanted: readonly number[]): number[] {
  const fixed = [...new Set([0, ...mandatory])].sort((a, b) => a - b);
  const chosen = new Set(fixed);
  let previous = 0;
  for (const index of [...new Set(wanted)].sort((a, b) => a - b)) {
    if (chosen.has(index)) {
      previous = index;
      continue;
    }
    const nextFixed = fixed.find((f) => f > index) ?? beatCount;
    if (index - previous >= MIN_BAR_BEATS && nextFixed - index >= MIN_BAR_BEATS) {
      chosen.add(index);
      previous = index;
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * `beats` split into bars of `beatsPerBar`; the odd bar (which carries a time signature of its own)
 * goes last, just before the next hit: one left over makes the last bar one longer (5/4), two or
 * three make a short bar (2/4, 3/4). The final section simply stops where the video does.
 */
export function barLengths(beats: number, beatsPerBar: number, isFinal: boolean): number[] {
  const whole = Math.floor(beats / beatsPerBar);
  const left = beats % beatsPerBar;
  const bars = new Array<number>(whole).fill(beatsPerBar);
  if (left === 0) return bars;
  if (left === 1 && whole > 0 && !isFinal) bars[bars.length - 1] = beatsPerBar + 1;
  else bars.push(left);
  return bars;
}

export function beatGrid(plan: ScorePlan): Beat[] {
  const beats: Beat[] = [];
  plan.sections.forEach((section, sectionIndex) => {
    const beatSeconds = 60 / section.tempoBpm;
    const bars = section.bars ?? barLengths(section.beats, plan.beatsPerBar, true);
    let bar = 0;
    let beatInBar = 0;
    for (let b = 0; b < section.beats; b++) {
      const time = section.start + b * beatSeconds;
      beats.push({ time, duration: Math.min(beatSeconds, section.end - time), bar, beatInBar, section: sectionIndex });
      beatInBar += 1;
      if (beatInBar >= (bars[bar] ?? plan.beatsPerBar)) {
        bar += 1;
        beatInBar = 0;
      }
    }
  });
  return beats;
}

/** The tempo at each section start, where it changes. */
export function tempoMap(plan: ScorePlan): TempoChange[] {
  return plan.sections
    .map((section) => ({ time: section.start, tempoBpm: section.tempoBpm }))
    .filter((change, i, all) => i === 0 || change.tempoBpm !== all[i - 1]!.tempoBpm);
}

export interface MeterChange {
  time: number;
  beatsPerBar: number;
}

/** A time signature wherever the bar length changes (the final, unfinished bar keeps the one before). */
export function meter(plan: ScorePlan, beats: readonly Beat[]): MeterChange[] {
  const changes: MeterChange[] = [];
  plan.sections.forEach((section, sectionIndex) => {
    const bars = section.bars ?? barLengths(section.beats, plan.beatsPerBar, true);
    const isFinal = sectionIndex === plan.sections.length - 1;
    bars.forEach((length, bar) => {
      if (isFinal && bar === bars.length - 1 && bar > 0) return;
      if (changes.length > 0 && changes[changes.length - 1]!.beatsPerBar === length) return;
      const first = beats.find((beat) => beat.section === sectionIndex && beat.bar === bar);
      if (first) changes.push({ time: first.time, beatsPerBar: length });
    });
  });
  return changes;
}
