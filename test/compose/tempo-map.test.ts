import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { compose, type Composition } from '../../src/compose/index.js';
import { leanIntoCuts } from '../../src/compose/dynamics.js';
import { planTempoMap } from '../../src/compose/tempo-map.js';
import { readMidi } from '../../src/measure/midi.js';
import { scoreToMidi } from '../../src/render/midi.js';
import { syntheticTimeline } from '../helpers.js';

/** Cuts at irregular times, like an edit made without music: gaps of 1.15–3.3 s. */
const IRREGULAR_CUTS = [2.6, 4.05, 7.35, 8.5, 10.7, 13.1, 14.6, 17.9, 19.2, 22.5, 24.15, 26.6, 28.7];
/** A lyric video: a cut every 1.2–1.6 s, 31 of them in 45 s. */
const DENSE_CUTS = Array.from({ length: 31 }, (_, i) => Math.round((1 + i * 1.4 + Math.sin(i * 7) * 0.2) * 100) / 100);

function timeline(cuts: number[], seconds: number, motion = 4): VideoTimeline {
  return syntheticTimeline(
    Array.from({ length: seconds }, (_, s) => (s % 10 < 5 ? motion : motion * 2)),
    cuts,
    0.45,
  );
}

function tempoSteps(composition: Composition): number[] {
  const tempi = composition.score.tempoMap.map((change) => change.tempoBpm);
  return tempi.slice(1).map((tempo, i) => Math.abs(tempo / tempi[i]! - 1));
}

/** The most tempo changes in any minute of the piece (a clip shorter than a minute is one window). */
function changesInAnyMinute(composition: Composition): number {
  const times = composition.score.tempoMap.slice(1).map((change) => change.time);
  return Math.max(0, ...times.map((start) => times.filter((time) => time >= start && time < start + 60).length));
}

