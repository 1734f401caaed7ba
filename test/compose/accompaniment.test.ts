import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Chord, Note as TonalNote } from 'tonal';
import { accompanimentPart, type AccompanimentInput } from '../../src/compose/accompaniment.js';
import { beatGrid } from '../../src/compose/grid.js';
import { chordTrack } from '../../src/compose/harmony.js';
import { planScore } from '../../src/compose/plan.js';
import { STYLE_NAMES, type Beat, type ChordEvent, type Note, type StyleName } from '../../src/compose/score.js';
import { SHIPPED_TEXTURES_FILE, shippedTextures } from '../../src/compose/texture-library.js';
import { buildTextureLibraryFile } from '../../src/data/pop909-textures.js';
import { parseTextureLibrary } from '../../src/compose/texture-library.js';
import { createRng } from '../../src/music/random.js';
import { syntheticTimeline } from '../helpers.js';
import { dataSet, needsData } from '../tiers.js';

const CALM_SECONDS = 16;
/** A strum's strings sound 12 ms apart, six at most: onsets closer than this are one attack. */
const STRUM_SPREAD_SECONDS = 0.07;
/** Sixteen still seconds, then sixteen of a busy picture, cut between them. */
const CALM_THEN_BUSY = [...Array<number>(CALM_SECONDS).fill(1), ...Array<number>(CALM_SECONDS).fill(25)];

/** Plan, beat grid and chords for a planted timeline: the stages before the accompaniment, run alone. */
function stagesFor(style: StyleName, motion = CALM_THEN_BUSY, seed = 1): AccompanimentInput {
  const plan = planScore(syntheticTimeline(motion, [CALM_SECONDS]), { style, seed });
  const beats = beatGrid(plan);
  return { plan, beats, chords: chordTrack(plan, beats, createRng(seed + 1)) };
}

function accompany(input: AccompanimentInput, seed = 7): Note[] {
  return accompanimentPart(input, input.plan.spec.chords, shippedTextures(), createRng(seed));
}

/** Attacks per beat between two times: onsets closer than a strum's spread count as one. */
function attacksPerBeat(notes: readonly Note[], beats: readonly Beat[], from: number, to: number): number {
  const onsets = notes.filter((note) => note.time >= from && note.time < to).map((note) => note.time).sort((a, b) => a - b);
  const attacks = onsets.filter((time, index) => index === 0 || time - onsets[index - 1]! > STRUM_SPREAD_SECONDS).length;
  return attacks / beats.filter((beat) => beat.time >= from && beat.time < to).length;
}

/** Pitch classes of a chord symbol, read by tonal directly (not through v2m's theory module). */
function tonesOf(symbol: string): number[] {
  return Chord.get(symbol).notes.map((name) => TonalNote.chroma(name)!);
}

/** Notes sounding at a chord's start whose pitch class is not in that chord. */
function strangersAtChanges(notes: readonly Note[], chords: readonly ChordEvent[]): string[] {
  return chords.flatMap((chord) =>
    notes
      .filter((note) => note.time <= chord.time + 1e-6 && note.time + note.duration > chord.time + 1e-6 && !tonesOf(chord.chord).includes(note.midi % 12))
      .map((note) => `${note.midi} at ${chord.time.toFixed(2)} over ${chord.chord}`),
  );
}

