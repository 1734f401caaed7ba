// melody: a motif and its development. One short motif (a rhythm on the eighth-note grid and a
// contour in scale steps) is drawn per piece; every bar replays it on the bar's chord, in four-bar
// phrases A A′ A B — A′ answers a step higher, B closes on a long chord tone — so the tune repeats
// enough to be remembered and varies enough to go somewhere. Strong beats sit on chord tones.

import { pick, type Rng } from '../music/random.js';
import { chordPitchClasses, scalePitchClasses } from '../music/theory.js';
import { energyAt, velocity } from './dynamics.js';
import { chordAt, groupIntoBars } from './harmony.js';
import type { ChordEvent, Note, ScorePlan } from './score.js';
import type { Beat } from './score.js';

export interface Motif {
  /** Onsets in eighths of the bar (0–7), ascending, starting at 0. */
  rhythm: number[];
  /** Scale steps between consecutive notes. */
  steps: number[];
}

const EIGHTHS_PER_BAR = 8;
/** Below this picture energy the melody rests: quiet scenes get harmony alone. */
const MELODY_MIN_ENERGY = 0.12;

export function drawMotif(rng: Rng): Motif {
  const rhythm = [0];
  for (let eighth = 1; eighth < EIGHTHS_PER_BAR - 1; eighth++) if (rng() < (eighth % 2 === 0 ? 0.6 : 0.3)) rhythm.push(eighth);
  const steps = rhythm.slice(1).map(() => pick(rng, [-2, -1, -1, 1, 1, 2, 0, 3]));
  return { rhythm, steps };
}

export interface MelodyInput {
  plan: ScorePlan;
  beats: readonly Beat[];
  chords: readonly ChordEvent[];
  range: readonly [number, number];
}

export function melodyPart(input: MelodyInput, rng: Rng): Note[] {
  const motif = drawMotif(rng);
  const scale = scaleLadder(input.plan, input.range);
  const bars = groupIntoBars(input.beats);
  const notes: Note[] = [];
  let previousPitch = Math.round((input.range[0] + input.range[1]) / 2);
  let barInPhrase = 0;
  let section = -1;
  bars.forEach((bar, index) => {
    if (bar.section !== section) {
      section = bar.section;
      barInPhrase = 0;
    }
    const energy = energyAt(input.plan, bar.start);
    const phrasePosition = barInPhrase % 4;
    barInPhrase += 1;
    // The first bar and the intro scene set the stage, the last bar is the held ending chord: the tune lives in between.
    const intro = input.plan.sections[bar.section]?.part === 'intro' && input.plan.sections.length > 2;
    if (index === 0 || intro || index === bars.length - 1 || energy < MELODY_MIN_ENERGY) return;
    const chordTones = new Set(chordPitchClasses(chordAt(input.chords, bar.start).chord));
    const eighth = (bar.end - bar.start) / (bar.beats * 2);
    const onsets = phrasePosition === 3 ? motif.rhythm.filter((o) => o < 4) : motif.rhythm;
    let degree = nearestIndex(scale, nearestChordTone(previousPitch + (phrasePosition === 1 ? 2 : 0), chordTones));
    onsets.forEach((onset, i) => {
      if (onset >= bar.beats * 2) return;
      if (i > 0) degree = clampIndex(degree + motif.steps[i - 1]! * (phrasePosition === 2 && i === onsets.length - 1 ? -1 : 1), scale.length);
      let pitch = scale[degree]!;
      // Strong eighths (beats 1 and 3) take the nearest chord tone.
      if (onset % 4 === 0) {
        pitch = nearestChordTone(pitch, chordTones, input.range);
        degree = nearestIndex(scale, pitch);
      }
      const next = onsets[i + 1] ?? Math.min(bar.beats * 2, phrasePosition === 3 ? EIGHTHS_PER_BAR : onset + 2);
      const time = bar.start + onset * eighth;
      notes.push({ time, duration: (next - onset) * eighth * 0.95, midi: pitch, velocity0to127: velocity(energy, onset % 4 === 0 ? 4 : -4) });
      previousPitch = pitch;
    });
  });
  return notes;
}

/** Every scale pitch inside the range, ascending. */
function scaleLadder(plan: ScorePlan, range: readonly [number, number]): number[] {
  const pcs = new Set(scalePitchClasses(plan.key));
  const ladder: number[] = [];
  for (let midi = range[0]; midi <= range[1]; midi++) if (pcs.has(midi % 12)) ladder.push(midi);
  return ladder;
}

function nearestChordTone(pitch: number, chordTones: ReadonlySet<number>, range?: readonly [number, number]): number {
  for (let distance = 0; distance < 12; distance++) {
    for (const candidate of [pitch - distance, pitch + distance]) {
      if (range && (candidate < range[0] || candidate > range[1])) continue;
      if (chordTones.has(((candidate % 12) + 12) % 12)) return candidate;
    }
  }
  return pitch;
}

function nearestIndex(ladder: readonly number[], pitch: number): number {
  let best = 0;
  ladder.forEach((p, i) => {
    if (Math.abs(p - pitch) < Math.abs(ladder[best]! - pitch)) best = i;
  });
  return best;
}

function clampIndex(index: number, length: number): number {
  return Math.max(0, Math.min(length - 1, index));
}
