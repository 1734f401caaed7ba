// Cuts you can trust: on clips drawn by ffmpeg with planted answers (distractor-clips.ts), every real
// cut between look-alike shots is found and nothing that only changes the light or passes in front
// of the lens is taken for one.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeVideo, DEFAULT_ANALYSIS, type VideoTimeline } from '../../src/analysis/index.js';
import type { CutRejection } from '../../src/analysis/cuts.js';
import { probe } from '../../src/media/probe.js';
import { temporaryFolder } from '../helpers.js';
import { buildDistractorClips, buildHalfSecondDissolve, CLIP_FPS, type DistractorKind, type PlantedClip } from './distractor-clips.js';

const FRAME = 1 / CLIP_FPS;
const within = (time: number, target: number) => Math.abs(time - target) <= FRAME + 1e-6;

/** The reasons a candidate inside each kind of distractor may be turned down for. */
const FITTING_REASONS: Record<DistractorKind, readonly CutRejection[]> = {
  flash: ['flash'],
  'black-frame': ['flash'],
  flicker: ['flash', 'light'],
  light: ['light'],
  occlusion: ['occlusion'],
  'fade-out': ['fade'],
  'text-change': ['text-change'],
};

async function timelineOf(file: string): Promise<VideoTimeline> {
  return analyzeVideo(await probe(file), { ...DEFAULT_ANALYSIS, faces: false });
}

describe('cuts you can trust', { timeout: 240_000 }, () => {
  let analysed: Array<{ clip: PlantedClip; timeline: VideoTimeline }> = [];

  before(async () => {
    const clips = buildDistractorClips(temporaryFolder());
    analysed = [];
    for (const clip of clips) analysed.push({ clip, timeline: await timelineOf(clip.file) });
  });

  it('finds the planted cuts between similar shots with precision and recall ≥ 0.95 (±1 frame)', () => {
    const planted = analysed.flatMap(({ clip }) => clip.cuts.map((time) => ({ clip: clip.name, time })));
    const found = analysed.flatMap(({ clip, timeline }) => timeline.cuts.map((cut) => ({ clip: clip.name, time: cut.time })));
    const matched = (a: { clip: string; time: number }, list: ReadonlyArray<{ clip: string; time: number }>) => list.some((b) => b.clip === a.clip && within(a.time, b.time));
    const precision = found.filter((cut) => matched(cut, planted)).length / found.length;
    const recall = planted.filter((cut) => matched(cut, found)).length / planted.length;
    const wrong = found.filter((cut) => !matched(cut, planted)).map((c) => `${c.clip} ${c.time}`);
    const missed = planted.filter((cut) => !matched(cut, found)).map((c) => `${c.clip} ${c.time}`);
    console.log(`planted ${planted.length} cuts: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}; false ${wrong.join(', ') || 'none'}; missed ${missed.join(', ') || 'none'}`);
    assert.ok(planted.length >= 15, `${planted.length} planted cuts`);
    assert.ok(precision >= 0.95, `precision ${precision.toFixed(3)}: false cuts ${wrong.join(', ')}`);
    assert.ok(recall >= 0.95, `recall ${recall.toFixed(3)}: missed ${missed.join(', ')}`);
  });

  it('takes no flash, black frame, flicker, change of light, occluder, fade to black or new card text for a cut or a soft boundary', () => {
    const distractors = analysed.flatMap(({ clip, timeline }) => clip.distractors.map((distractor) => ({ clip, timeline, distractor })));
    assert.ok(distractors.length >= 15, `${distractors.length} planted distractors`);
    for (const { clip, timeline, distractor } of distractors) {
      const inside = (time: number) => time >= distractor.start - FRAME - 1e-6 && time <= distractor.end + FRAME + 1e-6;
      const cuts = timeline.cuts.filter((cut) => inside(cut.time));
      assert.deepEqual(cuts, [], `${clip.name}: ${distractor.kind} at ${distractor.start}–${distractor.end} s read as a cut`);
      const soft = timeline.transitions.filter((t) => t.start <= distractor.end && t.end >= distractor.start);
      assert.deepEqual(soft, [], `${clip.name}: ${distractor.kind} at ${distractor.start}–${distractor.end} s read as a ${soft[0]?.kind}`);
    }
  });

  it('says why it turned each candidate down, in words that fit what was planted', () => {
    let judged = 0;
    for (const { clip, timeline } of analysed) {
      for (const rejected of timeline.rejectedCuts) {
        const distractor = clip.distractors.find((d) => rejected.time >= d.start - FRAME - 1e-6 && rejected.time <= d.end + FRAME + 1e-6);
        assert.ok(distractor, `${clip.name}: ${rejected.reason} at ${rejected.time} s is not near a planted distractor`);
        assert.ok(FITTING_REASONS[distractor.kind].includes(rejected.reason), `${clip.name}: a ${distractor.kind} at ${rejected.time} s turned down as '${rejected.reason}'`);
        judged += 1;
      }
    }
    // The flashes, the flicker, the swiping hands and the card's new text each make candidates to turn down.
    const reasons = new Set(analysed.flatMap(({ timeline }) => timeline.rejectedCuts.map((r) => r.reason)));
    for (const reason of ['flash', 'light', 'occlusion', 'text-change', 'fade'] as const) assert.ok(reasons.has(reason), `no candidate turned down as '${reason}'`);
    assert.ok(judged >= 10, `${judged} candidates turned down`);
  });

  it('gives each real cut a confidence in 0–1, high for these clear changes of shot, that survives JSON', () => {
    for (const { clip, timeline } of analysed) {
      for (const cut of timeline.cuts) {
        assert.ok(cut.confidence >= 0 && cut.confidence <= 1, `${clip.name}: confidence ${cut.confidence}`);
        assert.ok(cut.confidence >= 0.5, `${clip.name}: the cut at ${cut.time} s has confidence ${cut.confidence}`);
      }
      assert.deepEqual(JSON.parse(JSON.stringify(timeline)), timeline, `${clip.name}: the timeline round-trips through JSON`);
    }
  });

  it('finds a clear half-second cross-dissolve as a soft boundary, not a cut', async () => {
    const { file, start, end } = buildHalfSecondDissolve(temporaryFolder());
    const timeline = await timelineOf(file);
    assert.deepEqual(timeline.cuts, [], 'a dissolve is no hard cut');
    assert.equal(timeline.transitions.length, 1, JSON.stringify(timeline.transitions));
    const [found] = timeline.transitions;
    assert.equal(found!.kind, 'dissolve');
    assert.ok(Math.abs(found!.time - (start + end) / 2) <= 0.15, `boundary ${found!.time} vs ${(start + end) / 2}`);
    assert.ok(found!.start >= start - 0.25 && found!.end <= end + 0.25, `${found!.start}–${found!.end} vs ${start}–${end}`);
  });
});
