// measure-accompaniment: the figures the README quotes for the texture accompaniment — attacks a beat
// where the picture is calm vs busy, per style, and how many different bar figures a piece uses.
//   node --import tsx scripts/measure-accompaniment.ts

import { accompanimentPart } from '../src/compose/accompaniment.js';
import { beatGrid } from '../src/compose/grid.js';
import { chordTrack, groupIntoBars } from '../src/compose/harmony.js';
import { planScore } from '../src/compose/plan.js';
import { STYLE_NAMES, type Note } from '../src/compose/score.js';
import { shippedTextures } from '../src/compose/texture-library.js';
import { createRng } from '../src/music/random.js';
import { syntheticTimeline } from '../test/helpers.js';

const SEEDS = [1, 2, 3, 4, 5];
const HALF = 60;
/** A strum's strings are 12 ms apart: closer onsets are one attack. */
const STRUM_SPREAD_SECONDS = 0.07;
const motion = [...Array<number>(HALF).fill(1), ...Array<number>(HALF).fill(25)];

function attacks(notes: readonly Note[], from: number, to: number): number {
  const onsets = notes.filter((note) => note.time >= from && note.time < to).map((note) => note.time).sort((a, b) => a - b);
  return onsets.filter((time, index) => index === 0 || time - onsets[index - 1]! > STRUM_SPREAD_SECONDS).length;
}

const library = shippedTextures();
console.log(`library: ${library.patterns.length} patterns from ${new Set(library.patterns.map((p) => p.song)).size} POP909 training songs`);
console.log('style       attacks/beat calm (energy≈0.3)  busy (energy 1)  distinct bar figures / bars');
for (const style of STYLE_NAMES) {
  let calm = 0;
  let busy = 0;
  let figures = 0;
  let bars = 0;
  for (const seed of SEEDS) {
    const plan = planScore(syntheticTimeline(motion, [HALF]), { style, seed });
    const beats = beatGrid(plan);
    const chords = chordTrack(plan, beats, createRng(seed + 1));
    const notes = accompanimentPart({ plan, beats, chords }, plan.spec.chords, library, createRng(seed + 2));
    const beatsIn = (from: number, to: number) => beats.filter((beat) => beat.time >= from && beat.time < to).length;
    calm += attacks(notes, 0, HALF) / beatsIn(0, HALF) / SEEDS.length;
    busy += attacks(notes, HALF, 2 * HALF) / beatsIn(HALF, 2 * HALF) / SEEDS.length;
    // A bar's figure: its onsets (in sixteenths) and how many notes each strikes.
    const signatures = groupIntoBars(beats).map((bar) => {
      const sixteenth = (bar.end - bar.start) / bar.beats / 4;
      return notes
        .filter((note) => note.time >= bar.start - 1e-6 && note.time < bar.end - 1e-6)
        .map((note) => Math.round((note.time - bar.start) / sixteenth))
        .sort((a, b) => a - b)
        .join(',');
    });
    figures += new Set(signatures).size;
    bars += signatures.length;
  }
  console.log(`${style.padEnd(11)} ${calm.toFixed(2).padStart(14)} ${busy.toFixed(2).padStart(26)} ${`${figures} / ${bars}`.padStart(20)}`);
}
