// The produced mix as a MIDI file carries it: pan and sends on every part, expression swells on the
// sustained parts that follow the picture's energy, the pedal on piano around each chord change, and
// humanised playing that leaves every hit point where it was written and is the same for the same seed.
// The file is read back with midi-file (an independent parser); seconds come from the file's tempo map.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMidi } from 'midi-file';
import { compose, type Composition } from '../../src/compose/index.js';
import { energyAt } from '../../src/compose/dynamics.js';
import { HUMANISE, humanise } from '../../src/compose/mix.js';
import { streamRng } from '../../src/music/random.js';
import type { StyleName } from '../../src/compose/score.js';
import { readMidi } from '../../src/measure/midi.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { syntheticTimeline } from '../helpers.js';

interface FileTrack {
  role: string;
  controls: Array<{ time: number; controller: number; value: number }>;
}

/** Each instrument track of the written file: its role (instrument-name meta) and controller events in seconds. */
function fileTracks(bytes: Uint8Array): FileTrack[] {
  const tempo = readMidi(bytes).tempo;
  return parseMidi(bytes).tracks.slice(1).map((events) => {
    let ticks = 0;
    const track: FileTrack = { role: '', controls: [] };
    for (const event of events) {
      ticks += event.deltaTime;
      if (event.type === 'instrumentName') track.role = event.text;
      if (event.type === 'controller') track.controls.push({ time: tempo.ticksToSeconds(ticks), controller: event.controllerType, value: event.value });
    }
    return track;
  });
}

/** 24 s: calm, then a rise to busy and back, with four cuts. */
function piece(style: StyleName, seed = 1): Composition {
  const motion = Array.from({ length: 24 }, (_, s) => (s < 8 ? 1 : s < 16 ? 3 + 2 * (s - 8) : 16 - (s - 16)));
  return compose(syntheticTimeline(motion, [5.3, 9.1, 14.6, 19.2], 0.4), { style, seed });
}

const valueAt = (controls: FileTrack['controls'], controller: number) => controls.find((c) => c.controller === controller && c.time < 1e-6)?.value;

describe('the produced mix in the MIDI file', () => {
  it('sets pan, reverb and chorus on every part at its start: bass centred, chords left, pad right, cinematic wetter than band', () => {
    const sends = new Map<StyleName, number>();
    for (const style of ['cinematic', 'band'] as const) {
      const tracks = fileTracks(scoreToMidi(piece(style).produced));
      assert.ok(tracks.length >= 5);
      for (const track of tracks) {
        for (const controller of [10, 91, 93]) assert.notEqual(valueAt(track.controls, controller), undefined, `${style} ${track.role}: no CC${controller} at the start`);
      }
      const pan = (role: string) => valueAt(tracks.find((t) => t.role === role)!.controls, 10)!;
      assert.equal(pan('bass'), 64);
      assert.equal(pan('drums'), 64);
      assert.ok(pan('chords') < 64 && pan('pad') > 64, `chords at ${pan('chords')}, pad at ${pan('pad')}`);
      const reverb = (role: string) => valueAt(tracks.find((t) => t.role === role)!.controls, 91)!;
      assert.ok(reverb('bass') < reverb('pad'), 'the bass is closer (drier) than the pad');
      sends.set(style, reverb('pad'));
    }
    assert.ok(sends.get('cinematic')! > sends.get('band')! + 20, `pad reverb: cinematic ${sends.get('cinematic')}, band ${sends.get('band')}`);
  });

  it('writes expression (CC11) swells on sustained parts that follow the energy curve, none on bass or drums', () => {
    const composition = piece('cinematic');
    const tracks = fileTracks(scoreToMidi(composition.produced));
    for (const role of ['pad', 'hits', 'chords']) {
      const expression = tracks.find((t) => t.role === role)!.controls.filter((c) => c.controller === 11);
      assert.ok(expression.length >= 10, `${role}: ${expression.length} CC11 events`);
      // Swells, not steps: neighbouring values at most a few steps apart.
      const jumps = expression.slice(1).map((c, i) => Math.abs(c.value - expression[i]!.value));
      assert.ok(Math.max(...jumps) <= 6, `${role}: a jump of ${Math.max(...jumps)} steps`);
      // Louder where the picture is busier: the calm first seconds sit below the busy middle.
      const at = (time: number) => [...expression].reverse().find((c) => c.time <= time + 1e-6)!.value;
      assert.ok(at(15) > at(4) + 10, `${role}: CC11 ${at(4)} at 4 s, ${at(15)} at 15 s`);
      assert.ok(energyAt(composition.plan, 15) > energyAt(composition.plan, 4));
    }
    for (const role of ['bass', 'drums']) assert.equal(tracks.find((t) => t.role === role)!.controls.filter((c) => c.controller === 11).length, 0, role);
  });

  it('pedals the piano: up just before each chord change, down just after it, up at the end', () => {
    const composition = piece('piano');
    const tracks = fileTracks(scoreToMidi(composition.produced));
    const pedal = tracks.find((t) => t.role === 'chords')!.controls.filter((c) => c.controller === 64);
    const changes = composition.chords.slice(1).map((chord) => chord.time);
    assert.ok(changes.length >= 4);
    for (const change of changes) {
      assert.ok(pedal.some((p) => p.value === 0 && p.time < change && p.time >= change - 0.06), `no pedal-up just before the change at ${change.toFixed(2)}`);
      assert.ok(pedal.some((p) => p.value === 127 && p.time > change && p.time <= change + 0.15), `no pedal-down just after the change at ${change.toFixed(2)}`);
    }
    assert.equal(pedal[pedal.length - 1]!.value, 0, 'the pedal comes up at the end');
    assert.equal(tracks.find((t) => t.role === 'bass')!.controls.filter((c) => c.controller === 64).length, 0, 'no pedal on the bass');
  });
});

