// mix: the written Score as produced — what a mix engineer and the players add to the notes: pan and
// depth per role, reverb and chorus sends per style, expression swells that follow the dynamics curve,
// the sustain pedal on piano at chord changes and a small seeded humanisation. Returns a new Score
// whose tracks carry `controls`; pure, deterministic per seed.

import { clamp } from '../numbers.js';
import { streamRng, type Rng } from '../music/random.js';
import type { ChordEvent, ControlChange, Note, Score, ScorePlan, StyleName, Track, TrackRole } from './score.js';

/** The General MIDI controllers the mix writes. */
export const CONTROLLER = { pan: 10, expression: 11, sustainPedal: 64, reverbSend: 91, chorusSend: 93 } as const;

/**
 * Where each role sits: pan from −1 (left) to 1 (right) and depth, a multiplier of the style's reverb
 * and chorus sends (low: close and dry; high: far back). The usual film and pop placement: the low end
 * (bass, kick) in the centre and close, the melody near the centre in front, the chord instrument a
 * little left, the pad wide to the right and far, the cut hits left of centre against it. The drums stay
 * centred: a General MIDI kit pans its own pieces (hi-hat, toms, cymbals) key by key.
 */
export const ROLE_PLACEMENT: Record<TrackRole, { pan: number; reverbDepth: number; chorusDepth: number }> = {
  bass: { pan: 0, reverbDepth: 0.35, chorusDepth: 0 },
  drums: { pan: 0, reverbDepth: 0.6, chorusDepth: 0 },
  melody: { pan: 0.1, reverbDepth: 0.8, chorusDepth: 0.4 },
  chords: { pan: -0.35, reverbDepth: 0.9, chorusDepth: 1 },
  pad: { pan: 0.5, reverbDepth: 1.3, chorusDepth: 1 },
  hits: { pan: -0.3, reverbDepth: 1, chorusDepth: 0.3 },
};

/**
 * Each style's room: reverb and chorus sends (MIDI 0–127, before the role's depth) and how much the
 * players are humanised (1: up to HUMANISE's full amounts). Film and ambient music sit in a hall, a
 * band and electronic tracks are drier and closer, lo-fi gets a little chorus wobble; sequenced
 * electronic parts keep nearly quantised timing.
 */
export const STYLE_ROOM: Record<StyleName, { reverbSend: number; chorusSend: number; humanise: number }> = {
  cinematic: { reverbSend: 80, chorusSend: 20, humanise: 1 },
  ambient: { reverbSend: 90, chorusSend: 40, humanise: 1 },
  piano: { reverbSend: 60, chorusSend: 0, humanise: 1 },
  band: { reverbSend: 35, chorusSend: 12, humanise: 1 },
  electronic: { reverbSend: 30, chorusSend: 15, humanise: 0.25 },
  lofi: { reverbSend: 40, chorusSend: 35, humanise: 1 },
};

/**
 * Humanisation limits: small enough to stay inside a frame of video (≈ 40 ms) and under what a
 * listener hears as a mistake, large enough to loosen a machine-exact grid.
 */
export const HUMANISE = { maxTimingSeconds: 0.012, maxVelocitySteps: 6 } as const;
/** A note within this of a hit point is played as written. */
const HIT_POINT_GUARD_SECONDS = 0.001;
/** Notes that start together (a chord) within this are moved together. */
const SAME_ONSET_SECONDS = 1e-6;
/** A humanised note keeps at least this much length (unless the next note of its pitch comes sooner). */
const SHORTEST_NOTE_SECONDS = 0.02;
/** The least a note lasts when it must end where the next note of its pitch starts. */
const MIN_GAP_SECONDS = 0.001;

/** Expression (CC11) range: the quietest energy still sounds (−8.6 dB as CC11 is squared), energy 1 is full. */
const EXPRESSION_FLOOR = 76;
/** The dynamics curve is smoothed over this window, so the expression swells rather than steps each second. */
const SWELL_SECONDS = 2;
/** Expression is evaluated this often (and written only where its value changes). */
const EXPRESSION_STEP_SECONDS = 0.1;

/** The pedal comes up this long before a chord change (the old harmony is damped) and goes down this long after it. */
const PEDAL_UP_BEFORE_SECONDS = 0.03;
const PEDAL_DOWN_AFTER_SECONDS = 0.08;
/** Instruments played with a sustain pedal: acoustic and electric pianos (GM 1–8) and the vibraphone's damper bar. */
const PEDAL_PROGRAMS = new Set([0, 1, 2, 3, 4, 5, 6, 7, 11]);
/** Bowed and sung sustained instruments (GM strings, ensembles, choirs, 41–56), whatever role they play. */
const SUSTAINED_PROGRAMS = { first: 40, last: 55 } as const;

