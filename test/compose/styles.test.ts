import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { syntheticTimeline } from '../helpers.js';
import { compose, STYLE_NAMES, type StyleName } from '../../src/compose/index.js';

function busyTimeline(): VideoTimeline {
  return syntheticTimeline(Array(12).fill(14), [5.2]);
}

/** A style's drum groove as the set of (drum key, position in the beat) pairs it plays. */
function grooveSignature(style: StyleName): string {
  const { score, beats } = compose(busyTimeline(), { style, seed: 1 });
  const drums = score.tracks.find((t) => t.isDrums)!;
  const pairs = new Set<string>();
  for (const note of drums.notes) {
    const beat = [...beats].reverse().find((b) => b.time <= note.time + 1e-9)!;
    pairs.add(`${note.midi}@${beat.beatInBar}+${((note.time - beat.time) / beat.duration).toFixed(2)}`);
  }
  return [...pairs].sort().join(' ');
}

describe('styles', () => {
  it('offers six styles', () => {
    assert.deepEqual([...STYLE_NAMES].sort(), ['ambient', 'band', 'cinematic', 'electronic', 'lofi', 'piano']);
  });

  it('gives every style its own General MIDI instruments', () => {
    const instrumentSets = STYLE_NAMES.map((style) =>
      compose(busyTimeline(), { style, seed: 1 })
        .score.tracks.filter((t) => !t.isDrums)
        .map((t) => t.program)
        .join(','),
    );
    assert.equal(new Set(instrumentSets).size, STYLE_NAMES.length, instrumentSets.join(' | '));
  });

  it('gives every style its own drum pattern', () => {
    const grooves = STYLE_NAMES.map(grooveSignature);
    assert.equal(new Set(grooves).size, STYLE_NAMES.length);
  });

  it('swings the lo-fi hats and keeps the electronic kick on every beat up to the final chord', () => {
    assert.match(grooveSignature('lofi'), /42@\d\+0\.62/);
    const electronic = compose(busyTimeline(), { style: 'electronic', seed: 1 });
    const kicks = electronic.score.tracks.find((t) => t.isDrums)!.notes.filter((n) => n.midi === 36);
    const finalChord = electronic.chords[electronic.chords.length - 1]!.time;
    assert.ok(electronic.beats.filter((b) => b.time <= finalChord).every((b) => kicks.some((k) => Math.abs(k.time - b.time) < 1e-9)));
  });

  it('marks the cut with a brass swell in the cinematic style', () => {
    const { score } = compose(busyTimeline(), { style: 'cinematic', seed: 1 });
    const brass = score.tracks.find((t) => t.name === 'Brass')!;
    // On the cut's downbeat, which the tempo map puts within a frame (25 fps) of it.
    assert.ok(brass.notes.some((n) => Math.abs(n.time - 5.2) <= 0.04));
  });
});
