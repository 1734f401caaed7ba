// plan: the long view of the whole video — style, key, reference tempo, and the tempo map laid out in
// sections from downbeat hit to downbeat hit (compose/tempo-map, compose/grid), with the reasons.

import { topEmotion, type Emotion } from '../analysis/emotion.js';
import type { VideoTimeline } from '../analysis/timeline.js';
import { streamSeed } from '../music/random.js';
import { chordQuality, chordRoot, type MusicalKey, type Mode } from '../music/theory.js';
import { shippedMelodyModel } from '../models/melody.js';
import { dynamicsCurve, type DynamicsCurve } from './dynamics.js';
import { layOutSections, type SectionLayout } from './grid.js';
import { hitPoints } from './hits.js';
import { pictureKey } from './key.js';
import { chordSymbolsInKey, learnedChordClasses, normalisedMode, relativeKey, type LearnedModels } from './learned.js';
import type { Role, StyleReference } from './reference.js';
import type { ScorePlan, Section, StyleName } from './score.js';
import { STYLES, type StyleSpec } from './styles.js';
import { planTempoMap, type Landing, type PlacedHit, type TempoFreedom } from './tempo-map.js';
import { mean } from '../numbers.js';

export interface PlanOptions {
  style: StyleName | 'auto';
  key?: MusicalKey;
  /** The user's tempo: a lock — one tempo, no change. */
  tempoBpm?: number;
  /** How far the tempo may bend to land the cuts (default `few`). */
  tempoChanges?: TempoFreedom;
  /** One mood for the whole piece instead of the picture's per-second emotion. */
  mood?: Emotion;
  /** Chords the piece opens with, one per bar (Video2Music's primer); the generator continues after them. */
  primer?: string[];
  /** 0 (hold back) … 1 (push): shifts the energy curve that drives tempo, density and loudness; 0.5 leaves it as the picture says. */
  intensity?: number;
  /** General MIDI programs that replace the style's, per role. */
  instruments?: Partial<Record<Role, number>>;
  /** A MIDI file's tempo, instruments, density and swing (`--style-from`). */
  reference?: StyleReference;
  /** The trained models that write the chords and shape the dynamics (absent: rules only). */
  learned?: LearnedModels;
  /** A seamless loop (`--loop`): one tempo, whole bars, the last bar leading back into the first (no final cadence). */
  loop?: boolean;
  seed: number;
}

/** Tempo range the picture's motion maps onto (still picture → slow, busy picture → fast). */
export const TEMPO_RANGE_BPM = { slowest: 70, fastest: 140 } as const;
/** Mean luma above which a picture reads as bright, and the music as major. */
const BRIGHT_PICTURE_LUMA = 0.35;
/** A hit lands when the grid is within a video frame of it, and never more than this (the evaluation's ±50 ms). */
const MAX_HIT_TOLERANCE_SECONDS = 0.045;
const BEATS_PER_BAR = 4;

/**
 * The long view: style, key, tempo and sections with their reasons, over the dynamics stage's curve
 * (computed here when the caller has none).
 */
