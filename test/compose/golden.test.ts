// Golden scores: for a few planted timelines the whole Score (tempo map, metre, every note) is stored
// in test/golden/ and compared under a small tolerance, so a change to the music shows up as a diff
// someone has to accept. After a deliberate change: `V2M_UPDATE_GOLDEN=1 node --import tsx --test
// test/compose/golden.test.ts`, then read the diff of test/golden/ before committing it.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { VideoTimeline } from '../../src/analysis/timeline.js';
import { compose, type PlanOptions, type Score } from '../../src/compose/index.js';
import { ROOT, syntheticTimeline } from '../helpers.js';

const GOLDEN = path.join(ROOT, 'test', 'golden');
const UPDATE = process.env.V2M_UPDATE_GOLDEN === '1';
/** Seconds a note or tempo change may move, and velocity steps, before it counts as a change. */
const TIME_TOLERANCE = 0.002;
const VELOCITY_TOLERANCE = 1;

interface Case {
  name: string;
  timeline: () => VideoTimeline;
  options: Omit<PlanOptions, 'seed'> & { seed: number };
}

const CASES: Case[] = [
  {
    name: 'calm-piano',
    timeline: () => syntheticTimeline(Array.from({ length: 24 }, (_, s) => 0.5 + (s % 6) * 0.2), [9.3, 17.1], 0.25),
    options: { style: 'piano', seed: 1 },
  },
  {
    name: 'busy-band-cuts',
    timeline: () => syntheticTimeline(Array.from({ length: 20 }, (_, s) => (s < 8 ? 3 : 14)), [2.6, 4.05, 7.35, 8.5, 10.7, 13.1, 14.6, 17.9], 0.55),
    options: { style: 'band', seed: 2 },
  },
  {
    name: 'cinematic-locked-tempo',
    timeline: () => syntheticTimeline(Array.from({ length: 16 }, (_, s) => (s % 8 < 4 ? 1 : 9)), [4.4, 8.8, 12.1], 0.3),
    options: { style: 'cinematic', seed: 3, tempoBpm: 84, mood: 'tense' },
  },
];

/** The Score as stored: numbers rounded so the file reads well and diffs stay small. */
function stored(score: Score): Score {
  const r = (value: number) => Math.round(value * 1000) / 1000;
  return {
    duration: r(score.duration),
    tempoMap: score.tempoMap.map((change) => ({ time: r(change.time), tempoBpm: r(change.tempoBpm) })),
    beatsPerBar: score.beatsPerBar,
    meter: (score.meter ?? []).map((change) => ({ time: r(change.time), beatsPerBar: change.beatsPerBar })),
    markers: (score.markers ?? []).map((marker) => ({ time: r(marker.time), text: marker.text })),
    tracks: score.tracks.map((track) => ({
      ...track,
      notes: track.notes.map((note) => ({ time: r(note.time), duration: r(note.duration), midi: note.midi, velocity0to127: Math.round(note.velocity0to127) })),
    })),
  };
}

/** The first difference between two scores, in words; undefined when they agree within the tolerance. */
function firstDifference(expected: Score, actual: Score): string | undefined {
  const near = (a: number, b: number, tolerance = TIME_TOLERANCE) => Math.abs(a - b) <= tolerance + 1e-9;
  if (expected.tempoMap.length !== actual.tempoMap.length) return `tempo map has ${actual.tempoMap.length} changes, golden ${expected.tempoMap.length}`;
  for (const [i, change] of expected.tempoMap.entries()) {
    const other = actual.tempoMap[i]!;
    if (!near(change.time, other.time) || !near(change.tempoBpm, other.tempoBpm, 0.01)) return `tempo change ${i}: ${JSON.stringify(other)}, golden ${JSON.stringify(change)}`;
  }
  if (JSON.stringify(expected.meter) !== JSON.stringify(actual.meter)) return `metre differs: ${JSON.stringify(actual.meter)}`;
  if (expected.tracks.length !== actual.tracks.length) return `${actual.tracks.length} tracks, golden ${expected.tracks.length}`;
  for (const [t, track] of expected.tracks.entries()) {
    const other = actual.tracks[t]!;
    if (other.role !== track.role || other.program !== track.program) return `track ${t} is ${other.role}/${other.program}, golden ${track.role}/${track.program}`;
    if (other.notes.length !== track.notes.length) return `${track.role}: ${other.notes.length} notes, golden ${track.notes.length}`;
    for (const [n, note] of track.notes.entries()) {
      const got = other.notes[n]!;
      if (got.midi !== note.midi || !near(got.time, note.time) || !near(got.duration, note.duration) || Math.abs(got.velocity0to127 - note.velocity0to127) > VELOCITY_TOLERANCE) {
        return `${track.role} note ${n}: ${JSON.stringify(got)}, golden ${JSON.stringify(note)}`;
      }
    }
  }
  return undefined;
}

describe('golden scores', () => {
  for (const { name, timeline, options } of CASES) {
    it(`${name} composes as recorded`, () => {
      const score = stored(compose(timeline(), options).score);
      const file = path.join(GOLDEN, `${name}.score.json`);
      if (UPDATE || !existsSync(file)) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, `${JSON.stringify(score, null, 1)}\n`);
        if (!UPDATE) assert.fail(`no golden score for ${name}: wrote ${path.relative(ROOT, file)} — read it, then commit it`);
        return;
      }
      const golden = JSON.parse(readFileSync(file, 'utf8')) as Score;
      const difference = firstDifference(golden, score);
      assert.equal(difference, undefined, `${name} changed: ${difference}. If the change is meant, run V2M_UPDATE_GOLDEN=1 node --import tsx --test test/compose/golden.test.ts and review the diff of test/golden/.`);
    });
  }
});
