// key: which tonic the picture asks for. The plan takes the mode from the mood; the tonic comes from
// the light, the colour temperature and the energy of the picture, among the keys the style's players favour.
//
// The mapping follows the old association of key signatures with colour (sharp keys bright, flat keys
// dark and mellow — Schubart's key characters, and how film and pop arrangers still talk about keys):
// a dark, cool, still picture asks for a flat key, a bright, warm, lively one for a sharp key. Each
// style names its idiomatic keys — open-string keys for a guitar band, flat keys for pianos and pads,
// F and A minor for electronic music — and the picture picks among them. The seed plays no part: one
// picture, one key; the seed varies the music inside it.

import { clamp } from '../numbers.js';
import { conventionalKey, rootPitchClass, type Mode, type MusicalKey } from '../music/theory.js';
import type { StyleName } from './score.js';

/** What the picture says about its light, averaged over the video. */
export interface PictureLight {
  /** Mean luma, 0–1. */
  brightness: number;
  /** Mean (R − B)/255: > 0 warm, < 0 cool. */
  warmth: number;
  /** Mean energy 0–1 (from motion). */
  energy: number;
}

/** Centres and spans of the picture measures: a typical frame reads 0, the span's edge ±1 (from the shared clips: luma 0.15–0.71, warmth −0.08–0.23). */
const LIGHT_SCALE = {
  brightness: { centre: 0.42, span: 0.2 },
  warmth: { centre: 0.03, span: 0.1 },
  energy: { centre: 0.4, span: 0.3 },
} as const;
/** How much each measure weighs in the key's brightness: light most, then colour, then movement. */
const LIGHT_WEIGHTS = { brightness: 0.5, warmth: 0.3, energy: 0.2 } as const;
/** Accidentals in the key signature at the ends of the scale (−5: five flats … +5: five sharps). */
const MAX_ACCIDENTALS = 5;
/** Each step down a style's list of keys costs this much (in accidentals): between two equally near keys the more idiomatic wins. */
const IDIOM_RANK_COST = 0.1;

/**
 * Keys each style's players favour, most idiomatic first (tonics in TONICS' spelling), each list
 * spanning enough of the circle of fifths that dark and bright pictures land apart. Guitar bands
 * live in open-string keys (E, A, D, G); pianos, pads and lo-fi keys lean to flat keys; electronic
 * music to F, A and C minor; film scores to D, C and E minor and the brass's flat major keys.
 */
export const IDIOMATIC_TONICS: Record<StyleName, Record<Mode, readonly string[]>> = {
  band: { major: ['E', 'A', 'D', 'G', 'C', 'B', 'F'], minor: ['E', 'A', 'B', 'D', 'G', 'Gb', 'C'] },
  piano: { major: ['C', 'F', 'Eb', 'Bb', 'G', 'D', 'Ab', 'A'], minor: ['A', 'C', 'D', 'G', 'E', 'F', 'B'] },
  ambient: { major: ['Db', 'Eb', 'F', 'Ab', 'C', 'D', 'G', 'A'], minor: ['C', 'F', 'D', 'A', 'E', 'Bb', 'B'] },
  electronic: { major: ['C', 'F', 'G', 'Bb', 'D', 'Eb', 'A', 'E'], minor: ['F', 'A', 'C', 'G', 'D', 'E', 'B'] },
  cinematic: { major: ['D', 'C', 'Eb', 'F', 'Bb', 'A', 'G'], minor: ['D', 'C', 'E', 'G', 'F', 'B', 'A'] },
  lofi: { major: ['F', 'Eb', 'C', 'Bb', 'Ab', 'D', 'G', 'A'], minor: ['C', 'F', 'A', 'D', 'E', 'G', 'B'] },
};

/** −1 (dark, cool, still) … 1 (bright, warm, lively): how sharp a key the picture asks for. */
export function keyBrightness(light: PictureLight): number {
  const term = (name: keyof PictureLight) => clamp((light[name] - LIGHT_SCALE[name].centre) / LIGHT_SCALE[name].span, -1, 1);
  return LIGHT_WEIGHTS.brightness * term('brightness') + LIGHT_WEIGHTS.warmth * term('warmth') + LIGHT_WEIGHTS.energy * term('energy');
}

/** Sharps (> 0) or flats (< 0) in the key signature: the key's place on the circle of fifths. */
export function keySignature(key: MusicalKey): number {
  const major = (rootPitchClass(key.tonic) + (key.mode === 'minor' ? 3 : 0)) % 12;
  const fifths = (major * 7) % 12; // C 0, G 1, D 2 … F 11
  return fifths > 6 ? fifths - 12 : fifths === 6 && /b/.test(key.tonic) ? -6 : fifths;
}

export interface PictureKey {
  key: MusicalKey;
  /** Why, in words, for the plan's reasons. */
  reason: string;
}

/** The style's idiomatic key in `mode` whose signature lies nearest the one the picture asks for. */
export function pictureKey(mode: Mode, style: StyleName, light: PictureLight): PictureKey {
  const brightness = keyBrightness(light);
  const wanted = brightness * MAX_ACCIDENTALS;
  const candidates = IDIOMATIC_TONICS[style][mode].map((tonic, rank) => {
    const key = conventionalKey({ tonic, mode });
    return { key, cost: Math.abs(keySignature(key) - wanted) + IDIOM_RANK_COST * rank };
  });
  const best = candidates.reduce((a, b) => (b.cost < a.cost ? b : a));
  const words = [
    `${light.brightness >= LIGHT_SCALE.brightness.centre ? 'bright' : 'dark'} (luma ${light.brightness.toFixed(2)})`,
    `${light.warmth >= LIGHT_SCALE.warmth.centre ? 'warm' : 'cool'} (warmth ${light.warmth.toFixed(2)})`,
    `${light.energy >= LIGHT_SCALE.energy.centre ? 'lively' : 'still'} (energy ${light.energy.toFixed(2)})`,
  ].join(', ');
  const signature = wanted >= 0.5 ? `about ${Math.round(wanted)}♯` : wanted <= -0.5 ? `about ${Math.round(-wanted)}♭` : 'few accidentals';
  return { key: best.key, reason: `tonic ${best.key.tonic}: the picture is ${words}, which asks for ${signature}, nearest among the ${style} style's keys` };
}
