// The planted melody timeline the melody tests and scripts/measure-melody.ts share: 32 bars or so of
// I–V–vi–IV in C at 100 BPM, every eighth bar 3 beats and the next 5, at a given energy.

import { compose } from '../../src/compose/index.js';
import type { MelodyInput } from '../../src/compose/melody.js';
import type { Beat, ChordEvent } from '../../src/compose/score.js';
import { syntheticTimeline } from '../helpers.js';

/** The planted melody timeline's beat: 100 BPM. */
export const PLANTED_BEAT_SECONDS = 0.6;
const PLANTED_LOOP = ['C', 'G', 'Am', 'F'];

/** `bars` bars at 100 BPM, one chord per bar from LOOP, every eighth bar 3 beats and the next 5; energy `energy`. */
export function plantedMelodyInput(bars: number, energy: (second: number) => number = () => 0.6): MelodyInput {
  const base = compose(syntheticTimeline(Array(12).fill(8), [], 0.6), { style: 'piano', seed: 1 }).plan;
  const beats: Beat[] = [];
  const chords: ChordEvent[] = [];
  let time = 0;
  for (let bar = 0; bar < bars; bar++) {
    const length = bar % 8 === 5 ? 3 : bar % 8 === 6 ? 5 : 4;
    chords.push({ time, duration: length * PLANTED_BEAT_SECONDS, chord: PLANTED_LOOP[bar % PLANTED_LOOP.length]! });
    for (let beat = 0; beat < length; beat++, time += PLANTED_BEAT_SECONDS) beats.push({ time, duration: PLANTED_BEAT_SECONDS, bar, beatInBar: beat, section: 0 });
  }
  const plan = {
    ...base,
    key: { tonic: 'C', mode: 'major' as const },
    sections: [{ start: 0, end: time, beats: beats.length, tempoBpm: 100, energy: 0.6, part: 'build' as const }],
    energyPerSecond: Array.from({ length: Math.ceil(time) + 1 }, (_, s) => energy(s)),
  };
  return { plan, beats, chords, range: [67, 91] };
}
