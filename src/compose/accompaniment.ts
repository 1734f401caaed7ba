// accompaniment: the chord part from real piano textures, after AccoMontage (Zhao & Xia 2021) —
// per phrase, POP909 bar patterns are retrieved whose density follows the picture's energy and that
// connect smoothly (a dynamic programme over candidates), re-voiced onto v2m's chords and
// orchestrated for the style's instrument (texture-orchestration). Returns the part's notes.

import type { Rng } from '../music/random.js';
import { chordPitchClasses, chordQuality, scalePitchClasses } from '../music/theory.js';
import { energyAt } from './dynamics.js';
import { chordAt, groupIntoBars } from './harmony.js';
import type { Beat, ChordEvent, Note, ScorePlan } from './score.js';
import type { ChordTexture } from './styles.js';
import { ROOT_OCTAVE_MIDI, STEPS_PER_BEAT, type TextureLibrary, type TexturePattern } from './texture-library.js';
import { orchestrate, type PlacedNote, type PlayedNote } from './texture-orchestration.js';

export interface AccompanimentInput {
  plan: ScorePlan;
  beats: readonly Beat[];
  chords: readonly ChordEvent[];
}

/** A phrase is at most this many bars (AccoMontage retrieves 4- and 8-bar phrases); a cut starts a new one. */
const PHRASE_BARS = 4;
/** Patterns drawn per phrase (shared by its bars, so a phrase can keep one texture) and per bar. */
const CANDIDATES_PER_PHRASE = 24;
const CANDIDATES_PER_BAR = 6;
/** Candidates are drawn at random from this many best-fitting patterns: the seed varies the texture, the fit bounds it. */
const DRAW_POOL_PER_PHRASE = 160;
const DRAW_POOL_PER_BAR = 40;
/** Continuity across a phrase boundary weighs this much of continuity inside a phrase: a new phrase may change texture. */
const PHRASE_BOUNDARY_CONTINUITY = 0.3;
/** A passing tone is cut to this (seconds): shorter than the quarter second a rub needs to be heard as a clash (EVALUATION.md §6). */
const PASSING_TONE_MAX_SECONDS = 0.24;
/**
 * Weights of the costs (in units of "one onset per beat off target"). A bar that replays the bar
 * before on the same chord costs as much as a texture change: POP909's arrangements almost never
 * repeat a whole bar exactly (EVALUATION.md §6), they vary the figure.
 */
const WEIGHT = { density: 1, offbeat: 1.5, quality: 0.3, continuityDensity: 0.5, continuityRhythm: 1, continuityRegister: 0.08, continuitySustain: 0.15, replayedBar: 0.8 };

interface BarSlot {
  start: number;
  beatSeconds: number;
  beats: number;
  energy: number;
  phraseStart: boolean;
  /** Target onsets per beat for this bar's energy in this style. */
  targetDensity: number;
}

export function accompanimentPart(input: AccompanimentInput, texture: ChordTexture, library: TextureLibrary, rng: Rng): Note[] {
  const bars = barSlots(input, texture);
  const patterns = chooseTextures(bars, input, texture, library, rng);
  const scale = scalePitchClasses(input.plan.key);
  const swing = input.plan.spec.drums.swing;
  const notes: Note[] = [];
  let previousMean: number | undefined;
  bars.forEach((bar, index) => {
    const voiced = revoiceBar(patterns[index]!, bar, input.chords, scale, texture.range, previousMean);
    previousMean = voiced.meanMidi ?? previousMean;
    for (const played of orchestrateByChord(voiced.notes, bar, input.chords, texture)) notes.push(toNote(played, bar, swing));
  });
  return trimAtChordChanges(notes, input.chords);
}

function barSlots(input: AccompanimentInput, texture: ChordTexture): BarSlot[] {
  const [low, high] = texture.onsetsPerBeat;
  let barsInPhrase = 0;
  return groupIntoBars(input.beats).map((bar, index, all) => {
    const beatSeconds = (bar.end - bar.start) / bar.beats;
    const energies = Array.from({ length: bar.beats }, (_, beat) => energyAt(input.plan, bar.start + beat * beatSeconds));
    const energy = energies.reduce((sum, value) => sum + value, 0) / energies.length;
    const phraseStart = index === 0 || bar.section !== all[index - 1]!.section || barsInPhrase === PHRASE_BARS;
    barsInPhrase = phraseStart ? 1 : barsInPhrase + 1;
    return { start: bar.start, beatSeconds, beats: bar.beats, energy, phraseStart, targetDensity: low + (high - low) * energy };
  });
}

