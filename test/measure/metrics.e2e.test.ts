import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixedEmotion } from '../../src/analysis/emotion.js';
import type { Score, TempoChange } from '../../src/compose/score.js';
import { analyzeAudio } from '../../src/measure/audio.js';
import { estimateKey, pearson } from '../../src/measure/key.js';
import { emotionCorrespondence, endsOnTonic, hitRate, inKeyRatio, trackMetrics } from '../../src/measure/metrics.js';
import { readMidi, type MidiNote } from '../../src/measure/midi.js';
import { renderAudio } from '../../src/render/index.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { temporaryFolder } from '../helpers.js';

const CUTS = [1.0, 2.5, 4.0, 5.5];
const DURATION = 7;

/** Woodblock and bass on every beat of a 120 BPM grid that starts at `offset` seconds. */
function beatScore(offset: number): Score {
  const tempoMap: TempoChange[] = offset > 0 ? [{ time: 0, tempoBpm: 60 / offset }, { time: offset, tempoBpm: 120 }] : [{ time: 0, tempoBpm: 120 }];
  const times = Array.from({ length: 14 }, (_, i) => offset + i * 0.5).filter((t) => t < DURATION - 0.3);
  return {
    duration: DURATION,
    tempoMap,
    beatsPerBar: 4,
    tracks: [
      { role: 'chords', name: 'Woodblock', program: 115, isDrums: false, notes: times.map((time) => ({ time, duration: 0.2, midi: 72, velocity0to127: 110 })) },
      { role: 'bass', name: 'Bass', program: 33, isDrums: false, notes: times.map((time) => ({ time, duration: 0.4, midi: 36, velocity0to127: 100 })) },
    ],
  };
}

async function metricsFor(score: Score, folder: string, name: string) {
  const audioPath = path.join(folder, `${name}.wav`);
  const { midi, loudness } = await renderAudio({ score, title: name, audioPath, workFolder: folder });
  const audio = await analyzeAudio(audioPath);
  const picture = { duration: DURATION, cuts: CUTS, visualBeats: CUTS, motionPerSecond: new Array(DURATION).fill(1), emotion: fixedEmotion('neutral', DURATION) };
  return trackMetrics({ picture, audio, midi: readMidi(midi), truePeakDbtp: loudness.truePeakDbtp });
}

describe('metrics on rendered tracks', () => {
  const folder = temporaryFolder();

  it('gives cut hit rate 1.0 when the beats sit on the cuts, and 0.0 on a copy shifted by a sixteenth (off every beat and eighth)', async () => {
    const onCuts = await metricsFor(beatScore(0), folder, 'on-cuts');
    assert.equal(onCuts.cutHitRate, 1);
    assert.equal(onCuts.cutHitRateAudio, 1);
    const shifted = await metricsFor(beatScore(0.125), folder, 'shifted');
    assert.equal(shifted.cutHitRateMidi, 0);
    assert.equal(shifted.cutHitRateAudio, 0);
    assert.equal(shifted.cutHitRate, 0);
  });

  it('reads the MIDI beat grid from the file’s own tempo map', () => {
    const { beats, notes } = readMidi(scoreToMidi(beatScore(0.25)));
    assert.deepEqual(beats.slice(0, 4).map((t) => Math.round(t * 1000) / 1000), [0, 0.25, 0.75, 1.25]);
    assert.equal(notes.filter((n) => n.midi === 72).length, beatScore(0.25).tracks[0]!.notes.length);
  });
});

describe('metric arithmetic', () => {
  const note = (time: number, midi: number, duration = 0.5): MidiNote => ({ time, duration, midi, velocity0to1: 0.8, isDrums: false, channel: 0, program: 0 });

  it('hit rate needs an event within the tolerance in every list', () => {
    assert.equal(hitRate([1, 2, 3], [[1.04, 2.2, 3]], 0.05), 2 / 3);
    assert.equal(hitRate([1, 2], [[1, 2], [1.01]], 0.05), 1 / 2);
  });

  it('Pearson r is ±1 on linear series and 0 on a constant one', () => {
    assert.ok(Math.abs(pearson([1, 2, 3, 4], [2, 4, 6, 8]) - 1) < 1e-12);
    assert.ok(Math.abs(pearson([1, 2, 3, 4], [8, 6, 4, 2]) + 1) < 1e-12);
    assert.equal(pearson([1, 2, 3], [5, 5, 5]), 0);
  });

  it('judges chord qualities against the emotion of confident seconds only', () => {
    const chords = [{ time: 0, duration: 2, chord: 'Cmaj7' }, { time: 2, duration: 2, chord: 'Am' }];
    assert.equal(emotionCorrespondence(fixedEmotion('relaxing', 4), chords), 0.5);
    assert.equal(emotionCorrespondence(fixedEmotion('sad', 4), chords), 0.5);
    assert.equal(emotionCorrespondence(fixedEmotion('neutral', 4), chords), null);
  });

  it('estimates the key, counts notes in it and sees a tonic ending', () => {
    // I–IV–V–I in G major, then a stray C# (out of the key).
    const chords = [[55, 59, 62], [60, 64, 67], [62, 66, 69], [55, 59, 62]];
    const notes = chords.flatMap((pitches, bar) => pitches.map((midi) => note(bar, midi, 1)));
    const key = estimateKey([...notes, note(4.5, 61, 0.1)])!;
    assert.deepEqual(key, { tonicPitchClass: 7, mode: 'major' });
    assert.equal(inKeyRatio([...notes, note(4.5, 61, 0.1)], key), 12 / 13);
    // Under an A major chord (a secondary dominant in G), its C# is a chord tone, not a wrong note.
    assert.equal(inKeyRatio([...notes, note(4.5, 61, 0.1)], key, [{ time: 0, chord: 'G' }, { time: 4, chord: 'A' }]), 1);
    assert.equal(inKeyRatio([...notes, note(4.5, 61, 0.1)], key, [{ time: 0, chord: 'G' }, { time: 4, chord: 'C' }]), 12 / 13);
    assert.equal(endsOnTonic(notes, key), true);
    // The chord before ends exactly where the last begins: still a tonic ending.
    assert.equal(endsOnTonic([note(2, 50, 1), ...notes], key), true);
    assert.equal(endsOnTonic(notes.slice(0, 9), key), false);
  });
});
