// `v2m eval music`'s measures on whole corpora: v2m's own MIDI files (in the repository tier) and
// held-out POP909 (data tier) — the ceiling the targets are read against.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Score, Track } from '../../src/compose/score.js';
import {
  baselineFileText,
  corpusFigures,
  endsOnTonicTriad,
  midiFolderPieces,
  overlaps,
  pop909Reference,
  readBaselineFile,
  SHIPPED_MUSIC_BASELINE,
  v2mPiece,
} from '../../src/eval/music.js';
import { FEATURE_NAMES } from '../../src/measure/corpus-stats.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { temporaryFolder } from '../helpers.js';
import { dataSet, needsData } from '../tiers.js';

const BEAT = 0.5; // 120 BPM

/**
 * 32 beats and a final chord: a melody in eighths over held C and F chords (C4–E4, F4–A4) and a bass
 * (C3, F3), and a planted hit, F#4 held beats 8–10 over the F chord: a minor 2nd above the piano's F4
 * and a minor 9th above the bass's F3 — two clashes. The melody's eighths (0.24 s) are too short to clash.
 */
function plantedScore(melodyPitches: readonly number[]): Score {
  const notes = (pitches: readonly number[], beatsEach: number, from = 0) =>
    pitches.map((midi, i) => ({ time: (from + i * beatsEach) * BEAT, duration: beatsEach * BEAT * 0.95, midi, velocity0to127: 90 }));
  const tracks: Track[] = [
    { role: 'chords', name: 'Piano', program: 0, isDrums: false, notes: [...notes([60, 60, 65, 60, 60, 65, 60, 60], 4), ...notes([64, 64, 69, 64, 64, 69, 64, 64], 4), ...notes([60], 1, 32)] },
    { role: 'melody', name: 'Flute', program: 73, isDrums: false, notes: notes(Array.from({ length: 64 }, (_, i) => melodyPitches[i % melodyPitches.length]!), 0.5) },
    { role: 'bass', name: 'Bass', program: 32, isDrums: false, notes: notes([48, 48, 53, 48, 48, 53, 48, 48], 4) },
    { role: 'hits', name: 'Hit', program: 48, isDrums: false, notes: notes([66], 2, 8) },
    { role: 'drums', name: 'Drums', program: 0, isDrums: true, notes: notes(Array.from({ length: 32 }, () => 36), 1) },
  ];
  return { duration: 33 * BEAT, beatsPerBar: 4, tempoMap: [{ time: 0, tempoBpm: 120 }], tracks };
}

