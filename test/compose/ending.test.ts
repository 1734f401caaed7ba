import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedEmotion } from '../../src/analysis/emotion.js';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { compose, STYLE_NAMES } from '../../src/compose/index.js';
import { lastSoundingChord } from '../../src/measure/metrics.js';
import { readMidi } from '../../src/measure/midi.js';
import { rootPitchClass } from '../../src/music/theory.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { syntheticTimeline } from '../helpers.js';

/** Planted pictures that end differently: calm, busy with cuts, a cut in the last second, a sad one, a very short one. */
const TIMELINES: Record<string, () => VideoTimeline> = {
  'calm 20 s': () => syntheticTimeline(Array(20).fill(0.5), []),
  'busy 24 s, cuts': () => syntheticTimeline(Array(24).fill(20), [4.1, 9.7, 15.2, 19.9]),
  'cut in the last second': () => syntheticTimeline(Array(12).fill(8), [5.5, 11.4]),
  'sad 18 s': () => ({ ...syntheticTimeline(Array(18).fill(4), [8.2]), emotion: fixedEmotion('sad', 18) }),
  'short 4 s': () => syntheticTimeline(Array(4).fill(6), [2.1]),
};

/** Pitch classes of the plan key's tonic triad, counted from the tonic. */
function tonicTriad(mode: 'major' | 'minor'): number[] {
  return [0, mode === 'major' ? 4 : 3, 7];
}

describe('the ending: every part on the tonic chord, released together', () => {
  for (const style of STYLE_NAMES) {
    for (const [name, timeline] of Object.entries(TIMELINES)) {
      it(`${style}, ${name}: the last sounding chord read back from the MIDI file is the tonic triad over the tonic`, () => {
        const composition = compose(timeline(), { style, seed: 3 });
        const tonic = rootPitchClass(composition.plan.key.tonic);
        // As the evaluation reads it (the written score) and as `v2m score` writes it (the produced mix).
        for (const [version, score] of [['score', composition.score], ['produced', composition.produced]] as const) {
          const pitched = readMidi(scoreToMidi(score, name)).notes.filter((note) => !note.isDrums);
          const last = lastSoundingChord(pitched);
          assert.ok(last.length >= 3, `${version}: ${last.length} notes in the last chord`);
          const label = `${version}: ${composition.plan.key.tonic} ${composition.plan.key.mode}, last chord ${last.map((note) => note.midi).join(' ')}`;
          assert.equal(Math.min(...last.map((note) => note.midi)) % 12, tonic, `${label}: the tonic in the bass`);
          const degrees = new Set(last.map((note) => (note.midi - tonic + 12) % 12));
          assert.deepEqual([...degrees].sort((a, b) => a - b), tonicTriad(composition.plan.key.mode), `${label}: root, third and fifth, nothing else`);
          // Struck together and released together, at the end of the piece.
          const start = Math.min(...last.map((note) => note.time));
          assert.ok(last.every((note) => Math.abs(note.time - start) < 0.03), `${label}: struck together`);
          const ends = last.map((note) => note.time + note.duration);
          assert.ok(Math.max(...ends) - Math.min(...ends) < 0.03, `${label}: released together (${ends.map((end) => end.toFixed(3)).join(' ')})`);
          assert.ok(Math.abs(Math.max(...ends) - score.duration) < 0.05, `${label}: held to the last frame`);
          // Nothing from before rings into it.
          const ringing = pitched.filter((note) => note.time < start - 0.03 && note.time + note.duration > start + 0.03);
          assert.deepEqual(ringing.map((note) => `${note.midi} from ${note.time.toFixed(2)}`), [], `${label}: notes ring into the final chord`);
        }
      });
    }
  }
});