/** Library patterns that tile a bar of `beats`: three-beat figures for bars of 3 and 6, four-beat ones otherwise. */
function fitsBar(pattern: TexturePattern, beats: number): boolean {
  return pattern.beats === (beats % 3 === 0 ? 3 : 4);
}

/** How badly a pattern fits one bar on its own: density off target, syncopation the style avoids, another chord family. */
function fitCost(pattern: TexturePattern, targetDensity: number, texture: ChordTexture, chordFamily: QualityFamily): number {
  const density = Math.abs(pattern.features.onsetsPerBeat - targetDensity);
  const offbeat = pattern.features.offbeatShare * texture.syncopationCost;
  const quality = qualityFamily(pattern.quality) === chordFamily ? 0 : 1;
  return WEIGHT.density * density + WEIGHT.offbeat * offbeat + WEIGHT.quality * quality;
}

const MINOR_QUALITIES = new Set(['min', 'min7', 'min6', 'minmaj7', 'dim', 'hdim7', 'dim7']);
const MAJOR_QUALITIES = new Set(['maj', '7', 'maj7', 'maj6', 'aug']);

/** Major, minor or neither (suspended, other): a texture played over a minor chord suits a minor chord best. */
type QualityFamily = 'major' | 'minor' | 'other';

function qualityFamily(quality: string): QualityFamily {
  return MINOR_QUALITIES.has(quality) ? 'minor' : MAJOR_QUALITIES.has(quality) ? 'major' : 'other';
}

/** How far two consecutive patterns are apart: density, rhythm (onset sixteenths that differ), register and held voices. */
function continuityCost(a: TexturePattern, b: TexturePattern): number {
  if (a === b) return 0;
  const rhythm = differingBits(a.features.onsetMask, b.features.onsetMask) / (STEPS_PER_BEAT * Math.max(a.beats, b.beats));
  return (
    WEIGHT.continuityDensity * Math.abs(a.features.onsetsPerBeat - b.features.onsetsPerBeat) +
    WEIGHT.continuityRhythm * rhythm +
    WEIGHT.continuityRegister * Math.abs(a.features.meanPitch - b.features.meanPitch) +
    WEIGHT.continuitySustain * Math.abs(a.features.sustainedVoices - b.features.sustainedVoices)
  );
}

/** Bits set in one mask and not the other (masks hold at most 24 sixteenths, inside 32-bit integers). */
function differingBits(a: number, b: number): number {
  let bits = (a ^ b) >>> 0;
  let count = 0;
  for (; bits !== 0; bits &= bits - 1) count++;
  return count;
}

/** Library patterns ranked by fit, best first; ranked lists are shared between bars that ask for the same fit. */
type Ranking = (beats: number, targetDensity: number, chordFamily: QualityFamily) => readonly TexturePattern[];

/** Targets closer than this (onsets per beat) rank alike: the library's densities are multiples of a quarter. */
const DENSITY_RESOLUTION = 0.125;

function ranking(library: TextureLibrary, texture: ChordTexture): Ranking {
  const cache = new Map<string, TexturePattern[]>();
  return (beats, targetDensity, chordFamily) => {
    const density = Math.round(targetDensity / DENSITY_RESOLUTION) * DENSITY_RESOLUTION;
    const key = `${beats}|${density}|${chordFamily}`;
    let ranked = cache.get(key);
    if (!ranked) {
      ranked = library.patterns
        .filter((pattern) => fitsBar(pattern, beats))
        .map((pattern, index) => ({ pattern, index, cost: fitCost(pattern, density, texture, chordFamily) }))
        .sort((a, b) => a.cost - b.cost || a.index - b.index)
        .map((entry) => entry.pattern);
      cache.set(key, ranked);
    }
    return ranked;
  };
}

