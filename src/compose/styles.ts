// Styles: which General MIDI instruments play which role, how the chords are played and how busy
// the drums may get. A style is data; the arranger reads it.

import type { StyleName } from './score.js';

export type ChordFigure = 'arpeggio' | 'strum' | 'sustain';

export interface StyleSpec {
  name: StyleName;
  /** One line for the cue sheet and --help. */
  description: string;
  chords: { program: number; figure: ChordFigure; name: string };
  pad: { program: number; name: string };
  bass: { program: number; name: string };
  /** Highest drum density level (0 = no drums … 3 = sixteenth hats) and a velocity scale. */
  drums: { maxLevel: 0 | 1 | 2 | 3; velocityScale: number };
}

/** General MIDI program numbers (0-based), from the GM 1 sound set. */
const GM = {
  acousticGrandPiano: 0,
  electricPiano1: 4,
  electricGuitarClean: 27,
  acousticBass: 32,
  electricBassFinger: 33,
  fretlessBass: 35,
  stringEnsemble1: 48,
  warmPad: 89,
  choirPad: 91,
} as const;

export const STYLES: Record<StyleName, StyleSpec> = {
  piano: {
    name: 'piano',
    description: 'arpeggiated grand piano over soft strings and upright bass, light drums when the picture moves',
    chords: { program: GM.acousticGrandPiano, figure: 'arpeggio', name: 'Piano' },
    pad: { program: GM.stringEnsemble1, name: 'Strings' },
    bass: { program: GM.acousticBass, name: 'Bass' },
    drums: { maxLevel: 2, velocityScale: 0.75 },
  },
  ambient: {
    name: 'ambient',
    description: 'slow warm pads and electric piano, fretless bass, barely any percussion',
    chords: { program: GM.electricPiano1, figure: 'sustain', name: 'Electric piano' },
    pad: { program: GM.warmPad, name: 'Warm pad' },
    bass: { program: GM.fretlessBass, name: 'Fretless bass' },
    drums: { maxLevel: 1, velocityScale: 0.6 },
  },
  band: {
    name: 'band',
    description: 'strummed clean guitar, electric piano, finger bass and a full drum kit',
    chords: { program: GM.electricGuitarClean, figure: 'strum', name: 'Guitar' },
    pad: { program: GM.electricPiano1, name: 'Keys' },
    bass: { program: GM.electricBassFinger, name: 'Bass' },
    drums: { maxLevel: 3, velocityScale: 1 },
  },
};