export interface MixInput {
  plan: ScorePlan;
  chords: readonly ChordEvent[];
  score: Score;
}

export function produceMix(input: MixInput): Score {
  const rng = streamRng(input.plan.seed, 'humanise');
  const hitPoints = hitPointTimes(input.plan);
  const finalChordTime = input.chords[input.chords.length - 1]?.time;
  const tracks = input.score.tracks.map((track) => {
    // Each track humanised from the same stream in Score order: deterministic per seed.
    const notes = track.isDrums ? [...track.notes] : humanise(track.notes, { rng, hitPoints, amount: STYLE_ROOM[input.plan.style].humanise, finalChordTime });
    return { ...track, notes, controls: trackControls(track, input) };
  });
  return { ...input.score, tracks };
}

/** Pan and sends at the start, then expression and pedal where the part calls for them, in time order. */
function trackControls(track: Track, input: MixInput): ControlChange[] {
  const placement = ROLE_PLACEMENT[track.role];
  const room = STYLE_ROOM[input.plan.style];
  const controls: ControlChange[] = [
    { time: 0, controller: CONTROLLER.pan, value0to127: panValue(placement.pan) },
    { time: 0, controller: CONTROLLER.reverbSend, value0to127: sendValue(room.reverbSend * placement.reverbDepth) },
    { time: 0, controller: CONTROLLER.chorusSend, value0to127: sendValue(room.chorusSend * placement.chorusDepth) },
  ];
  if (isSustained(track, input.plan)) controls.push(...expressionCurve(input.plan, input.score.duration));
  if (isPedalled(track)) controls.push(...pedalAtChordChanges(input.chords, input.score.duration));
  return controls.sort((a, b) => a.time - b.time);
}

/** MIDI pan 0–127 for −1…1; 64 is the centre. */
function panValue(pan: number): number {
  return clamp(Math.round(64 + 63 * pan), 0, 127);
}

function sendValue(amount: number): number {
  return clamp(Math.round(amount), 0, 127);
}

/** Parts that hold their notes and so can swell under them: pads, cut hits, held chords, bowed and sung instruments. */
function isSustained(track: Track, plan: ScorePlan): boolean {
  if (track.isDrums || track.role === 'bass') return false;
  if (track.role === 'pad' || track.role === 'hits') return true;
  if (track.program >= SUSTAINED_PROGRAMS.first && track.program <= SUSTAINED_PROGRAMS.last) return true;
  return track.role === 'chords' && (plan.spec.chords.figure === 'held' || plan.spec.chords.figure === 'sparse');
}

function isPedalled(track: Track): boolean {
  return !track.isDrums && track.role !== 'bass' && PEDAL_PROGRAMS.has(track.program);
}

/** CC11 following the plan's energy, smoothed into swells; a value is written only where it changes. */
function expressionCurve(plan: ScorePlan, duration: number): ControlChange[] {
  const controls: ControlChange[] = [];
  const steps = Math.floor(duration / EXPRESSION_STEP_SECONDS);
  for (let step = 0; step <= steps; step++) {
    const time = step * EXPRESSION_STEP_SECONDS;
    const value0to127 = Math.round(EXPRESSION_FLOOR + (127 - EXPRESSION_FLOOR) * smoothedEnergy(plan.energyPerSecond, time));
    if (controls[controls.length - 1]?.value0to127 !== value0to127) controls.push({ time, controller: CONTROLLER.expression, value0to127 });
  }
  return controls;
}

/** The energy curve (one value per second, taken at each second's middle) interpolated and averaged over SWELL_SECONDS around `time`. */
function smoothedEnergy(energyPerSecond: readonly number[], time: number): number {
  const samples = Math.round(SWELL_SECONDS / EXPRESSION_STEP_SECONDS);
  let sum = 0;
  for (let i = 0; i <= samples; i++) sum += interpolatedEnergy(energyPerSecond, time - SWELL_SECONDS / 2 + i * EXPRESSION_STEP_SECONDS);
  return clamp(sum / (samples + 1), 0, 1);
}

function interpolatedEnergy(energyPerSecond: readonly number[], time: number): number {
  if (energyPerSecond.length === 0) return 0;
  const position = clamp(time - 0.5, 0, energyPerSecond.length - 1);
  const below = Math.floor(position);
  const above = Math.min(energyPerSecond.length - 1, below + 1);
  const fraction = position - below;
  return energyPerSecond[below]! * (1 - fraction) + energyPerSecond[above]! * fraction;
}

