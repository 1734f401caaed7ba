// harmony: one chord per bar — the AMT's (the chord it wrote most over the bar's seconds) when the
// plan has learned chords, else from a diatonic progression in the plan's key coloured by the bar's
// mood (compose/colour), in four-bar phrases. Either way every cut changes the chord, no chord
// holds more than MAX_REPEAT_BARS bars in a row, and the piece ends on a cadence, V → I.

import type { Emotion } from '../analysis/emotion.js';
import { pick, type Rng } from '../music/random.js';
import { chordPitchClasses, chordQuality, diatonicTriads, scalePitchClasses } from '../music/theory.js';
import { colourChord } from './colour.js';
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
/**
 * Progressions for a mood, chosen so that every chord can take a colour that mood allows (see
 * compose/colour): a relaxed scene avoids minor chords, a fearful one lives on i, ii° and iv, a sad
 * one avoids the major V. Neutral scenes use the mode's loops above.
 */
const MOOD_PROGRESSIONS: Partial<Record<Emotion, number[][]>> = {
  relaxing: [
    [0, 3, 0, 4], // I IV I V
    [0, 4, 3, 0], // I V IV I
    [0, 3, 4, 3], // I IV V IV
  ],
  fearful: [
    [0, 1, 3, 0], // i ii° iv i
    [0, 3, 1, 3], // i iv ii° iv
  ],
  tense: [
    [0, 4, 3, 4], // i V iv V
    [0, 1, 4, 0], // i ii° V i
    [0, 6, 3, 4], // i VII iv V
  ],
  sad: [
    [0, 3, 0, 5], // i iv i VI
    [0, 5, 3, 6], // i VI iv VII
  ],
};
/** Colours that take a dominant's pull away: on the cadence's V the plain triad is played instead. */
const NON_DOMINANT_COLOURS: ReadonlySet<string> = new Set(['maj6', 'maj7']);
const TONIC = 0;
const SUBDOMINANT = 3;
const DOMINANT = 4;

/** A bar needs at least this many beats to get its own chord; shorter leftovers extend the previous one. */
const MIN_BEATS_FOR_CHANGE = 2;

export function chordTrack(plan: ScorePlan, beats: readonly Beat[], rng: Rng): ChordEvent[] {
  const triads = diatonicTriads(plan.key);
  const scale = new Set(scalePitchClasses(plan.key));
  const bars = mergeShortBars(groupIntoBars(beats));
  const chords: ChordEvent[] = [];
  const moodAt = (time: number): Emotion => plan.moods[Math.min(plan.moods.length - 1, Math.floor(time))] ?? 'neutral';
  let progression: number[] = [];
  let step = 0;
  let previousDegree = -1;
  bars.forEach((bar, index) => {
    const cut = index === 0 || bar.section !== bars[index - 1]!.section;
    // A new four-bar phrase draws a new progression (suited to the mood there).
    if (step % 4 === 0) progression = pick(rng, MOOD_PROGRESSIONS[moodAt(bar.start)] ?? PROGRESSIONS[plan.key.mode]);
    let degree = progression[step % progression.length]!;
    // A cut always changes the chord: if the progression would repeat the last one, it moves on.
    if (cut && degree === previousDegree) {
      step += 1;
      degree = progression[step % progression.length]!;
    }
    const barsLeft = bars.length - 1 - index;
    // A loop's last bar is a turnaround: IV → V, and the V leads back into the tonic of its first bar.
    if (plan.loop && bars.length > 1) {
      if (barsLeft === 0) degree = DOMINANT;
      else if (barsLeft === 1 && index > 0) degree = SUBDOMINANT;
    } else if (barsLeft === 0) degree = TONIC;
    // V → I; after a V already (the rules' or the AMT's), IV → I (plagal), so the last cut still
    // changes the chord and the dominant is not held long enough to sound like the key.
    else if (barsLeft === 1) degree = previousDegree === DOMINANT || sameRoot(chords.at(-1)?.chord, triads[DOMINANT]!) ? SUBDOMINANT : DOMINANT;
    previousDegree = degree;
    const mood = moodAt(bar.start);
    // The primer opens the piece as given (the last bar still resolves to the tonic).
    const primed = index < plan.primer.length && barsLeft > 0 ? plan.primer[index] : undefined;
    step += 1;
    // The first bar states the key (the tonic, as every progression opens) and the last two make the
    // cadence; the AMT writes everything between.
    const learned = plan.learnedChords && index > 0 && barsLeft > 1 ? learnedChordForBar(plan.learnedChords, bar, chords, cut, scale) : undefined;
    // The tonic that opens and closes the piece is plain where the mood allows it: a maj7 or 6 on the
    // home chord (relaxing's colours) blurs which key the piece is in.
    const plainTonic = degree === TONIC && (index === 0 || barsLeft === 0) && mood !== 'fearful' && mood !== 'tense';
    // The loop's turnaround is a plain V (a major triad in minor too: the leading tone pulls back to the tonic).
    const turnaround = plan.loop === true && barsLeft === 0 && bars.length > 1 ? triads[DOMINANT]! : undefined;
    // The cadence's dominant keeps its function: a V or V7, never a 6th or major 7th on it (G6 before C
    // is half an E minor chord, and the key it leads home to blurs).
    const cadentialDominant = barsLeft === 1 && degree === DOMINANT && !plan.loop;
    const coloured = colourChord(triads[degree]!, mood, scale);
    const plain = plainTonic || (cadentialDominant && NON_DOMINANT_COLOURS.has(chordQuality(coloured)));
    let chord = turnaround ?? primed ?? learned ?? (plain ? triads[degree]! : coloured);
    // Learned chords can stay put where the rules would not: a cut, or a third bar of one chord, moves on.
    for (let k = 1; !primed && !turnaround && plan.learnedChords && k < triads.length && mustChange(chord, chords, cut); k++) chord = colourChord(triads[(degree + k) % triads.length]!, mood, scale);
    chords.push({ time: bar.start, duration: bar.end - bar.start, chord });
  });
  return chords;
}