export function planScore(timeline: VideoTimeline, options: PlanOptions, dynamics: DynamicsCurve = dynamicsCurve(timeline, options)): ScorePlan {
  // Tempo and style follow the picture's motion; the per-second dynamics also hear the biGRU.
  const meanEnergy = mean(dynamics.motionEnergy);
  const energyPerSecond = dynamics.energyPerSecond;
  const meanBrightness = mean(timeline.features.brightness);
  const moods = options.mood ? new Array<Emotion>(timeline.seconds).fill(options.mood) : timeline.emotion.probabilities.map((_, s) => topEmotion(timeline.emotion, s).emotion);
  const mainMood = mostFrequent(moods);
  const tempoBpm = options.tempoBpm ?? options.reference?.tempoBpm ?? Math.round(TEMPO_RANGE_BPM.slowest + (TEMPO_RANGE_BPM.fastest - TEMPO_RANGE_BPM.slowest) * meanEnergy);
  const mode = chooseMode(mainMood, meanBrightness);
  const style = options.style === 'auto' ? chooseStyle(mainMood, meanEnergy) : options.style;
  // The tonic from the picture's light, colour and energy among the style's keys (compose/key); not from the seed.
  const fromPicture = pictureKey(mode, style, { brightness: meanBrightness, warmth: mean(timeline.features.warmth), energy: meanEnergy });
  const chosenKey = options.key ?? (options.primer?.[0] ? keyOfChord(options.primer[0]) : fromPicture.key);
  // The AMT's chords centre on a tonic of their own (C major or A minor before transposition). When
  // v2m chose the mode from the light alone (the picture has no mood), it takes the relative key
  // where they centre elsewhere: the same notes, and the final cadence lands on the tonic the chords
  // have been circling, not a third away from it. A mood keeps its mode (README, "Evaluation").
  // The decision reads the AMT's most likely chords, not the seed's sample, so no seed flips the mode.
  const learnedClasses = options.learned?.chords ? learnedChordClasses(timeline, options.learned.chords, streamSeed(options.seed, 'amt')) : undefined;
  const mayFollowChords = options.learned?.chords !== undefined && options.key === undefined && !options.primer?.[0] && !options.mood && mainMood === 'neutral';
  const followsChords = mayFollowChords && normalisedMode(learnedChordClasses(timeline, { ...options.learned!.chords!, sampling: { ...options.learned!.chords!.sampling, temperature: 0 } }, 0)) !== chosenKey.mode;
  const key = followsChords ? relativeKey(chosenKey) : chosenKey;
  const energyWords = `mean picture energy ${meanEnergy.toFixed(2)} (0–1, from motion)`;
  const moodWords = `${options.mood ? 'mood set by the user' : 'the picture reads mostly'} ${mainMood}`;
  // A loop keeps one tempo: its last bar runs straight into its first, at the same pace.
  const tempoChanges: TempoFreedom = options.tempoBpm !== undefined || options.loop ? 'none' : (options.tempoChanges ?? 'few');
  const planned = planSections(timeline, tempoBpm, options.tempoBpm !== undefined, tempoChanges, energyPerSecond);
  const { sections, hits } = options.loop ? inWholeBars(planned, BEATS_PER_BAR) : planned;
  return {
    style,
    key,
    tempoBpm,
    tempoChanges,
    tempoLocked: options.tempoBpm !== undefined,
    hits,
    reasons: {
      tempo:
        options.tempoBpm !== undefined
          ? 'set by the user (locked: one tempo)'
          : options.reference
            ? 'the reference MIDI file’s tempo'
            : `${energyWords} on a ${TEMPO_RANGE_BPM.slowest}–${TEMPO_RANGE_BPM.fastest} BPM scale${options.loop ? '; held, for a loop' : ''}`,
      key:
        options.key !== undefined
          ? 'set by the user'
          : options.primer?.[0]
            ? `from the first primer chord, ${options.primer[0]}`
            : `${
                mainMood === 'neutral'
                  ? `${chosenKey.mode} because the mean brightness ${meanBrightness.toFixed(2)} is ${chosenKey.mode === 'major' ? 'at or above' : 'below'} ${BRIGHT_PICTURE_LUMA}`
                  : `${chosenKey.mode} because ${moodWords}`
              }; ${fromPicture.reason}${followsChords ? `; then its relative ${key.mode}, where the AMT's chords centre` : ''}`,
      style: options.style !== 'auto' ? 'set by the user' : `auto: ${moodWords}, ${energyWords}`,
    },
    moods,
    spec: resolveStyle(STYLES[style], options.reference, options.instruments),
    primer: options.primer ?? [],
    learnedChords: learnedClasses ? chordSymbolsInKey(learnedClasses, key) : undefined,
    models: {
      chords: options.learned?.chords ? `${options.learned.chords.model.kind} ${options.learned.chords.model.version}` : 'rules',
      dynamics: options.learned?.dynamics ? `bigru ${options.learned.dynamics.version}` : 'motion',
      melody: `melody ${shippedMelodyModel().version}`,
    },
    beatsPerBar: BEATS_PER_BAR,
    seed: options.seed,
    sections,
    energyPerSecond,
    ...(options.loop ? { loop: true, duration: sections[sections.length - 1]!.end } : {}),
  };
}

