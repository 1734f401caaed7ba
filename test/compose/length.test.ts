// Length, loops and spans on planted timelines (no rendering): --duration shorter and longer than the
// video both end on the tonic, held and released together (read back from the MIDI file); a --loop is
// whole bars at one tempo, opens on the tonic and turns round on the dominant with no held ending;
// --from/--to gives the span's picture on its own clock; bad values are refused with clear words.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitTimeline } from '../../src/analysis/span.js';
import { compose } from '../../src/compose/index.js';
import { inWholeBars } from '../../src/compose/plan.js';
import type { Section } from '../../src/compose/score.js';
import { DEFAULT_OPTIONS } from '../../src/config.js';
import { readMidi } from '../../src/measure/midi.js';
import { chordPitchClasses, diatonicTriads } from '../../src/music/theory.js';
import { checkOptions, checkSpan } from '../../src/options.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { syntheticTimeline } from '../helpers.js';

/** 20 s: calm, then busy after the second cut; cuts at irregular times. */
function planted() {
  const motion = Array.from({ length: 20 }, (_, s) => (s < 7 ? 3 : 14));
  const timeline = syntheticTimeline(motion, [3.36, 7.04, 12.52], 0.5);
  // Light that changes each second, to see which second of the video a span's second shows.
  return { ...timeline, features: { ...timeline.features, brightness: motion.map((_, s) => s / 100) } };
}

const DRUM_CHANNEL = 9;

/** The pitched notes still sounding in the music's last 0.1 s, from the MIDI file as written. */
function finalChord(bytes: Uint8Array) {
  const midi = readMidi(bytes);
  const notes = midi.notes.filter((note) => note.channel !== DRUM_CHANNEL && note.time + note.duration > midi.duration - 0.1);
  return { end: midi.duration, notes };
}

describe('--duration', () => {
  for (const duration of [7.3, 31.7]) {
    for (const style of ['band', 'piano', 'cinematic'] as const) {
      it(`${duration} s of music from a 20 s video (${style}) lasts ${duration} s and ends on the tonic triad, all released together`, () => {
        const { plan, produced } = compose(fitTimeline(planted(), { duration }), { style, seed: 4 });
        const { end, notes } = finalChord(scoreToMidi(produced, 'length'));
        assert.ok(Math.abs(end - duration) < 1e-3, `the MIDI lasts ${end} s`);
        const tonicTriad = chordPitchClasses(diatonicTriads(plan.key)[0]!);
        assert.ok(notes.length >= 4, `${notes.length} notes in the final chord`);
        for (const note of notes) assert.ok(tonicTriad.includes(note.midi % 12), `${note.midi} is not in the tonic triad ${tonicTriad}`);
        assert.deepEqual(new Set(notes.map((note) => note.midi % 12)), new Set(tonicTriad), 'root, third and fifth all sound');
        const lowest = Math.min(...notes.map((note) => note.midi));
        assert.equal(lowest % 12, tonicTriad[0], 'the bass holds the root');
        const starts = notes.map((note) => note.time);
        const ends = notes.map((note) => note.time + note.duration);
        assert.ok(Math.max(...starts) - Math.min(...starts) < 1e-3, 'struck together');
        for (const noteEnd of ends) assert.ok(Math.abs(noteEnd - duration) < 1e-3, `released at ${noteEnd}, not with the rest at ${duration}`);
      });
    }
  }

  it('a longer timeline holds the last second of picture, with no cut, and keeps the cuts before the end', () => {
    const longer = fitTimeline(planted(), { duration: 31.7 });
    assert.equal(longer.duration, 31.7);
    assert.equal(longer.seconds, 32);
    assert.deepEqual(longer.cuts.map((cut) => cut.time), [3.36, 7.04, 12.52]);
    assert.equal(longer.features.brightness.length, 32);
    assert.equal(longer.features.brightness[31], 0.19, 'the last second of the video holds');
    assert.equal(longer.motionCurve.values.length, 317);
    assert.equal(longer.emotion.probabilities.length, 32);
    const shorter = fitTimeline(planted(), { duration: 7.3 });
    assert.deepEqual(shorter.cuts.map((cut) => cut.time), [3.36, 7.04]);
    assert.equal(shorter.features.motion.length, 8);
  });
});

describe('--from/--to', () => {
  it('gives the span on its own clock: its length, its cuts shifted, its own seconds of picture', () => {
    const span = fitTimeline(planted(), { from: 5, to: 15 });
    assert.equal(span.duration, 10);
    assert.deepEqual(span.cuts.map((cut) => Number(cut.time.toFixed(6))), [2.04, 7.52]);
    assert.equal(span.features.brightness[0], 0.05, 'second 0 of the span is second 5 of the video');
    assert.equal(span.features.brightness[9], 0.14);
    const { score, plan } = compose(span, { style: 'band', seed: 2 });
    assert.ok(Math.abs(score.duration - 10) < 1e-9, `music of ${score.duration} s for a 10 s span`);
    assert.deepEqual(plan.hits.map((hit) => Number(hit.time.toFixed(6))), [2.04, 7.52]);
  });

  it('--duration applies to the span: the span picture, then held', () => {
    const span = fitTimeline(planted(), { from: 15, to: 20, duration: 8 });
    assert.equal(span.duration, 8);
    assert.deepEqual(span.features.brightness, [0.15, 0.16, 0.17, 0.18, 0.19, 0.19, 0.19, 0.19]);
  });
});

