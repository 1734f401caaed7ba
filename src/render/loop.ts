// loop: how a seamless loop is rendered. The score is played three times back to back and the middle
// cycle kept: its start already carries the reverb and the releases of the cycle before it, and its
// end runs into the next cycle's first notes, exactly as the loop does when a player repeats it —
// so its last sample leads into its first with no click and no dip. The cycle is a whole number of
// the synthesizer's 128-sample quanta, so every cycle's events fall on the same sample positions.

import type { Score } from '../compose/score.js';

/** The synthesizer plays events once per quantum of 128 samples (render/synth): a cycle is a whole number of them. */
const QUANTUM_SAMPLES = 128;

/** Cycles played: one before (the reverb and releases leading in), the kept one, one after (its notes leading out). */
export const LOOP_CYCLES = 3;

/** The loop's length in seconds: the music's, to the nearest synthesizer quantum (at most 1.3 ms off at 48 kHz). */
export function loopCycleSeconds(duration: number, sampleRateHz: number): number {
  return (Math.max(1, Math.round((duration * sampleRateHz) / QUANTUM_SAMPLES)) * QUANTUM_SAMPLES) / sampleRateHz;
}

/** The score played `cycles` times, one every `cycleSeconds`: every note and controller repeated. */
export function repeatedScore(score: Score, cycleSeconds: number, cycles = LOOP_CYCLES): Score {
  const copies = Array.from({ length: cycles }, (_, k) => k * cycleSeconds);
  return {
    ...score,
    duration: cycles * cycleSeconds,
    tracks: score.tracks.map((track) => ({
      ...track,
      notes: copies.flatMap((offset) => track.notes.map((note) => ({ ...note, time: note.time + offset }))),
      controls: track.controls && copies.flatMap((offset) => track.controls!.map((change) => ({ ...change, time: change.time + offset }))),
    })),
  };
}