/**
 * A loop's sections, in plain 4/4 at its one tempo, as a loop library hands them out (a DAW's bar grid
 * stays on the loop however often it repeats): a section starts only on a beat a whole number of
 * bars from the start — a cut elsewhere is played on its beat inside the bar, no odd 3/4 or 5/4 bar
 * before it — and the last one ends on the bar line nearest the length asked for (at least one bar;
 * a last section under half a bar joins the one before). Hits past that end are dropped.
 */
export function inWholeBars(planned: { sections: Section[]; hits: PlacedHit[] }, beatsPerBar: number): { sections: Section[]; hits: PlacedHit[] } {
  const beatSeconds = 60 / planned.sections[0]!.tempoBpm;
  const beatIndex = (time: number) => Math.round(time / beatSeconds);
  const target = planned.sections[planned.sections.length - 1]!.end;
  // Sections that start on a bar line of the plain 4/4 grid; the others join the one before.
  const kept = planned.sections.filter((section, i) => i === 0 || beatIndex(section.start) % beatsPerBar === 0);
  const lastStart = kept[kept.length - 1]!.start;
  if (kept.length > 1 && (target - lastStart) / beatSeconds < beatsPerBar / 2) kept.pop();
  const endBeat = Math.max(beatIndex(kept[kept.length - 1]!.start) + beatsPerBar, Math.round(target / beatSeconds / beatsPerBar) * beatsPerBar);
  const sections = kept.map((section, i) => {
    const beats = (i + 1 < kept.length ? beatIndex(kept[i + 1]!.start) : endBeat) - beatIndex(section.start);
    const start = beatIndex(section.start) * beatSeconds;
    const end = start + beats * beatSeconds;
    // The energy of every planned section it now holds, by their time inside it.
    const inside = planned.sections.filter((other) => other.start >= section.start - 1e-9 && other.start < end - 1e-9);
    const weight = (other: Section) => Math.max(1e-9, Math.min(other.end, end) - other.start);
    const energy = inside.reduce((sum, other) => sum + other.energy * weight(other), 0) / inside.reduce((sum, other) => sum + weight(other), 0);
    return { ...section, start, end, beats, energy, tempoBpm: 60 / beatSeconds, bars: new Array<number>(beats / beatsPerBar).fill(beatsPerBar) };
  });
  const end = sections[sections.length - 1]!.end;
  const downbeats = new Set(sections.map((section) => beatIndex(section.start)));
  const hits = planned.hits
    .filter((hit) => hit.time < end - 1e-6)
    // A cut whose bar line went is still on its beat.
    .map((hit) => (hit.landing === 'downbeat' && !downbeats.has(beatIndex(hit.time + hit.offset)) ? { ...hit, landing: 'beat' as const } : hit));
  return { sections: labelParts(sections), hits };
}


/** Pleasant moods are major, unpleasant ones minor; a neutral picture goes by its light. */
function chooseMode(mood: Emotion, meanBrightness: number): Mode {
  if (mood === 'exciting' || mood === 'relaxing') return 'major';
  if (mood === 'fearful' || mood === 'tense' || mood === 'sad') return 'minor';
  return meanBrightness >= BRIGHT_PICTURE_LUMA ? 'major' : 'minor';
}

/** `--style auto`: the mood picks the family, the energy the member. */
export function chooseStyle(mood: Emotion, meanEnergy: number): StyleName {
  switch (mood) {
    case 'exciting':
      return meanEnergy >= 0.55 ? 'electronic' : 'band';
    case 'fearful':
    case 'tense':
      return 'cinematic';
    case 'sad':
      return 'piano';
    case 'relaxing':
      return meanEnergy < 0.25 ? 'ambient' : 'lofi';
    case 'neutral':
      return meanEnergy >= 0.45 ? 'band' : meanEnergy >= 0.2 ? 'piano' : 'ambient';
  }
}