describe('tempo map', () => {
  it('few (the default): one steady tempo or a few changes of at most 8 %, no bar shorter than two beats', () => {
    for (const [cuts, seconds] of [
      [IRREGULAR_CUTS, 31],
      [DENSE_CUTS, 45],
    ] as const) {
      const composition = compose(timeline([...cuts], seconds), { style: 'band', seed: 1 });
      assert.equal(composition.plan.tempoChanges, 'few');
      const steps = tempoSteps(composition);
      assert.ok(Math.max(0, ...steps) <= 0.08 + 1e-9, `tempo steps ${steps.map((s) => (s * 100).toFixed(1)).join(', ')} %`);
      assert.ok(changesInAnyMinute(composition) <= 4, `${changesInAnyMinute(composition)} tempo changes in a minute`);
      for (const section of composition.plan.sections.slice(0, -1)) for (const bar of section.bars ?? []) assert.ok(bar >= 2, `a bar of ${bar} beat(s)`);
      assert.equal(composition.plan.hits.length, cuts.length, 'every cut is a hit point');
    }
  });

  it('lands most cuts of an irregular edit on a beat, an eighth or a sixteenth within a frame, and marks the rest', () => {
    const composition = compose(timeline(IRREGULAR_CUTS, 31), { style: 'band', seed: 1 });
    const frame = 1 / 25;
    const onGrid = composition.plan.hits.filter((hit) => hit.landing !== 'accent');
    assert.ok(onGrid.length / IRREGULAR_CUTS.length >= 0.75, `${onGrid.length} of ${IRREGULAR_CUTS.length} cuts on the grid`);
    for (const hit of onGrid) assert.ok(Math.abs(hit.offset) <= frame + 1e-9, `cut at ${hit.time} is ${hit.offset} s off its ${hit.landing}`);
    // Every cut is played: a drum note within 50 ms of each (on the grid point or, for an accent, on the frame).
    const drums = composition.score.tracks.find((track) => track.isDrums)!;
    for (const cut of IRREGULAR_CUTS) assert.ok(drums.notes.some((note) => Math.abs(note.time - cut) <= 0.05), `nothing sounds at the cut at ${cut} s`);
  });

  it('--tempo locks: exactly one tempo in the MIDI, the one asked for', () => {
    const composition = compose(timeline(IRREGULAR_CUTS, 31), { style: 'piano', seed: 1, tempoBpm: 120 });
    assert.equal(composition.plan.tempoChanges, 'none');
    const midi = readMidi(scoreToMidi(composition.score));
    assert.equal(midi.tempo.segments.length, 1);
    assert.ok(Math.abs(60 / (midi.tempo.segments[0]!.secondsPerTick * midi.tempo.ticksPerBeat) - 120) < 0.01);
  });

  it('none keeps one tempo; free puts every cut on a downbeat', () => {
    const none = compose(timeline(IRREGULAR_CUTS, 31), { style: 'band', seed: 1, tempoChanges: 'none' });
    assert.equal(none.score.tempoMap.length, 1);
    const free = compose(timeline(IRREGULAR_CUTS, 31), { style: 'band', seed: 1, tempoChanges: 'free' });
    assert.ok(free.plan.hits.every((hit) => hit.landing === 'downbeat'), JSON.stringify(free.plan.hits.map((hit) => hit.landing)));
  });

  it('cuts an editor placed on a steady beat keep that one tempo, every cut a downbeat', () => {
    const beat = 60 / 96;
    const cuts = [8, 16, 20, 28, 36, 44].map((beats) => Math.round(beats * beat * 1000) / 1000);
    const composition = compose(timeline(cuts, 32, 3), { style: 'lofi', seed: 2 });
    assert.equal(composition.score.tempoMap.length, 1);
    assert.ok(composition.plan.hits.every((hit) => hit.landing === 'downbeat'), JSON.stringify(composition.plan.hits));
  });

  it('writes the metre honestly: read back from the MIDI, every downbeat cut is on a downbeat, and markers name cuts and sections', () => {
    const composition = compose(timeline(IRREGULAR_CUTS, 31), { style: 'cinematic', seed: 4 });
    const midi = readMidi(scoreToMidi(composition.score));
    const downbeatCuts = composition.plan.hits.filter((hit) => hit.landing === 'downbeat');
    assert.ok(downbeatCuts.length >= 5, `${downbeatCuts.length} downbeat cuts`);
    // Within a frame (the synthetic timeline is 25 fps) of a bar line of the file as a sequencer counts bars.
    for (const hit of downbeatCuts) assert.ok(midi.downbeats.some((time) => Math.abs(time - hit.time) <= 0.04), `cut at ${hit.time} is not on a downbeat of the file`);
    const odd = (composition.score.meter ?? []).filter((change) => change.beatsPerBar !== 4);
    assert.ok(odd.length > 0, 'irregular cuts need bars other than 4/4');
    assert.ok(midi.markers.some((marker) => /^cut \d+ · downbeat$/.test(marker.text)));
    assert.ok(midi.markers.some((marker) => /^section \d+ · (intro|build|peak|outro)$/.test(marker.text)));
  });

  it('the search stays quick on a long, busy edit', () => {
    // 20 minutes with a cut every 2–4 s: a plan, not a hang (no wall-clock assertion — it must simply finish).
    const cuts = Array.from({ length: 400 }, (_, i) => i * 3 + 1 + ((i * 37) % 10) / 10);
    const map = planTempoMap(
      cuts.map((time) => ({ time, weight: 0.8, kind: 'cut' as const })),
      { referenceBpm: 100, locked: false, freedom: 'few', duration: 1205, toleranceSeconds: 0.04 },
    );
    assert.ok(map.segments.length - 1 <= (4 * 1205) / 60);
    assert.equal(map.hits.length, cuts.length);
  });
});

describe('dynamics around hit points', () => {
  it('swell into a strong cut and settle on it; a doubtful cut (a flash) moves nothing', () => {
    const flat = new Array<number>(10).fill(0.4);
    const leaned = leanIntoCuts(flat, [
      { time: 6.3, weight: 0.9, kind: 'cut' },
      { time: 2.5, weight: 0.3, kind: 'cut' },
    ]);
    assert.ok(leaned[5]! > leaned[4]! && leaned[4]! > 0.4, `the two seconds before the cut rise: ${leaned.slice(3, 7).join(', ')}`);
    assert.equal(leaned[6], 0.4, 'the cut itself is the picture again');
    assert.deepEqual(leaned.slice(0, 4), [0.4, 0.4, 0.4, 0.4], 'the weak cut at 2.5 s swells nothing');
  });
});
