// Styles: which General MIDI instruments play which role, how the chords are played and how busy
// the drums may get. A style is data; the arranger reads it.

import type { Groove } from './drums.js';
import type { StyleName } from './score.js';

/**
 * How the chord instrument plays the accompaniment texture retrieved from POP909 (compose/accompaniment):
 * as written (piano), bowed (strings pulse the chord on its rhythm), as an arpeggiator in sixteenths, strummed on its chord onsets,
 * or sparse (broken chord tones let ring, ambient). `arpeggio` ignores the texture's rhythm: Video2Music's
 * rendering (rising chord tones, eighths or sixteenths by energy), kept for the fixed baseline.
 */
export type ChordFigure = 'texture' | 'held' | 'arpeggiator' | 'strum' | 'sparse' | 'arpeggio';

/** The chord part: instrument, figure, register and how busy the texture gets with the picture's energy. */
export interface ChordTexture {
  program: number;
  name: string;
  figure: ChordFigure;
  /** MIDI note range the texture is voiced in. */
  range: readonly [number, number];
  /** Texture density sought (onsets per beat) at energy 0 and at energy 1; POP909's piano bars span 0.25–4. */
  onsetsPerBeat: readonly [number, number];
  /** How much the style avoids syncopated textures (offbeat-sixteenth onsets): 0 welcomes them. */
  syncopationCost: number;
}

export interface StyleSpec {
  name: StyleName;
  /** One line for the cue sheet and --help. */
  description: string;
  chords: ChordTexture;
  pad: { program: number; name: string };
  bass: { program: number; name: string };
  /** An instrument that swells on every cut (brass in film scores); none if absent. */
  hits?: { program: number; name: string };
  /** The instrument that carries the motif, and its range (MIDI notes); none if absent. */
  melody?: { program: number; name: string; range: readonly [number, number] };
  /** Groove, highest density level (0 = no drums … 3 = busiest), velocity scale, swing (0.5 = straight). */
  drums: { groove: Groove; maxLevel: 0 | 1 | 2 | 3; velocityScale: number; swing: number };
}

/** General MIDI program numbers (0-based), from the GM 1 sound set. */
export const GM = {
  acousticGrandPiano: 0,
  celesta: 8,
  overdrivenGuitar: 29,
  violin: 40,
  flute: 73,
  leadSawtooth: 81,
  electricPiano1: 4,
  electricGuitarClean: 27,
  vibraphone: 11,
  acousticBass: 32,
  electricBassFinger: 33,
  fretlessBass: 35,
  synthBass1: 38,
  contrabass: 43,
  stringEnsemble1: 48,
  brassSection: 61,
  frenchHorn: 60,
  leadSquare: 80,
  warmPad: 89,
  polysynthPad: 90,
  choirPad: 91,
} as const;

export const STYLES: Record<StyleName, StyleSpec> = {
  piano: {
    name: 'piano',
    description: 'grand piano playing POP909 accompaniment textures over soft strings and upright bass, light drums when the picture moves',
    chords: { program: GM.acousticGrandPiano, name: 'Piano', figure: 'texture', range: [45, 77], onsetsPerBeat: [0.75, 3.5], syncopationCost: 0.2 },
    pad: { program: GM.stringEnsemble1, name: 'Strings' },
    bass: { program: GM.acousticBass, name: 'Bass' },
    melody: { program: GM.acousticGrandPiano, name: 'Piano melody', range: [64, 84] },
    drums: { groove: 'kit', maxLevel: 2, velocityScale: 0.75, swing: 0.5 },
  },
  ambient: {
    name: 'ambient',
    description: 'slow warm pads and electric piano, fretless bass, barely any percussion',
    chords: { program: GM.electricPiano1, name: 'Electric piano', figure: 'sparse', range: [52, 76], onsetsPerBeat: [0.25, 1.5], syncopationCost: 1 },
    pad: { program: GM.warmPad, name: 'Warm pad' },
    bass: { program: GM.fretlessBass, name: 'Fretless bass' },
    melody: { program: GM.celesta, name: 'Celesta', range: [67, 88] },
    drums: { groove: 'minimal', maxLevel: 1, velocityScale: 0.6, swing: 0.5 },
  },
  band: {
    name: 'band',
    description: 'strummed clean guitar, electric piano, finger bass and a full drum kit',
    chords: { program: GM.electricGuitarClean, name: 'Guitar', figure: 'strum', range: [52, 76], onsetsPerBeat: [0.75, 2.5], syncopationCost: 0.6 },
    pad: { program: GM.electricPiano1, name: 'Keys' },
    bass: { program: GM.electricBassFinger, name: 'Bass' },
    melody: { program: GM.overdrivenGuitar, name: 'Lead guitar', range: [60, 81] },
    drums: { groove: 'kit', maxLevel: 3, velocityScale: 1, swing: 0.5 },
  },
  cinematic: {
    name: 'cinematic',
    description: 'sustained strings and horns, contrabass, brass swells on every cut, timpani',
    chords: { program: GM.stringEnsemble1, name: 'Strings', figure: 'held', range: [48, 79], onsetsPerBeat: [0.5, 2], syncopationCost: 1 },
    pad: { program: GM.frenchHorn, name: 'Horns' },
    bass: { program: GM.contrabass, name: 'Contrabass' },
    hits: { program: GM.brassSection, name: 'Brass' },
    melody: { program: GM.violin, name: 'Solo violin', range: [64, 86] },
    drums: { groove: 'orchestral', maxLevel: 3, velocityScale: 0.9, swing: 0.5 },
  },
  electronic: {
    name: 'electronic',
    description: 'sixteenth-note square-lead arpeggiator, polysynth pad, synth bass, four-on-the-floor',
    chords: { program: GM.leadSquare, name: 'Arpeggiator', figure: 'arpeggiator', range: [57, 84], onsetsPerBeat: [1.5, 4], syncopationCost: 0 },
    pad: { program: GM.polysynthPad, name: 'Synth pad' },
    bass: { program: GM.synthBass1, name: 'Synth bass' },
    melody: { program: GM.leadSawtooth, name: 'Saw lead', range: [64, 84] },
    drums: { groove: 'four-on-the-floor', maxLevel: 3, velocityScale: 0.95, swing: 0.5 },
  },
  lofi: {
    name: 'lofi',
    description: 'mellow electric piano comping POP909 textures, vibraphone, upright bass, soft swung drums',
    chords: { program: GM.electricPiano1, name: 'Electric piano', figure: 'texture', range: [50, 74], onsetsPerBeat: [0.5, 2], syncopationCost: 0.3 },
    pad: { program: GM.vibraphone, name: 'Vibraphone' },
    bass: { program: GM.acousticBass, name: 'Bass' },
    melody: { program: GM.flute, name: 'Flute', range: [65, 88] },
    drums: { groove: 'lofi', maxLevel: 2, velocityScale: 0.65, swing: 0.62 },
  },
};