describe('accompaniment textures', () => {
  it('ships a library of thousands of POP909 patterns in under 2 MB', () => {
    const library = shippedTextures();
    assert.ok(library.patterns.length >= 3000, `${library.patterns.length} patterns`);
    assert.ok(statSync(SHIPPED_TEXTURES_FILE).size <= 2 * 1024 * 1024);
    assert.match(library.source, /POP909/);
    assert.ok(library.patterns.every((pattern) => pattern.notes.length > 0 && pattern.notes.every((note) => note.step < pattern.beats * 4)));
    // Dense and sparse bars are both there for the energy to choose from.
    const densities = library.patterns.map((pattern) => pattern.features.onsetsPerBeat);
    assert.ok(Math.min(...densities) <= 0.5 && Math.max(...densities) >= 3.5);
  });

  for (const style of STYLE_NAMES) {
    it(`${style}: plays more attacks a beat where the picture is busy`, () => {
      const input = stagesFor(style);
      const notes = accompany(input);
      const calm = attacksPerBeat(notes, input.beats, 0, CALM_SECONDS);
      const busy = attacksPerBeat(notes, input.beats, CALM_SECONDS, 2 * CALM_SECONDS);
      assert.ok(busy >= calm * 1.3, `calm ${calm.toFixed(2)} vs busy ${busy.toFixed(2)} attacks a beat`);
    });

    it(`${style}: every note sounding at a chord change belongs to that chord, none outside the range`, () => {
      const input = stagesFor(style);
      const notes = accompany(input);
      assert.deepEqual(strangersAtChanges(notes, input.chords), []);
      const [low, high] = input.plan.spec.chords.range;
      assert.deepEqual(notes.filter((note) => note.midi < low || note.midi > high).map((note) => note.midi), []);
    });
  }

  it('gives the same notes for the same seed and other notes for another', () => {
    const input = stagesFor('piano');
    assert.deepEqual(accompany(input, 3), accompany(input, 3));
    assert.notDeepEqual(accompany(input, 3), accompany(input, 4));
  });

  it("plays each style's texture its own way", () => {
    const input = stagesFor('piano');
    const signatures = STYLE_NAMES.map((style) => {
      const notes = accompanimentPart(input, stagesFor(style).plan.spec.chords, shippedTextures(), createRng(7));
      // Where in the beat notes start and how long they last, in sixteenths: the figure, whatever the pitches.
      const beatSeconds = input.beats[0]!.duration;
      return [...new Set(notes.map((note) => `${Math.round(((note.time % beatSeconds) / beatSeconds) * 4)}:${Math.round((note.duration / beatSeconds) * 4)}`))].sort().join(' ');
    });
    assert.equal(new Set(signatures).size, STYLE_NAMES.length, signatures.join(' | '));
  });

  it("keeps Video2Music's arpeggio for the fixed baseline: chord tones on every eighth, every sixteenth when busy", () => {
    const input = stagesFor('piano');
    const notes = accompanimentPart(input, { ...input.plan.spec.chords, figure: 'arpeggio' }, shippedTextures(), createRng(1));
    const finalChord = input.chords.at(-1)!.time;
    for (const beat of input.beats.filter((b) => b.time < finalChord)) {
      const inBeat = notes.filter((note) => note.time >= beat.time - 1e-6 && note.time < beat.time + beat.duration - 1e-6);
      assert.equal(inBeat.length, beat.time < CALM_SECONDS ? 2 : 4, `beat at ${beat.time.toFixed(2)}`);
    }
    assert.deepEqual(strangersAtChanges(notes, input.chords), []);
  });

  it('fits bars of two to six beats, starts each on its downbeat and never holds a note into the next chord', () => {
    const { plan } = stagesFor('piano');
    const beatSeconds = 0.5;
    const barBeats = [2, 3, 5, 6, 4];
    const symbols = ['C', 'Am', 'F', 'G7', 'Bdim'];
    const beats: Beat[] = [];
    const chords: ChordEvent[] = [];
    let time = 0;
    barBeats.forEach((count, bar) => {
      chords.push({ time, duration: count * beatSeconds, chord: symbols[bar]! });
      for (let beat = 0; beat < count; beat++, time += beatSeconds) beats.push({ time, duration: beatSeconds, bar, beatInBar: beat, section: 0 });
    });
    for (const style of STYLE_NAMES) {
      const notes = accompanimentPart({ plan, beats, chords }, stagesFor(style).plan.spec.chords, shippedTextures(), createRng(1));
      for (const chord of chords) {
        const inside = notes.filter((note) => note.time >= chord.time - 1e-6 && note.time < chord.time + chord.duration - 1e-6);
        assert.ok(inside.some((note) => Math.abs(note.time - chord.time) < 0.05), `${style}: nothing on the downbeat of the ${chord.chord} bar`);
        assert.ok(inside.every((note) => note.time + note.duration <= chord.time + chord.duration + 1e-6), `${style}: a note rings past the ${chord.chord} bar`);
      }
      assert.deepEqual(strangersAtChanges(notes, chords), [], style);
    }
  });

  it('builds the library from POP909 training songs only, the same way twice', { ...needsData('pop909'), timeout: 60_000 }, async () => {
    const songsFolder = `${dataSet('pop909')}/POP909`;
    // 001–004 and 006 train; 005 is validation, 010 test: both must stay out.
    const options = { songsFolder, perSongLimit: 8, songs: ['001', '002', '003', '004', '005', '006', '010'] };
    const file = await buildTextureLibraryFile(options);
    assert.deepEqual(await buildTextureLibraryFile(options), file);
    assert.deepEqual([...new Set(file.patterns.map((pattern) => pattern.song))].sort(), ['001', '002', '003', '004', '006']);
    const library = parseTextureLibrary(file);
    assert.ok(library.patterns.length >= 20, `${library.patterns.length} patterns`);
    // POP909's chord annotations were read from the same MIDI: most piano notes are tones of the bar's chord.
    const notes = library.patterns.flatMap((pattern) => pattern.notes);
    const chordToneShare = notes.filter((note) => note.chordTone !== undefined).length / notes.length;
    assert.ok(chordToneShare >= 0.85, `chord-tone share ${chordToneShare.toFixed(2)}`);
  });
});