/** Whether two chord symbols stand on the same root (A and A7 both are the V of D). */
function sameRoot(a: string | undefined, b: string): boolean {
  return a !== undefined && chordPitchClasses(a)[0] === chordPitchClasses(b)[0];
}

/** The same chord at most this many bars in a row (Video2Music forbids a chord more than twice in a row). */
export const MAX_REPEAT_BARS = 2;

/**
 * The learned chord for a bar: the one the model wrote for most of the bar's seconds, passing over
 * any that would repeat the chord before a cut, hold one chord longer than MAX_REPEAT_BARS, or
 * leave the key; undefined when none qualifies (the rules then choose).
 */
function learnedChordForBar(perSecond: readonly string[], bar: Bar, before: readonly ChordEvent[], cut: boolean, scale: ReadonlySet<number>): string | undefined {
  const votes = new Map<string, number>();
  const first = Math.floor(bar.start);
  const last = Math.max(first, Math.ceil(bar.end) - 1);
  for (let second = first; second <= last; second++) {
    const chord = perSecond[Math.min(second, perSecond.length - 1)];
    if (!chord) continue;
    const overlap = Math.min(bar.end, second + 1) - Math.max(bar.start, second);
    votes.set(chord, (votes.get(chord) ?? 0) + Math.max(overlap, 0.01));
  }
  return [...votes.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([chord]) => chord)
    .find((chord) => !mustChange(chord, before, cut) && staysInKey(chord, scale));
}

/**
 * A chord the key can hold: every tone in the scale (the minor scale includes its leading tone, so
 * the major V is there). The AMT samples across all 157 classes and, left alone, drifts into
 * chromatic chains (A♯maj7 D♯maj7 in D major) or leans on secondary dominants until the piece is
 * heard in the key of its dominant, and no cadence lands.
 */
export function staysInKey(chord: string, scale: ReadonlySet<number>): boolean {
  return chordPitchClasses(chord).every((pc) => scale.has(pc));
}

/** True when `chord` would repeat the chord before a cut, or hold one chord past MAX_REPEAT_BARS. */
function mustChange(chord: string, before: readonly ChordEvent[], cut: boolean): boolean {
  const previous = before.at(-1)?.chord;
  if (chord !== previous) return false;
  return cut || (before.length >= MAX_REPEAT_BARS && before.slice(-MAX_REPEAT_BARS).every((event) => event.chord === chord));
}

export interface Bar {
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

export function groupIntoBars(beats: readonly Beat[]): Bar[] {
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