describe('humanised playing', () => {
  it('moves attacks by at most 12 ms and velocities by at most 6 steps, keeps every hit point and the drums as written', () => {
    const composition = piece('band', 2);
    const hitTimes = composition.plan.hits.flatMap((hit) => [hit.time, hit.time + hit.offset]);
    assert.ok(hitTimes.length >= 4);
    let moved = 0;
    let onHits = 0;
    composition.score.tracks.forEach((written, t) => {
      const played = composition.produced.tracks[t]!;
      assert.equal(played.notes.length, written.notes.length, written.role);
      written.notes.forEach((note, n) => {
        const after = played.notes[n]!;
        assert.equal(after.midi, note.midi);
        const shift = Math.abs(after.time - note.time);
        assert.ok(shift <= HUMANISE.maxTimingSeconds + 1e-9, `${written.role} note ${n} moved ${shift} s`);
        assert.ok(Math.abs(after.velocity0to127 - note.velocity0to127) <= HUMANISE.maxVelocitySteps, `${written.role} note ${n} velocity`);
        if (shift > 1e-4) moved += 1;
        if (hitTimes.some((hit) => Math.abs(hit - note.time) <= 0.001)) {
          onHits += 1;
          assert.ok(shift <= 0.001, `${written.role} note at hit point ${note.time.toFixed(3)} moved ${shift} s`);
        }
        if (written.isDrums) assert.deepEqual(after, note, 'drums are played as written');
      });
    });
    assert.ok(onHits >= 4, `${onHits} notes on hit points`);
    assert.ok(moved > 20, `only ${moved} notes humanised`);
  });

  it('never lets a note of a part run into the next note of its pitch', () => {
    for (const style of ['piano', 'lofi'] as const) {
      for (const track of piece(style, 3).produced.tracks) {
        const byPitch = new Map<number, Array<{ time: number; end: number }>>();
        for (const note of track.notes) (byPitch.get(note.midi) ?? byPitch.set(note.midi, []).get(note.midi)!).push({ time: note.time, end: note.time + note.duration });
        for (const notes of byPitch.values()) {
          notes.sort((a, b) => a.time - b.time);
          notes.slice(1).forEach((next, i) => assert.ok(notes[i]!.end <= next.time + 1e-9, `${style} ${track.role}: overlap at ${next.time.toFixed(3)}`));
        }
      }
    }
  });

  it('is the same for the same seed and different for another', () => {
    const composition = piece('lofi', 5);
    assert.deepEqual(composition.produced, piece('lofi', 5).produced);
    const written = composition.score.tracks.find((t) => t.role === 'chords')!.notes;
    const play = (seed: number) => humanise(written, { rng: streamRng(seed, 'humanise'), hitPoints: [], amount: 1, finalChordTime: undefined });
    assert.deepEqual(play(5), play(5));
    assert.notDeepEqual(play(5).map((n) => n.time), play(6).map((n) => n.time));
  });
});
