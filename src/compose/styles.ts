// Styles: which General MIDI instruments play which role, how the chords are played and how busy
// the drums may get. A style is data; the arranger reads it.

import type { Groove } from './drums.js';
import type { StyleName } from './score.js';

export type ChordFigure = 'arpeggio' | 'arpeggio16' | 'strum' | 'sustain';

export interface StyleSpec {
  name: StyleName;
  /** One line for the cue sheet and --help. */
  description: string;
  chords: { program: number; figure: ChordFigure; name: string };
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
    description: 'arpeggiated grand piano over soft strings and upright bass, light drums when the picture moves',
    chords: { program: GM.acousticGrandPiano, figure: 'arpeggio', name: 'Piano' },
    pad: { program: GM.stringEnsemble1, name: 'Strings' },
    bass: { program: GM.acousticBass, name: 'Bass' },
    melody: { program: GM.acousticGrandPiano, name: 'Piano melody', range: [67, 88] },
    drums: { groove: 'kit', maxLevel: 2, velocityScale: 0.75, swing: 0.5 },
  },
  ambient: {
    name: 'ambient',
    description: 'slow warm pads and electric piano, fretless bass, barely any percussion',
    chords: { program: GM.electricPiano1, figure: 'sustain', name: 'Electric piano' },
    pad: { program: GM.warmPad, name: 'Warm pad' },
    bass: { program: GM.fretlessBass, name: 'Fretless bass' },
    melody: { program: GM.celesta, name: 'Celesta', range: [72, 91] },
    drums: { groove: 'minimal', maxLevel: 1, velocityScale: 0.6, swing: 0.5 },
  },
  band: {
    name: 'band',
    description: 'strummed clean guitar, electric piano, finger bass and a full drum kit',
    chords: { program: GM.electricGuitarClean, figure: 'strum', name: 'Guitar' },
    pad: { program: GM.electricPiano1, name: 'Keys' },
    bass: { program: GM.electricBassFinger, name: 'Bass' },
    melody: { program: GM.overdrivenGuitar, name: 'Lead guitar', range: [64, 84] },
    drums: { groove: 'kit', maxLevel: 3, velocityScale: 1, swing: 0.5 },
  },
  cinematic: {
    name: 'cinematic',
    description: 'sustained strings and horns, contrabass, brass swells on every cut, timpani',
    chords: { program: GM.stringEnsemble1, figure: 'sustain', name: 'Strings' },
    pad: { program: GM.frenchHorn, name: 'Horns' },
    bass: { program: GM.contrabass, name: 'Contrabass' },
    hits: { program: GM.brassSection, name: 'Brass' },
    melody: { program: GM.violin, name: 'Solo violin', range: [67, 91] },
    drums: { groove: 'orchestral', maxLevel: 3, velocityScale: 0.9, swing: 0.5 },
  },
  electronic: {
    name: 'electronic',
    description: 'sixteenth-note square-lead arpeggiator, polysynth pad, synth bass, four-on-the-floor',
    chords: { program: GM.leadSquare, figure: 'arpeggio16', name: 'Arpeggiator' },
    pad: { program: GM.polysynthPad, name: 'Synth pad' },
    bass: { program: GM.synthBass1, name: 'Synth bass' },
    melody: { program: GM.leadSawtooth, name: 'Saw lead', range: [67, 88] },
    drums: { groove: 'four-on-the-floor', maxLevel: 3, velocityScale: 0.95, swing: 0.5 },
  },
  lofi: {
    name: 'lofi',
    description: 'mellow electric piano and vibraphone, upright bass, soft swung drums',
    chords: { program: GM.electricPiano1, figure: 'strum', name: 'Electric piano' },
    pad: { program: GM.vibraphone, name: 'Vibraphone' },
    bass: { program: GM.acousticBass, name: 'Bass' },
    melody: { program: GM.flute, name: 'Flute', range: [67, 91] },
    drums: { groove: 'lofi', maxLevel: 2, velocityScale: 0.65, swing: 0.62 },
  },
};
