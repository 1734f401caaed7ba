// measure-melody: the melody figures the README quotes — on a planted 32-bar timeline (I–V–vi–IV in
// C at 100 BPM, some bars of 3 and 5 beats, steady energy), seeds 1–5: distinct pitches and range per
// 16-beat window (POP909 melodies: 6.7 and 12.0), note lengths, rests, strong-beat chord tones, and
// the time to write a three-minute melody.
//   node --import tsx scripts/measure-melody.ts

import { chordAt } from '../src/compose/harmony.js';
import { melodyPart, type MelodyInput } from '../src/compose/melody.js';
import type { Note } from '../src/compose/score.js';
import { createRng } from '../src/music/random.js';
import { chordPitchClasses } from '../src/music/theory.js';
import { PLANTED_BEAT_SECONDS as BEAT_SECONDS, plantedMelodyInput as plantedInput } from '../test/compose/planted-melody.js';

const SEEDS = [1, 2, 3, 4, 5];
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function measure(notes: readonly Note[], input: MelodyInput) {
  const beatOf = (time: number) => input.beats.findIndex((b) => b.time <= time + 1e-9 && time < b.time + b.duration - 1e-9);
  const windows: number[][] = [];
  for (const note of notes) (windows[Math.floor(beatOf(note.time) / 16)] ??= []).push(note.midi);
  const full = windows.filter(Boolean);
  const sixteenth = BEAT_SECONDS / 4;
  const strong = notes.filter((n) => input.beats.some((b) => b.beatInBar % 2 === 0 && Math.abs(b.time - n.time) < 1e-9));
  return {
    distinct: mean(full.map((w) => new Set(w).size)),
    range: mean(full.map((w) => Math.max(...w) - Math.min(...w))),
    lengths: new Set(notes.map((n, i) => Math.round(((notes[i + 1]?.time ?? n.time + n.duration) - n.time) / sixteenth))).size,
    rests: notes.slice(1).filter((n, i) => n.time - (notes[i]!.time + notes[i]!.duration) >= BEAT_SECONDS * 0.9).length,
    notesPerBeat: notes.length / input.beats.length,
    chordTones: strong.filter((n) => chordPitchClasses(chordAt(input.chords, n.time).chord).includes(n.midi % 12)).length / Math.max(1, strong.length),
  };
}

const input = plantedInput(33);
const rows = SEEDS.map((seed) => measure(melodyPart(input, createRng(seed)), input));
const average = (pick: (row: (typeof rows)[number]) => number) => mean(rows.map(pick)).toFixed(2);
console.log(`planted 32 bars, seeds ${SEEDS.join(',')} (mean): distinct pitches / 16 beats ${average((r) => r.distinct)}, range / 16 beats ${average((r) => r.range)} semitones,`);
console.log(`  note lengths used ${average((r) => r.lengths)}, rests of a beat or more ${average((r) => r.rests)}, notes / beat ${average((r) => r.notesPerBeat)}, strong-beat chord tones ${(100 * Number(average((r) => r.chordTones))).toFixed(0)} %`);
const long = plantedInput(75);
const started = performance.now();
melodyPart(long, createRng(1));
console.log(`a three-minute melody (75 bars at 100 BPM) in ${(performance.now() - started).toFixed(0)} ms`);