/** The style's instruments and feel, with the reference's and then the user's choices laid over them. */
function resolveStyle(base: StyleSpec, reference: StyleReference | undefined, instruments: PlanOptions['instruments']): StyleSpec {
  const programs = { ...reference?.programs, ...instruments };
  const withProgram = <T extends { program: number }>(part: T, role: Role): T => (programs[role] === undefined ? part : { ...part, program: programs[role]! });
  return {
    ...base,
    chords: withProgram(base.chords, 'chords'),
    pad: withProgram(base.pad, 'pad'),
    bass: withProgram(base.bass, 'bass'),
    melody: base.melody && withProgram(base.melody, 'melody'),
    drums: {
      ...base.drums,
      swing: reference?.swing ?? base.drums.swing,
      maxLevel: reference && !reference.hasDrums ? 0 : base.drums.maxLevel,
    },
  };
}

/** The key a chord implies when it opens a piece: its root, minor if it is minor. */
function keyOfChord(symbol: string): MusicalKey {
  const quality = chordQuality(symbol);
  const minor = quality === 'min' || quality === 'min7' || quality === 'dim' || quality === 'hdim7';
  return { tonic: chordRoot(symbol), mode: minor ? 'minor' : 'major' };
}

function mostFrequent<T>(values: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

/** The tempo map (see compose/tempo-map) laid out in bars: sections from downbeat hit to downbeat hit, and where every hit landed. */
function placeHits(timeline: VideoTimeline, tempoBpm: number, locked: boolean, tempoChanges: TempoFreedom): { sections: SectionLayout[]; hits: PlacedHit[] } {
  const tolerance = Math.min(MAX_HIT_TOLERANCE_SECONDS, 1 / Math.max(1, timeline.analysisFps));
  const map = planTempoMap(hitPoints(timeline), { referenceBpm: tempoBpm, locked, freedom: locked ? 'none' : tempoChanges, duration: timeline.duration, toleranceSeconds: tolerance });
  return layOutSections(map, timeline.duration, BEATS_PER_BAR);
}

/** Sections with their energy and part in the piece's shape, and the hits. */
function planSections(timeline: VideoTimeline, tempoBpm: number, locked: boolean, tempoChanges: TempoFreedom, energyPerSecond: number[]): { sections: Section[]; hits: PlacedHit[] } {
  const { sections, hits } = placeHits(timeline, tempoBpm, locked, tempoChanges);
  const withEnergy = sections.map((section) => {
    const seconds = energyPerSecond.slice(Math.floor(section.start), Math.max(Math.floor(section.start) + 1, Math.ceil(section.end)));
    return { ...section, energy: mean(seconds), part: 'build' as const };
  });
  return { sections: labelParts(withEnergy), hits };
}

/**
 * How many hit points land where under each `--tempo-changes` setting, for the report's comparison:
 * the plan's own setting from its hits, the others planned again (a locked tempo is one for all).
 */
export function landingsByFreedom(timeline: VideoTimeline, plan: Pick<ScorePlan, 'hits' | 'tempoBpm' | 'tempoChanges' | 'tempoLocked'>): Record<TempoFreedom, Record<Landing, number>> {
  const landings = (freedom: TempoFreedom) =>
    tally(plan.tempoLocked || freedom === plan.tempoChanges ? plan.hits : placeHits(timeline, plan.tempoBpm, false, freedom).hits);
  return { none: landings('none'), few: landings('few'), free: landings('free') };
}

function tally(hits: readonly PlacedHit[]): Record<Landing, number> {
  const counts: Record<Landing, number> = { downbeat: 0, beat: 0, eighth: 0, sixteenth: 0, accent: 0 };
  for (const hit of hits) counts[hit.landing] += 1;
  return counts;
}

/** A section at least this close to the loudest one's energy is part of the peak. */
const PEAK_SHARE = 0.85;

/**
 * The long-term shape over the scenes: the first is the intro, the last the outro, the most energetic
 * middle ones the peak, the rest build towards it. With fewer than three scenes there is no room
 * for that shape: it is all build.
 */
export function labelParts(sections: Section[]): Section[] {
  if (sections.length < 3) return sections.map((section) => ({ ...section, part: 'build' }));
  const middle = sections.slice(1, -1);
  const top = Math.max(0, ...middle.map((section) => section.energy));
  return sections.map((section, i) => ({
    ...section,
    part: i === 0 ? 'intro' : i === sections.length - 1 ? 'outro' : section.energy >= PEAK_SHARE * top ? 'peak' : 'build',
  }));
}