/** `count` patterns drawn (seeded) from the first `pool` of a ranked list. */
function draw(ranked: readonly TexturePattern[], pool: number, count: number, rng: Rng): TexturePattern[] {
  const best = ranked.slice(0, pool);
  const drawn: TexturePattern[] = [];
  while (drawn.length < count && best.length > 0) drawn.push(best.splice(Math.floor(rng() * best.length), 1)[0]!);
  return drawn;
}

/**
 * One pattern per bar: candidates per phrase and per bar, then the path through them with the least
 * fit plus continuity cost (Viterbi), so the texture follows the energy without jumping about.
 */
function chooseTextures(bars: readonly BarSlot[], input: AccompanimentInput, texture: ChordTexture, library: TextureLibrary, rng: Rng): TexturePattern[] {
  const rank = ranking(library, texture);
  const candidates: TexturePattern[][] = [];
  let phrasePool: TexturePattern[] = [];
  bars.forEach((bar, index) => {
    const chord = qualityFamily(chordQuality(chordAt(input.chords, bar.start).chord));
    if (bar.phraseStart) {
      const phrase = bars.slice(index, index + PHRASE_BARS);
      const end = phrase.findIndex((next, offset) => offset > 0 && next.phraseStart);
      const phraseBars = end > 0 ? phrase.slice(0, end) : phrase;
      const phraseDensity = phraseBars.reduce((sum, next) => sum + next.targetDensity, 0) / phraseBars.length;
      phrasePool = draw(rank(bar.beats, phraseDensity, chord), DRAW_POOL_PER_PHRASE, CANDIDATES_PER_PHRASE, rng);
    }
    const own = draw(rank(bar.beats, bar.targetDensity, chord), DRAW_POOL_PER_BAR, CANDIDATES_PER_BAR, rng);
    candidates.push([...new Set([...phrasePool.filter((pattern) => fitsBar(pattern, bar.beats)), ...own])]);
  });
  return withoutReplayedBars(cheapestPath(bars, candidates, input, texture), bars, candidates, input, texture);
}

/** A figure on a chord is not replayed within this many bars (a four-bar phrase varies its bars). */
const REPLAY_WINDOW_BARS = 3;

/**
 * Where the path plays the same figure on the same chord as one of the few bars before it — that
 * bar again note for note, which POP909's pianists almost never do — the bar takes the candidate
 * that fits it and its neighbours best among those not yet played on that chord there.
 */
function withoutReplayedBars(path: TexturePattern[], bars: readonly BarSlot[], candidates: readonly TexturePattern[][], input: AccompanimentInput, texture: ChordTexture): TexturePattern[] {
  const chordOf = (index: number) => chordAt(input.chords, bars[index]!.start).chord;
  for (let index = 1; index < path.length; index++) {
    const chord = chordOf(index);
    const played = new Set<TexturePattern>();
    for (let before = Math.max(0, index - REPLAY_WINDOW_BARS); before < index; before++) if (chordOf(before) === chord) played.add(path[before]!);
    if (!played.has(path[index]!)) continue;
    const family = qualityFamily(chordQuality(chord));
    const cost = (pattern: TexturePattern) =>
      fitCost(pattern, bars[index]!.targetDensity, texture, family) +
      continuityCost(path[index - 1]!, pattern) +
      (index + 1 < path.length ? continuityCost(pattern, path[index + 1]!) : 0);
    const fresh = candidates[index]!.filter((pattern) => !played.has(pattern));
    if (fresh.length > 0) path[index] = fresh.reduce((best, pattern) => (cost(pattern) < cost(best) ? pattern : best));
  }
  return path;
}

