// build-textures: writes models/textures.json, the accompaniment texture library, from POP909's
// PIANO track (training songs only; Wang et al. 2020, MIT). Deterministic: same data, same bytes.
//   node --import tsx scripts/build-textures.ts [--data <folder holding pop909/>] [--out models/textures.json] [--per-song 6]

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTextureLibraryFile } from '../src/data/pop909-textures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.V2M_DATA ?? path.resolve(ROOT, '..', 'shared', 'data') },
    out: { type: 'string', default: path.join(ROOT, 'models', 'textures.json') },
    'per-song': { type: 'string', default: '6' },
  },
});

const file = await buildTextureLibraryFile({ songsFolder: path.join(values.data, 'pop909', 'POP909'), perSongLimit: Number(values['per-song']) });
const text = JSON.stringify(file);
await writeFile(values.out, text);
console.log(`${file.patterns.length} patterns from ${new Set(file.patterns.map((p) => p.song)).size} songs → ${values.out} (${(text.length / 1024).toFixed(0)} KiB)`);
