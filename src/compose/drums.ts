// drums: one groove per style (a rock kit, four-on-the-floor, a swung lo-fi beat, orchestral
// timpani, a bare ride), thinned or filled by the picture's energy, with a crash or a roll on cuts.

import type { Rng } from '../music/random.js';
import type { ArrangementInput } from './arrange.js';
import { energyAt, velocity } from './dynamics.js';
import type { Beat, Note } from './score.js';
import type { StyleSpec } from './styles.js';

/** General MIDI percussion keys (channel 10). */
const DRUM = {
  kick: 36, sideStick: 37, snare: 38, clap: 39, closedHat: 42, openHat: 46, crash: 49, ride: 51, tambourine: 54,
} as const;
/** Timpani are a pitched GM program, but played here as percussion on the drum channel's low tom. */
const LOW_TOM = 41;
/** Energy thresholds for density levels 1, 2, 3. */
const LEVEL_ENERGY = [0.2, 0.45, 0.7] as const;

export type Groove = 'kit' | 'four-on-the-floor' | 'lofi' | 'orchestral' | 'minimal';

type Hit = (time: number, key: number, accent?: number) => void;

export function drumPart(input: ArrangementInput, style: StyleSpec, rng: Rng): Note[] {
  const notes: Note[] = [];
  let section = -1;
  input.beats.forEach((beat, index) => {
    const energy = energyAt(input.plan, beat.time);
    const byEnergy = LEVEL_ENERGY.filter((threshold) => energy >= threshold).length;
    // The shape of the piece: a lighter intro and outro, the peak one step busier.
    const part = input.plan.sections[beat.section]?.part;
    const shaped = part === 'peak' ? byEnergy + 1 : part === 'intro' || part === 'outro' ? byEnergy - 1 : byEnergy;
    const level = Math.max(0, Math.min(style.drums.maxLevel, shaped));
    const hit: Hit = (time, key, accent = 0) =>
      notes.push({ time, duration: 0.1, midi: key, velocity0to127: Math.round(velocity(energy, accent + Math.round(rng() * 6 - 3)) * style.drums.velocityScale) });
    // A new section starts at a cut: mark it once the drums are playing at all.
    if (beat.section !== section) {
      section = beat.section;
      if (section > 0 && level >= 1) hit(beat.time, style.drums.groove === 'orchestral' ? LOW_TOM : DRUM.crash, 10);
    }
    // The last beat before a cut, when the drums are busy, is a fill that leads into the hit.
    const beforeCut = input.beats[index + 1] !== undefined && input.beats[index + 1]!.section !== beat.section;
    if (beforeCut && level >= 2) fill(beat, style.drums.groove, hit);
    else if (level > 0) GROOVES[style.drums.groove](beat, level, hit, style.drums.swing);
  });
  return [...notes, ...hitAccents(input, style)];
}

/**
 * Hit points that did not become a downbeat are still played: a cymbal crash with a kick under it
 * (a timpani stroke in the orchestra, a tambourine in the sparse styles), on the beat, eighth or
 * sixteenth they landed on, or on their own frame when the grid could not reach them — the film
 * composer's accent. Strong, trusted cuts loudest.
 */
function hitAccents(input: ArrangementInput, style: StyleSpec): Note[] {
  if (style.drums.maxLevel === 0) return [];
  const groove = style.drums.groove;
  const under = groove === 'orchestral' ? LOW_TOM : groove === 'minimal' ? DRUM.tambourine : DRUM.kick;
  return input.plan.hits
    .filter((hit) => hit.landing !== 'downbeat')
    .flatMap((hit) => {
      const time = hit.landing === 'accent' ? hit.time : hit.time + hit.offset;
      const loud = Math.round(velocity(energyAt(input.plan, time), Math.round(12 * hit.weight) - 4) * style.drums.velocityScale);
      return [DRUM.crash, under].map((midi) => ({ time, duration: 0.1, midi, velocity0to127: loud }));
    });
}

/** Sixteenths that grow louder into the next downbeat: snare for kits, low toms for the orchestra. */
function fill(beat: Beat, groove: Groove, hit: Hit): void {
  const key = groove === 'orchestral' ? LOW_TOM : groove === 'minimal' ? DRUM.tambourine : DRUM.snare;
  // Dance music never drops its kick, fill or not.
  if (groove === 'four-on-the-floor') hit(beat.time, DRUM.kick, 6);
  [0, 0.25, 0.5, 0.75].forEach((step, i) => hit(beat.time + beat.duration * step, key, -10 + 6 * i));
}

/** Offbeat eighths land at `swing` of the beat (0.5 straight, ~0.62 lazy swing). */
function offbeat(beat: Beat, swing: number): number {
  return beat.time + beat.duration * swing;
}

const GROOVES: Record<Groove, (beat: Beat, level: number, hit: Hit, swing: number) => void> = {
  kit(beat, level, hit, swing) {
    const b = beat.beatInBar;
    if (level === 1) {
      if (b === 0) hit(beat.time, DRUM.kick);
      if (b === 2) hit(beat.time, DRUM.sideStick, -6);
      hit(beat.time, DRUM.closedHat, -14);
      return;
    }
    if (b === 0 || b === 2) hit(beat.time, DRUM.kick, 4);
    if (b === 1 || b === 3) hit(beat.time, DRUM.snare, 2);
    hit(beat.time, DRUM.closedHat, -8);
    if (level === 3) {
      for (const quarter of [0.25, 0.5, 0.75]) hit(beat.time + beat.duration * quarter, DRUM.closedHat, -16);
      if (b === 2) hit(beat.time + beat.duration / 2, DRUM.kick, -4);
      if (b === 3) hit(offbeat(beat, swing), DRUM.openHat, -10);
    } else {
      hit(offbeat(beat, swing), DRUM.closedHat, -16);
    }
  },
  'four-on-the-floor'(beat, level, hit) {
    hit(beat.time, DRUM.kick, 6);
    if (level >= 2 && beat.beatInBar % 2 === 1) hit(beat.time, DRUM.clap, 2);
    hit(beat.time + beat.duration / 2, DRUM.openHat, -12);
    if (level === 3) for (const quarter of [0.25, 0.75]) hit(beat.time + beat.duration * quarter, DRUM.closedHat, -18);
  },
  lofi(beat, level, hit, swing) {
    const b = beat.beatInBar;
    if (b === 0) hit(beat.time, DRUM.kick, 2);
    if (b === 1 && level >= 2) hit(offbeat(beat, swing), DRUM.kick, -8);
    if (b === 1 || b === 3) hit(beat.time, level >= 2 ? DRUM.snare : DRUM.sideStick, -4);
    hit(beat.time, DRUM.closedHat, -14);
    hit(offbeat(beat, swing), DRUM.closedHat, -20);
  },
  orchestral(beat, level, hit) {
    if (beat.beatInBar === 0) hit(beat.time, LOW_TOM, 6);
    if (level === 3) for (const step of [0.25, 0.5, 0.75]) hit(beat.time + beat.duration * step, LOW_TOM, -12);
    else if (level === 2 && beat.beatInBar === 2) hit(beat.time, LOW_TOM, -4);
  },
  minimal(beat, _level, hit) {
    hit(beat.time, DRUM.ride, -16);
    if (beat.beatInBar === 0) hit(beat.time, DRUM.tambourine, -20);
  },
};