describe('--loop', () => {
  for (const [style, duration] of [['band', 10], ['piano', 20], ['ambient', 7]] as const) {
    it(`${style}, about ${duration} s: whole 4/4 bars at one tempo, tonic first, a dominant turnaround last, no held ending`, () => {
      const { plan, chords, score, produced } = compose(fitTimeline(planted(), { duration }), { style, seed: 3, loop: true });
      const tempos = new Set(plan.sections.map((section) => section.tempoBpm));
      assert.equal(tempos.size, 1, 'one tempo');
      const barSeconds = (plan.beatsPerBar * 60) / plan.sections[0]!.tempoBpm;
      assert.ok(Math.abs(score.duration - duration) <= barSeconds / 2 + 1e-9, `${score.duration} s is the nearest whole bar to ${duration} s`);
      const final = plan.sections[plan.sections.length - 1]!;
      assert.deepEqual(final.bars, new Array(final.beats / plan.beatsPerBar).fill(plan.beatsPerBar), 'the last section is whole 4/4 bars');
      assert.ok(Math.abs(final.start + (final.beats * 60) / final.tempoBpm - score.duration) < 1e-9, 'the music ends on its last bar line');
      for (const section of plan.sections) {
        assert.deepEqual(section.bars, new Array(section.beats / plan.beatsPerBar).fill(plan.beatsPerBar), 'every section is whole 4/4 bars');
      }
      const bars = score.duration / barSeconds;
      assert.ok(Math.abs(bars - Math.round(bars)) < 1e-9, `${bars} bars of 4/4`);
      assert.deepEqual(score.meter, [{ time: 0, beatsPerBar: 4 }], 'one time signature');
      const triads = diatonicTriads(plan.key);
      assert.equal(chords[0]!.chord, triads[0], 'it opens on the tonic');
      assert.equal(chords[chords.length - 1]!.chord, triads[4], 'it turns round on the dominant');
      // No held ending: the notes still sounding at the end are the dominant's, not a held tonic.
      const { notes } = finalChord(scoreToMidi(produced, 'loop'));
      const dominant = chordPitchClasses(triads[4]!);
      for (const note of notes) assert.ok(dominant.includes(note.midi % 12), `${note.midi} at the loop's end is outside the dominant ${dominant}`);
    });
  }

  it('a last section under half a bar joins the one before; hits past the end are dropped', () => {
    const section = (start: number, end: number, beats: number): Section => ({ start, end, beats, tempoBpm: 120, bars: [4], energy: 0.5, part: 'build' });
    const { sections, hits } = inWholeBars(
      {
        sections: [section(0, 8, 16), section(8, 8.6, 2)],
        hits: [
          { time: 8, kind: 'cut', weight: 1, landing: 'downbeat', offset: 0 },
          { time: 8.5, kind: 'cut', weight: 1, landing: 'beat', offset: 0 },
        ] as never,
      },
      4,
    );
    assert.equal(sections.length, 1);
    assert.equal(sections[0]!.end, 8);
    assert.deepEqual(sections[0]!.bars, [4, 4, 4, 4]);
    assert.equal(hits.length, 0);
  });

  it('a cut off the 4/4 bar lines plays on its beat inside a bar: no odd bar, one section', () => {
    const section = (start: number, end: number, beats: number, bars: number[], energy: number): Section => ({ start, end, beats, tempoBpm: 120, bars, energy, part: 'build' });
    const { sections, hits } = inWholeBars(
      { sections: [section(0, 5.5, 11, [4, 4, 3], 0.2), section(5.5, 12, 13, [4, 4, 4, 1], 0.8)], hits: [{ time: 5.5, kind: 'cut', weight: 1, landing: 'downbeat', offset: 0 }] as never },
      4,
    );
    assert.equal(sections.length, 1);
    assert.deepEqual([sections[0]!.start, sections[0]!.end, sections[0]!.beats], [0, 12, 24]);
    assert.deepEqual(sections[0]!.bars, [4, 4, 4, 4, 4, 4]);
    assert.ok(Math.abs(sections[0]!.energy - (0.2 * 5.5 + 0.8 * 6.5) / 12) < 1e-9, 'the energy of both, by time');
    assert.equal(hits[0]!.landing, 'beat');
  });
});

describe('length options refused with clear words', () => {
  const options = { ...DEFAULT_OPTIONS, chords: 'rules' as const, dynamics: 'motion' as const };
  it('--to before --from, a span too short, a negative --duration', async () => {
    await assert.rejects(checkOptions({ ...options, from: 8, to: 3 }), /--to \(3 s\) must come after --from \(8 s\)/);
    await assert.rejects(checkOptions({ ...options, from: 3, to: 4 }), /is 1\.00 s; v2m scores at least 2 s/);
    await assert.rejects(checkOptions({ ...options, duration: -5 }), /--duration must be between 2 and 3600 s, not '-5'/);
    await assert.rejects(checkOptions({ ...options, from: -1 }), /--from must be between 0 and 86400 s/);
    await checkOptions({ ...options, from: 2, to: 8, duration: 30, loop: true, stems: true });
  });

  it('--from or --to beyond the video, once its length is known', () => {
    assert.throws(() => checkSpan({ from: 12 }, 10), (error: Error & { code?: string }) => error.code === 'USAGE' && /--from 12 s is beyond the end of the video, which is 10\.00 s long/.test(error.message));
    assert.throws(() => checkSpan({ to: 11 }, 10), /--to 11 s is beyond the end of the video/);
    assert.throws(() => checkSpan({ from: 9 }, 10), /shorter than the 2 s v2m scores at least/);
    assert.deepEqual(checkSpan({ to: 10.04 }, 10), { from: 0, to: 10 }, 'a frame past the end is the end');
    assert.deepEqual(checkSpan({}, 10), { from: 0, to: 10 });
  });
});
