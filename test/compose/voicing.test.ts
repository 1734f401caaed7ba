import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedEmotion, type Emotion } from '../../src/analysis/emotion.js';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { resolveClashes } from '../../src/compose/clashes.js';
import { compose, STYLE_NAMES, type ChordEvent, type Composition, type Note, type Track } from '../../src/compose/index.js';
import { findClashes } from '../../src/measure/clashes.js';
import type { MidiNote } from '../../src/measure/midi.js';
import { chordPitchClasses, rootPitchClass, voiceLead } from '../../src/music/theory.js';
import { syntheticTimeline } from '../helpers.js';

/** Planted pictures: calm and dark with few cuts, busy with many, and a mood that brings 7th chords. */
function plantedTimelines(): Array<[string, VideoTimeline]> {
  const calm = syntheticTimeline(Array(30).fill(0.4), [9.3, 21.1], 0.25);
  const busy = syntheticTimeline(Array.from({ length: 30 }, (_, s) => (s < 10 ? 3 : 12)), [2.9, 6.4, 10.05, 13.7, 18.2, 24.6], 0.6);
  const withMood = (timeline: VideoTimeline, mood: Emotion): VideoTimeline => ({ ...timeline, emotion: fixedEmotion(mood, timeline.seconds) });
  return [
    ['calm', calm],
    ['busy', busy],
    ['relaxing', withMood(busy, 'relaxing')],
    ['sad', withMood(calm, 'sad')],
  ];
}

/** The composition's pitched parts as the evaluation reads them (its own clash counter, not the one under test). */
function evaluationParts(composition: Composition): MidiNote[][] {
  return composition.score.tracks
    .filter((track) => !track.isDrums)
    .map((track, channel) => track.notes.map((note) => ({ time: note.time, duration: note.duration, midi: note.midi, velocity0to1: note.velocity0to127 / 127, isDrums: false, channel, program: track.program })));
}

function pitchClass(midi: number): number {
  return ((midi % 12) + 12) % 12;
}

let composed: Array<{ label: string; composition: Composition }> | undefined;

/** Every style on every planted picture at two seeds, composed once for all the tests below. */
function compositions(): Array<{ label: string; composition: Composition }> {
  composed ??= plantedTimelines().flatMap(([name, timeline]) =>
    STYLE_NAMES.flatMap((style) => [1, 2].map((seed) => ({ label: `${name} ${style} seed ${seed}`, composition: compose(timeline, { style, seed }) }))),
  );
  return composed;
}

describe('voice leading and clashes', () => {
  it('keeps minor 2nds and 9ths between parts to at most 2 a minute (EVALUATION.md §6 count)', { timeout: 60_000 }, () => {
    let clashes = 0;
    let minutes = 0;
    for (const { label, composition } of compositions()) {
      const found = findClashes(evaluationParts(composition));
      clashes += found.length;
      minutes += composition.score.duration / 60;
      assert.ok(found.length / (composition.score.duration / 60) <= 2, `${label}: ${found.length} clashes (${found.map((c) => `${c.low}/${c.high} at ${c.time.toFixed(2)}`).join(', ')})`);
    }
    assert.ok(clashes / minutes <= 2, `${(clashes / minutes).toFixed(2)} clashes a minute over all pieces`);
  });

  it('lets no note ring into a chord it does not belong to, unless it resolves by step within a beat', { timeout: 60_000 }, () => {
    for (const { label, composition } of compositions()) {
      const beatSeconds = Math.max(...composition.beats.map((beat) => beat.duration));
      for (const track of composition.score.tracks.filter((t) => !t.isDrums)) {
        for (const note of track.notes) {
          const end = note.time + note.duration;
          for (const change of composition.chords.filter((c) => c.time > note.time + 1e-6 && c.time < end - 1e-6)) {
            if (chordPitchClasses(change.chord).includes(pitchClass(note.midi))) continue;
            const resolution = track.notes.find((other) => Math.abs(other.time - end) < 0.02 && Math.abs(other.midi - note.midi) <= 2 && other.midi !== note.midi);
            const resolves = end - change.time <= beatSeconds + 1e-6 && resolution !== undefined && chordPitchClasses(change.chord).includes(pitchClass(resolution.midi));
            assert.ok(resolves, `${label}: ${track.role} ${note.midi} from ${note.time.toFixed(2)} rings into ${change.chord} at ${change.time.toFixed(2)}`);
          }
        }
      }
    }
  });

  it('ends every piece on the tonic chord, all parts releasing together', { timeout: 60_000 }, () => {
    for (const { label, composition } of compositions()) {
      const pitched = composition.score.tracks.filter((t) => !t.isDrums).flatMap((t) => t.notes);
      const lastOnset = Math.max(...pitched.map((n) => n.time));
      const sounding = pitched.filter((n) => n.time <= lastOnset + 1e-6 && n.time + n.duration > lastOnset + 1e-3);
      const tonic = rootPitchClass(composition.plan.key.tonic);
      const third = composition.plan.key.mode === 'major' ? 4 : 3;
      const tonicTriad = new Set([tonic, (tonic + third) % 12, (tonic + 7) % 12]);
      const bass = sounding.reduce((low, n) => (n.midi < low.midi ? n : low));
      assert.equal(pitchClass(bass.midi), tonic, `${label}: the last chord stands on ${bass.midi}`);
      assert.ok(sounding.every((n) => tonicTriad.has(pitchClass(n.midi))), `${label}: the last chord holds ${sounding.map((n) => n.midi).join(' ')}`);
      const ends = sounding.map((n) => n.time + n.duration);
      assert.ok(Math.max(...ends) - Math.min(...ends) < 1e-6, `${label}: the final chord releases at ${ends.map((e) => e.toFixed(2)).join(', ')}`);
    }
  });

  it('ends the bass at the chord change', { timeout: 60_000 }, () => {
    for (const { label, composition } of compositions()) {
      const bass = composition.score.tracks.find((t) => t.role === 'bass')!;
      for (const note of bass.notes) {
        const crossed = composition.chords.find((c) => c.time > note.time + 1e-6 && c.time < note.time + note.duration - 1e-6);
        assert.equal(crossed, undefined, `${label}: bass ${note.midi} at ${note.time.toFixed(2)} rings into ${crossed?.chord}`);
      }
    }
  });
});