/**
 * Legato pedalling: down just after each chord starts, up just before the next, so one harmony rings
 * and never blurs into the next; up at the end.
 */
function pedalAtChordChanges(chords: readonly ChordEvent[], duration: number): ControlChange[] {
  const controls: ControlChange[] = [];
  chords.forEach((chord, i) => {
    const end = Math.min(duration, chords[i + 1]?.time ?? duration);
    const down = chord.time + PEDAL_DOWN_AFTER_SECONDS;
    const up = i + 1 < chords.length ? end - PEDAL_UP_BEFORE_SECONDS : end;
    // A chord too short to pedal (under a tenth of a second) is played on the keys alone.
    if (up <= down) return;
    controls.push({ time: down, controller: CONTROLLER.sustainPedal, value0to127: 127 });
    controls.push({ time: up, controller: CONTROLLER.sustainPedal, value0to127: 0 });
  });
  return controls;
}

/** Every time a hit point may sound: on its own frame (an accent) or on the beat or eighth it landed on. */
function hitPointTimes(plan: ScorePlan): number[] {
  return plan.hits.flatMap((hit) => [hit.time, hit.time + hit.offset]).sort((a, b) => a - b);
}

interface HumaniseOptions {
  rng: Rng;
  /** Times that are played as written (hit points). */
  hitPoints: readonly number[];
  /** 0–1: share of HUMANISE's limits this style uses. */
  amount: number;
  /** When the final chord starts: everyone strikes it together. */
  finalChordTime: number | undefined;
}

/**
 * Loosens a part as a player would: each attack (a chord moves as one) comes up to
 * HUMANISE.maxTimingSeconds early or late and each note's velocity moves by up to
 * HUMANISE.maxVelocitySteps, both triangular (small moves likelier). Releases stay where they were
 * written — at the chord change, at the final cut-off — so no note rings into a harmony it does not
 * belong to. Notes on a hit point, the opening notes and the final chord (struck together) stay put;
 * a note never runs into the next note of its pitch.
 */
export function humanise(notes: readonly Note[], options: HumaniseOptions): Note[] {
  const maxShift = HUMANISE.maxTimingSeconds * options.amount;
  const order = notes.map((_, i) => i).sort((a, b) => notes[a]!.time - notes[b]!.time);
  const moved: Note[] = new Array(notes.length);
  let groupTime = Number.NEGATIVE_INFINITY;
  let groupShift = 0;
  let groupAsWritten = false;
  for (const index of order) {
    const note = notes[index]!;
    if (note.time - groupTime > SAME_ONSET_SECONDS) {
      groupTime = note.time;
      groupAsWritten = onHitPoint(note.time, options.hitPoints) || (options.finalChordTime !== undefined && Math.abs(note.time - options.finalChordTime) <= SAME_ONSET_SECONDS);
      groupShift = groupAsWritten || note.time < maxShift ? 0 : triangular(options.rng) * maxShift;
    }
    // Drawn for every note, pinned or not, so one pinned note does not reshuffle the rest of the part.
    const velocityShift = Math.round(triangular(options.rng) * HUMANISE.maxVelocitySteps);
    if (groupAsWritten) {
      moved[index] = note;
      continue;
    }
    const time = note.time + groupShift;
    const end = note.time + note.duration;
    moved[index] = {
      time,
      duration: Math.max(SHORTEST_NOTE_SECONDS, end - time),
      midi: note.midi,
      velocity0to127: clamp(note.velocity0to127 + velocityShift, 1, 127),
    };
  }
  return separateRepeatedPitches(moved);
}

/** −1…1, peaked at 0 (the sum of two uniform draws). */
function triangular(rng: Rng): number {
  return rng() + rng() - 1;
}

function onHitPoint(time: number, hitPoints: readonly number[]): boolean {
  return hitPoints.some((hit) => Math.abs(hit - time) <= HIT_POINT_GUARD_SECONDS);
}

/** A note that now overlaps the next note of its pitch ends where that one starts (its note-off would cut the next short). */
function separateRepeatedPitches(notes: Note[]): Note[] {
  const nextStartByPitch = new Map<number, number>();
  const order = notes.map((_, i) => i).sort((a, b) => notes[b]!.time - notes[a]!.time);
  const result = [...notes];
  for (const index of order) {
    const note = result[index]!;
    const next = nextStartByPitch.get(note.midi);
    if (next !== undefined && note.time + note.duration > next) result[index] = { ...note, duration: Math.max(next - note.time, MIN_GAP_SECONDS) };
    nextStartByPitch.set(note.midi, note.time);
  }
  return result;
}