describe('eval music on v2m MIDI files', () => {
  it('reads the melody by its role and measures two 16-beat windows per 32-beat piece', () => {
    const piece = v2mPiece('planted', 'piano', scoreToMidi(plantedScore([72, 74, 76, 77, 79, 77, 76, 74])));
    assert.equal(piece.melody.length, 64);
    assert.equal(piece.parts.length, 4, 'chords, melody, bass, hits; drums left out');
    const figures = corpusFigures('planted', [piece]);
    assert.equal(figures.windows.melody.pitchRange.length, 2);
    assert.equal(figures.windows.melody.pitchRange[0], 7);
    assert.equal(figures.windows.melody.distinctPitches[0], 5);
    assert.equal(figures.tempo?.tempos, 1);
  });

  it('tells a wandering melody from a two-note oscillation', () => {
    const wandering = v2mPiece('a', 'piano', scoreToMidi(plantedScore([72, 74, 76, 79, 77, 74, 71, 67, 69, 72, 76, 81, 79, 76, 72, 74])));
    const oscillating = v2mPiece('b', 'piano', scoreToMidi(plantedScore([79, 78])));
    const self = overlaps(corpusFigures('a', [wandering]).windows, corpusFigures('a', [wandering]).windows);
    const other = overlaps(corpusFigures('a', [wandering]).windows, corpusFigures('b', [oscillating]).windows);
    assert.ok(self.melody.mean > 0.99, `${self.melody.mean}`);
    assert.ok(other.melody.mean < 0.6, `${other.melody.mean}`);
    assert.ok(other.melody.distinctPitches < 0.01);
  });

  it('counts the clashes between parts: the planted hit against the piano and the bass', () => {
    const piece = v2mPiece('b', 'piano', scoreToMidi(plantedScore([79, 78])));
    const figures = corpusFigures('b', [piece]);
    assert.ok(Math.abs(figures.pieces[0]!.clashesPerMinute - 2 / (piece.duration / 60)) < 1e-9, `${figures.pieces[0]!.clashesPerMinute}`);
  });

  it('reads the last sounding chord from the MIDI file: the tonic triad of the written key, or not', () => {
    const ending = (bass: number, ringing?: number): Score => {
      const score = plantedScore([72, 74, 76, 77]);
      const final = (midi: number) => ({ time: 32 * BEAT, duration: BEAT, midi, velocity0to127: 80 });
      const tracks = score.tracks.map((track) =>
        track.role === 'chords' ? { ...track, notes: [...track.notes.filter((note) => note.time < 32 * BEAT - 1e-6), final(60), final(64), final(67)] } : track.role === 'bass' ? { ...track, notes: [...track.notes, final(bass)] } : track,
      );
      // A note from the bar before still sounding over the final chord belongs to it as heard.
      if (ringing !== undefined) tracks.push({ role: 'pad', name: 'Pad', program: 89, isDrums: false, notes: [{ time: 30 * BEAT, duration: 3 * BEAT, midi: ringing, velocity0to127: 60 }] });
      return { ...score, tracks };
    };
    const cMajor = { tonicPitchClass: 0, mode: 'major' as const };
    const read = (score: Score) => v2mPiece('end', 'piano', scoreToMidi(score), 1, cMajor);
    const figures = corpusFigures('endings', [read(ending(48)), read(ending(43)), read(ending(48, 53))]);
    assert.deepEqual(
      figures.pieces.map((piece) => piece.tonicEnd),
      [true, false, false],
      'C over C ends on the tonic; over a G in the bass it does not, nor with an F still ringing',
    );
    assert.ok(Math.abs(figures.tonicEnd!.written! - 1 / 3) < 1e-9);
    assert.equal(endsOnTonicTriad(read(ending(48)).parts.flat(), { tonicPitchClass: 9, mode: 'minor' }), false, 'not the tonic of A minor');
    assert.equal(corpusFigures('no key', [v2mPiece('end', 'piano', scoreToMidi(ending(48)))]).tonicEnd!.written, null, 'a MIDI file alone has no written key');
  });

  it('writes a baseline file that reads back to the same figures, and reads MIDI folders by style', async () => {
    const folder = temporaryFolder('v2m-music-');
    writeFileSync(path.join(folder, 'clip.piano.mid'), scoreToMidi(plantedScore([72, 74, 76, 77])));
    writeFileSync(path.join(folder, 'clip.band.seed2.mid'), scoreToMidi(plantedScore([72, 71])));
    const pieces = await midiFolderPieces(folder);
    assert.deepEqual(
      pieces.map((p) => [p.group, p.seed]),
      [
        ['band', 2],
        ['piano', 1],
      ],
    );
    const figures = corpusFigures('here', pieces);
    const file = path.join(folder, 'baseline.json');
    writeFileSync(file, baselineFileText(figures, 'test'));
    const back = await readBaselineFile(file);
    for (const name of FEATURE_NAMES) {
      back.windows.melody[name].forEach((value, i) => assert.ok(Math.abs(value - figures.windows.melody[name][i]!) < 1e-4));
    }
    assert.equal(back.diversity.length, 2);
  });
});

describe('eval music against held-out POP909 (data tier)', () => {
  it('POP909 halves overlap ≥ 0.8, held-out clashes are 1–5 a minute, and the previous composer sits below the ceiling', { ...needsData('pop909'), timeout: 120_000 }, async () => {
    const { reference, ceiling } = await pop909Reference(dataSet('pop909')!);
    assert.ok(ceiling.melody.mean >= 0.8, `melody ceiling ${ceiling.melody.mean}`);
    assert.ok(ceiling.all.mean >= 0.8, `all-parts ceiling ${ceiling.all.mean}`);
    assert.ok(reference.clashesPerMinute >= 1 && reference.clashesPerMinute <= 5, `${reference.clashesPerMinute} clashes/min`);
    assert.ok(reference.windows.melody.pitchRange.length > 500);
    const previous = overlaps(await readBaselineFile(SHIPPED_MUSIC_BASELINE).then((f) => f.windows), reference.windows);
    assert.ok(previous.melody.mean < ceiling.melody.mean - 0.2, `previous composer's melody overlap ${previous.melody.mean}`);
  });
});
