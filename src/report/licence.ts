// licence: who owns the music v2m writes, and the terms of what it was made with — in plain words, the
// same in the README, the cue sheet and the report (issue "Deliver like a music library", item 6).

import { BUNDLED_SOUNDFONTS } from '../render/soundfont.js';

export interface LicenceStatement {
  /** Who owns the generated music and what they may do with it. */
  music: string;
  /** The instrument sounds it was rendered with, and what their licence means for the audio. */
  soundFont: string;
  /** What the learned models were trained on, and what they do and do not take from it. */
  models: string;
  /** The tool itself. */
  software: string;
}

/** The statement for a piece rendered with the SoundFont the cue sheet names (`generator.soundFont`). */
export function licenceStatement(soundFontName: string): LicenceStatement {
  const bundled = Object.keys(BUNDLED_SOUNDFONTS).includes(soundFontName);
  const copyleft = /GPL/i.test(soundFontName);
  return {
    music:
      'The music v2m wrote for this video is yours: use it, change it and sell it in any project, with no royalty and no credit required. ' +
      'v2m and its authors claim no rights in what it generates.',
    soundFont: bundled
      ? `Rendered with ${soundFontName}, shipped with v2m. ${copyleft ? 'Its licence (GPL-2.0) covers the SoundFont file itself; audio rendered with it is your output, but if you redistribute the SoundFont, its terms apply.' : 'Its MIT licence covers the instrument samples; audio rendered with them carries no obligation.'}`
      : `Rendered with a SoundFont you chose (${soundFontName}): its licence decides what audio rendered with it may be used for — check it before you publish.`,
    models:
      'Chords come from the AMT trained on MuVi-Sync features (Video2Music, Kang, Poria and Herremans 2023); the melody from a model trained on POP909 (MIT licence); ' +
      'accompaniment figures are one-bar POP909 piano patterns re-voiced onto v2m’s own chords. The models write new notes: no melody or chord progression of a song is copied.',
    software: 'v2m is MIT-licensed software. This is a plain-words summary, not legal advice.',
  };
}