describe('voiceLead', () => {
  it('puts no two neighbouring voices a semitone apart (no 7th under the root), keeping every tone it can', () => {
    const symbols = ['Cmaj7', 'Gmaj7', 'Fmaj7', 'Dm7', 'Em7', 'G7', 'Am7', 'Bm7b5', 'C6', 'Ebmaj7', 'Abmaj7', 'C', 'Am'];
    for (const symbol of symbols) {
      let previous: number[] | undefined;
      for (const [low, high] of [[55, 74], [52, 76], [48, 67]] as const) {
        const voicing = voiceLead(chordPitchClasses(symbol), previous, low, high);
        previous = voicing;
        const neighbours = voicing.slice(1).map((midi, i) => midi - voicing[i]!);
        assert.ok(neighbours.every((step) => step !== 1), `${symbol} in ${low}–${high}: ${voicing.join(' ')}`);
        assert.ok(voicing.every((midi) => midi >= low && midi <= high), `${symbol} leaves ${low}–${high}: ${voicing.join(' ')}`);
        assert.ok(voicing.length >= 3 && new Set(voicing.map(pitchClass)).size === voicing.length);
        assert.ok(voicing.map(pitchClass).includes(rootPitchClass(symbol)), `${symbol}: the root is kept`);
      }
    }
    // Where an inversion spaces it well, the 7th stays: Cmaj7 in root position.
    assert.deepEqual(voiceLead(chordPitchClasses('Cmaj7'), undefined, 55, 74), [60, 64, 67, 71]);
  });
});

describe('resolveClashes', () => {
  const note = (time: number, duration: number, midi: number): Note => ({ time, duration, midi, velocity0to127: 80 });
  const track = (role: Track['role'], notes: Note[]): Track => ({ role, name: role, program: 0, isDrums: false, notes });
  const chords: ChordEvent[] = [
    { time: 0, duration: 2, chord: 'C' },
    { time: 2, duration: 2, chord: 'G' },
  ];

  it('keeps the melody and the bass, and makes the pad give way', () => {
    // The tune holds the tonic (C5) over V while the pad has the leading tone (B3) a minor 9th below;
    // a pad C4 rings on from the I chord under the bass's B.
    const melody = track('melody', [note(1.5, 1.5, 72)]);
    const bass = track('bass', [note(0, 2, 48), note(2, 2, 47)]);
    const pad = track('pad', [note(0, 2.5, 60), note(2, 2, 59), note(2, 2, 62), note(2, 2, 67)]);
    const result = resolveClashes([melody, bass, pad], chords);
    assert.equal(result.clashesBefore, 2);
    assert.equal(result.clashesAfter, 0);
    assert.deepEqual(result.tracks[0]!.notes, melody.notes, 'the melody is untouched');
    assert.deepEqual(result.tracks[1]!.notes, bass.notes, 'the bass is untouched');
    const padNotes = result.tracks[2]!.notes;
    // The ringing C4 stops where the bass's B begins; the pad's B, doubled by the bass, is left out.
    assert.ok(padNotes.some((n) => n.midi === 60 && Math.abs(n.time + n.duration - 2) < 1e-9), JSON.stringify(padNotes));
    assert.ok(!padNotes.some((n) => n.midi === 59), JSON.stringify(padNotes));
    for (const n of padNotes.filter((n) => n.time >= 2)) assert.ok(chordPitchClasses('G').includes(pitchClass(n.midi)), `pad ${n.midi} is not in G`);
  });

  it('changes nothing where nothing clashes', () => {
    const tracks = [track('melody', [note(0, 1, 76), note(2, 1, 74)]), track('pad', [note(0, 2, 60), note(0, 2, 64), note(2, 2, 62)])];
    const result = resolveClashes(tracks, chords);
    assert.equal(result.clashesBefore, 0);
    assert.deepEqual(result.tracks, tracks);
  });
});