function cheapestPath(bars: readonly BarSlot[], candidates: readonly TexturePattern[][], input: AccompanimentInput, texture: ChordTexture): TexturePattern[] {
  const costs: number[][] = [];
  const back: number[][] = [];
  bars.forEach((bar, index) => {
    const symbol = chordAt(input.chords, bar.start).chord;
    const chord = qualityFamily(chordQuality(symbol));
    const weight = bar.phraseStart ? PHRASE_BOUNDARY_CONTINUITY : 1;
    // The same figure on the same chord again is the bar before replayed note for note.
    const sameChord = index > 0 && chordAt(input.chords, bars[index - 1]!.start).chord === symbol;
    costs.push([]);
    back.push([]);
    candidates[index]!.forEach((pattern, j) => {
      let best = 0;
      let bestCost = index === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (index > 0) {
        candidates[index - 1]!.forEach((previous, i) => {
          const cost = costs[index - 1]![i]! + weight * continuityCost(previous, pattern) + (sameChord && previous === pattern ? WEIGHT.replayedBar : 0);
          if (cost < bestCost) [best, bestCost] = [i, cost];
        });
      }
      costs[index]![j] = bestCost + fitCost(pattern, bar.targetDensity, texture, chord);
      back[index]![j] = best;
    });
  });
  const path: TexturePattern[] = [];
  let j = costs.at(-1)?.reduce((best, cost, i, all) => (cost < all[best]! ? i : best), 0) ?? 0;
  for (let index = bars.length - 1; index >= 0; index--) {
    path.unshift(candidates[index]![j]!);
    j = back[index]![j]!;
  }
  return path;
}

/**
 * The pattern tiled over the bar and re-voiced onto the chords sounding at each note: a chord tone
 * becomes the new chord's tone of the same rank (root, third, fifth, seventh — or the nearest tone
 * when the new chord has no such rank), any other note the nearest scale tone, cut short so it
 * passes; a note on a chord change always becomes a chord tone. The bar then moves by octaves to
 * sit in the range near the previous bar, and notes still outside fold in.
 */
function revoiceBar(pattern: TexturePattern, bar: BarSlot, chords: readonly ChordEvent[], scale: readonly number[], range: readonly [number, number], previousMean: number | undefined): { notes: PlacedNote[]; meanMidi?: number } {
  const barSteps = bar.beats * STEPS_PER_BEAT;
  const patternSteps = pattern.beats * STEPS_PER_BEAT;
  const passingSteps = Math.max(1, Math.floor(PASSING_TONE_MAX_SECONDS / (bar.beatSeconds / STEPS_PER_BEAT)));
  const raw: PlacedNote[] = [];
  for (let offset = 0; offset < barSteps; offset += patternSteps) {
    for (const note of pattern.notes) {
      const step = note.step + offset;
      if (step >= barSteps) continue;
      const time = bar.start + (step * bar.beatSeconds) / STEPS_PER_BEAT;
      const chord = chordAt(chords, time);
      const pcs = chordPitchClasses(chord.chord);
      const onChange = step === 0 || Math.abs(chord.time - time) < bar.beatSeconds / STEPS_PER_BEAT / 2;
      const root = ROOT_OCTAVE_MIDI + pcs[0]!;
      const source = root + note.semitonesFromRoot;
      const octaveBase = root + 12 * Math.floor(note.semitonesFromRoot / 12);
      const rank = note.chordTone;
      const midi =
        rank !== undefined && pcs[rank] !== undefined
          ? octaveBase + ((pcs[rank]! - pcs[0]! + 12) % 12)
          : rank !== undefined || onChange
            ? nearestOf(source, pcs)
            : nearestOf(source, [...scale, ...pcs]);
      const chordTone = pcs.includes(midi % 12);
      const lengthSteps = Math.min(note.lengthSteps, barSteps - step, chordTone ? barSteps : passingSteps);
      raw.push({ step, lengthSteps, midi, accent: note.accent, chordTone });
    }
  }
  if (raw.length === 0) return { notes: [] };
  const shift = registerShift(raw, range, previousMean);
  const placed = raw.map((note) => ({ ...note, midi: foldInto(note.midi + shift, range) }));
  const unique = [...new Map(placed.map((note) => [`${note.step}:${note.midi}`, note])).values()].sort((a, b) => a.step - b.step || a.midi - b.midi);
  return { notes: unique, meanMidi: unique.reduce((sum, note) => sum + note.midi, 0) / unique.length };
}

