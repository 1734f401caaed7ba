// compose-eval-midis: the MIDI files `v2m eval music` measures, written to a folder for fast
// re-measuring (`v2m eval music --midi OUT --baseline none`) while the composer changes. Each clip is
// analysed once and its timeline cached as JSON (the analysis does not change when the composer
// does); every run composes every style at seed 1 from the cache, exactly as the eval does, and
// prints, per piece, whether its last sounding chord (read back from the MIDI) is the plan's tonic.
//   node --import tsx scripts/compose-eval-midis.ts CACHE_DIR OUT_DIR [clips folder]   (SEEDS=3 for seeds 1…3)

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeVideo, DEFAULT_ANALYSIS } from '../src/analysis/index.js';
import type { VideoTimeline } from '../src/analysis/timeline.js';
import { compose, STYLE_NAMES } from '../src/compose/index.js';
import { DEFAULT_OPTIONS } from '../src/config.js';
import { defaultClipsFolder, endsOnTonicTriad } from '../src/eval/music.js';
import { probe } from '../src/media/probe.js';
import { estimateKey, keyLabel } from '../src/measure/key.js';
import { endsOnTonic, lastSoundingChord } from '../src/measure/metrics.js';
import { readMidi } from '../src/measure/midi.js';
import { rootPitchClass } from '../src/music/theory.js';
import { learnedModels } from '../src/options.js';
import { scoreToMidi } from '../src/render/midi.js';

const [cache, out, clipsArgument] = process.argv.slice(2);
if (!cache || !out) throw new Error('usage: compose-eval-midis.ts CACHE_DIR OUT_DIR [clips folder]');
const clips = clipsArgument ?? defaultClipsFolder();
if (!clips) throw new Error('no clips folder');
await mkdir(cache, { recursive: true });
await mkdir(out, { recursive: true });
const learned = await learnedModels(DEFAULT_OPTIONS);
const SEEDS = Number(process.env.SEEDS ?? 1);
let tonicEnds = 0;
let estimatedTonicEnds = 0;
let producedTonicEnds = 0;
let pieces = 0;
for (const name of (await readdir(clips)).filter((file) => /\.(mp4|m4v|mov|mkv|webm|avi)$/i.test(file)).sort()) {
  const cached = path.join(cache, `${name}.timeline.json`);
  let timeline: VideoTimeline;
  if (existsSync(cached)) timeline = JSON.parse(await readFile(cached, 'utf8')) as VideoTimeline;
  else {
    process.stderr.write(`${name}: analysing\n`);
    timeline = await analyzeVideo(await probe(path.join(clips, name)), DEFAULT_ANALYSIS);
    await writeFile(cached, JSON.stringify(timeline));
  }
  for (const style of STYLE_NAMES) for (let seed = 1; seed <= SEEDS; seed++) {
    const composition = compose(timeline, { style, seed, learned });
    const bytes = scoreToMidi(composition.score, name);
    await writeFile(path.join(out, seed === 1 ? `${name}.${style}.mid` : `${name}.${style}.seed${seed}.mid`), bytes);
    // The tonic end against the key the composer chose (no estimate), from the notes read back.
    const midi = readMidi(bytes);
    const last = lastSoundingChord(midi.notes.filter((note) => !note.isDrums));
    const tonic = rootPitchClass(composition.plan.key.tonic);
    const ok = endsOnTonicTriad(midi.notes.filter((note) => !note.isDrums), { tonicPitchClass: tonic, mode: composition.plan.key.mode });
    // The figure `v2m eval` reports: against the key estimated from the notes, on the produced (mixed) MIDI too.
    const pitched = midi.notes.filter((note) => !note.isDrums);
    const estimated = estimateKey(pitched);
    if (estimated && endsOnTonic(pitched, estimated)) estimatedTonicEnds += 1;
    else process.stdout.write(`estimate says no: ${name} ${style} plan ${composition.plan.key.tonic} ${composition.plan.key.mode}, estimated ${estimated ? keyLabel(estimated) : '-'}\n`);
    const produced = readMidi(scoreToMidi(composition.produced, name)).notes.filter((note) => !note.isDrums);
    const producedKey = estimateKey(produced);
    if (producedKey && endsOnTonic(produced, producedKey)) producedTonicEnds += 1;
    pieces += 1;
    if (ok) tonicEnds += 1;
    else process.stdout.write(`not tonic: ${name} ${style} key ${composition.plan.key.tonic} ${composition.plan.key.mode}, last ${last.map((note) => note.midi).join(' ')}\n`);
  }
}
process.stdout.write(`tonic end, estimated key: score ${estimatedTonicEnds}/${pieces}, produced ${producedTonicEnds}/${pieces}\n`);
process.stdout.write(`tonic end (plan key, last sounding chord is the tonic triad): ${tonicEnds}/${pieces}\n`);