/** The pitch nearest `midi` whose pitch class is among `pcs` (the lower on a tie). */
function nearestOf(midi: number, pcs: readonly number[]): number {
  for (let distance = 0; distance <= 6; distance++) {
    if (pcs.includes((((midi - distance) % 12) + 12) % 12)) return midi - distance;
    if (pcs.includes((midi + distance) % 12)) return midi + distance;
  }
  return midi;
}

/** Octaves to move a bar by: its mean near the middle of the range and near the previous bar, few notes left outside. */
function registerShift(notes: readonly PlacedNote[], range: readonly [number, number], previousMean: number | undefined): number {
  const mean = notes.reduce((sum, note) => sum + note.midi, 0) / notes.length;
  const centre = (range[0] + range[1]) / 2;
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let octaves = -3; octaves <= 3; octaves++) {
    const shift = 12 * octaves;
    const outside = notes.filter((note) => note.midi + shift < range[0] || note.midi + shift > range[1]).length / notes.length;
    const cost = Math.abs(mean + shift - centre) + 0.5 * Math.abs(mean + shift - (previousMean ?? centre)) + 24 * outside;
    if (cost < bestCost) [best, bestCost] = [shift, cost];
  }
  return best;
}

function foldInto(midi: number, range: readonly [number, number]): number {
  let folded = midi;
  while (folded < range[0]) folded += 12;
  while (folded > range[1]) folded -= 12;
  return folded < range[0] ? midi : folded;
}

/** The bar orchestrated chord by chord, so a strum or a held string never mixes the tones of two chords. */
function orchestrateByChord(notes: readonly PlacedNote[], bar: BarSlot, chords: readonly ChordEvent[], texture: ChordTexture): PlayedNote[] {
  const barSteps = bar.beats * STEPS_PER_BEAT;
  const stepSeconds = bar.beatSeconds / STEPS_PER_BEAT;
  const barEnd = bar.start + bar.beats * bar.beatSeconds;
  const changes = chords
    .filter((chord) => chord.time > bar.start && chord.time < barEnd)
    .map((chord) => Math.round((chord.time - bar.start) / stepSeconds))
    .filter((step) => step > 0 && step < barSteps);
  const bounds = [0, ...new Set(changes), barSteps];
  return bounds.slice(0, -1).flatMap((start, index) => {
    const end = bounds[index + 1]!;
    const inSegment = notes.filter((note) => note.step >= start && note.step < end).map((note) => ({ ...note, step: note.step - start, lengthSteps: Math.min(note.lengthSteps, end - note.step) }));
    const context = { figure: texture.figure, barSteps: end - start, energy: bar.energy, chordPitchClasses: chordPitchClasses(chordAt(chords, bar.start + start * stepSeconds).chord), range: texture.range };
    return orchestrate(inSegment, context).map((note) => ({ ...note, step: note.step + start }));
  });
}

/** A placed note in seconds: offbeat eighths late by the style's swing (0.5 = straight), as the drums play them. */
function toNote(placed: PlayedNote, bar: BarSlot, swing: number): Note {
  const stepSeconds = bar.beatSeconds / STEPS_PER_BEAT;
  const swungStep = (step: number): number => {
    const beat = Math.floor(step / STEPS_PER_BEAT);
    const within = (step % STEPS_PER_BEAT) / STEPS_PER_BEAT;
    const swung = within <= 0.5 ? (within / 0.5) * swing : swing + ((within - 0.5) / 0.5) * (1 - swing);
    return (beat + swung) * STEPS_PER_BEAT;
  };
  const time = bar.start + swungStep(placed.step) * stepSeconds + placed.delaySeconds;
  const end = bar.start + swungStep(placed.step + placed.lengthSteps) * stepSeconds;
  return { time, duration: Math.max(0.02, end - time), midi: placed.midi, velocity0to127: placed.velocity0to127 };
}

/** No note sustains across a chord change: each ends at the next chord's start. */
function trimAtChordChanges(notes: readonly Note[], chords: readonly ChordEvent[]): Note[] {
  return notes.map((note) => {
    const next = chords.find((chord) => chord.time > note.time + 1e-6);
    return next && note.time + note.duration > next.time ? { ...note, duration: next.time - note.time } : note;
  });
}
