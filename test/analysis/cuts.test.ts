// Cut, fade, dissolve, motion and light detection on clips made by ffmpeg's own generators (lavfi):
// every cut, fade and dissolve is planted at a known frame, every motion is of a known kind.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeVideo, DEFAULT_ANALYSIS } from '../../src/analysis/index.js';
import { DEFAULT_CUT_DETECTOR, isCutCandidate, sceneOffsetPerSecond } from '../../src/analysis/cuts.js';
import { probe } from '../../src/media/probe.js';
import { buildDissolve, buildMontage, ffmpeg, fiveCutClip, SAMPLE_CLIP, SHOTS, stillOf, temporaryFolder, type Source } from '../helpers.js';

/** The analysis without faces: these tests are about cuts, motion and light. */
async function timelineOf(file: string) {
  return analyzeVideo(await probe(file), { ...DEFAULT_ANALYSIS, faces: false });
}

/** `seconds` of one source as a clip of its own (25 fps, 320×180). */
function singleShot(source: Source, seconds: number, file: string): string {
  return buildMontage([[source, 0, seconds]], file).file;
}

/** A window of `size` gliding over a still picture at `speed` px/s along x or y: all camera, no scene motion. */
function glide(still: string, seconds: number, crop: string, file: string): string {
  ffmpeg(['-loop', '1', '-framerate', '25', '-t', String(seconds), '-i', still, '-vf', `${crop},scale=320:180`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  return file;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const FRAME = 1 / 25;

describe('cut detection', () => {
  it('finds the five planted hard cuts of a ten-second montage at their frames', async () => {
    const { file, cuts } = fiveCutClip(path.join(temporaryFolder(), 'five.mp4'));
    const timeline = await timelineOf(file);
    assert.deepEqual(
      timeline.cuts.map((cut) => cut.time),
      cuts,
    );
  });

  for (const [name, source] of Object.entries({ testPattern: SHOTS.testPattern, fractalZoom: SHOTS.fractalZoom, life: SHOTS.life, automaton: SHOTS.automaton })) {
    it(`reports no cut and no fade or dissolve in the single shot ${name}`, async () => {
      const timeline = await timelineOf(singleShot(source, 6, path.join(temporaryFolder(), `${name}.mp4`)));
      assert.deepEqual(timeline.cuts, []);
      assert.deepEqual(timeline.transitions, []);
    });
  }

  it('recovers the planted cut times of a montage within one frame', async () => {
    // Segments of 2.2 s, 1.6 s, 3.1 s and 2.4 s from four different sources, all at 25 fps.
    const { file: montage, cuts: planted } = buildMontage(
      [
        [SHOTS.testPattern, 1, 2.2],
        [SHOTS.life, 5, 1.6],
        [SHOTS.fractalZoom, 0.5, 3.1],
        [SHOTS.automaton, 1, 2.4],
      ],
      path.join(temporaryFolder(), 'montage.mp4'),
    );
    const timeline = await timelineOf(montage);
    assert.equal(timeline.cuts.length, planted.length, JSON.stringify(timeline.cuts));
    timeline.cuts.forEach((cut, i) => assert.ok(Math.abs(cut.time - planted[i]!) <= FRAME + 1e-6, `cut ${cut.time} vs ${planted[i]}`));
    assert.deepEqual(timeline.features.sceneOffset.slice(0, 5), [0, 1, 0, 0, 1]);
  });

  it('scores F1 ≥ 0.95 (±1 frame) on a 12-shot montage with two cuts between similar shots and a fade through black', async () => {
    const folder = temporaryFolder();
    const { file, cuts: boundaries } = buildMontage(
      [
        [SHOTS.testPattern, 0.5, 1.64],
        [SHOTS.life, 2, 2.2],
        [SHOTS.life, 19, 1.32], // the same board, seconds later: a cut between similar shots
        [SHOTS.automaton, 0.3, 1.8],
        [SHOTS.fractalZoom, 1, 2.6, { out: true }],
        [SHOTS.testPattern, 5, 2.04, { in: true }], // the fade through black
        [SHOTS.fractalZoom, 3, 1.48],
        [SHOTS.fractalZoom, 9, 2.36], // the same zoom further in: similar colours again
        [SHOTS.bars, 0, 1.56],
        [SHOTS.life, 6, 2.12],
        [SHOTS.automaton, 4, 1.24],
        [SHOTS.orange, 0, 2.0],
      ],
      path.join(folder, 'twelve.mp4'),
    );
    const timeline = await timelineOf(file);
    const fadeBoundary = boundaries[4]!;
    const detected = [
      ...timeline.cuts.map((cut) => ({ time: cut.time, covers: (t: number) => Math.abs(cut.time - t) <= FRAME + 1e-6 })),
      ...timeline.transitions.map((tr) => ({ time: tr.time, covers: (t: number) => t >= tr.start - FRAME && t <= tr.end + FRAME })),
    ];
    const truePositives = boundaries.filter((b) => detected.some((d) => d.covers(b))).length;
    const precision = detected.filter((d) => boundaries.some((b) => d.covers(b))).length / detected.length;
    const recall = truePositives / boundaries.length;
    const f1 = (2 * precision * recall) / (precision + recall);
    console.log(`F1 ${f1.toFixed(3)} precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} missed ${boundaries.filter((b) => !detected.some((d) => d.covers(b)))}`);
    assert.ok(f1 >= 0.95, `F1 ${f1.toFixed(3)}: planted ${boundaries.join(', ')}; cuts ${timeline.cuts.map((c) => c.time).join(', ')}; fades ${JSON.stringify(timeline.transitions)}`);
    assert.ok(timeline.transitions.some((tr) => tr.kind === 'fade' && Math.abs(tr.time - fadeBoundary) <= FRAME + 1e-6), 'the fade is a soft boundary at its black');
  });

  it('finds cross-dissolves (1 s and 0.6 s) as soft boundaries, not as cuts, and no dissolve in a slow tilt over a picture', async () => {
    const folder = temporaryFolder();
    const planted = [
      buildDissolve([SHOTS.testPattern, 1, 5], [SHOTS.fractalZoom, 2, 4], path.join(folder, 'one-second.mp4')),
      buildDissolve([SHOTS.life, 2, 5], [SHOTS.fractalZoom, 3, 4], path.join(folder, 'short.mp4'), { before: 2, dissolve: 0.6, after: 2 }),
    ];
    for (const { file, start, end } of planted) {
      const timeline = await timelineOf(file);
      assert.deepEqual(timeline.cuts, [], `${path.basename(file)}: a dissolve is no hard cut`);
      assert.equal(timeline.transitions.length, 1, JSON.stringify(timeline.transitions));
      const [found] = timeline.transitions;
      assert.equal(found!.kind, 'dissolve');
      assert.ok(Math.abs(found!.time - (start + end) / 2) <= 0.15, `boundary ${found!.time} vs ${(start + end) / 2}`);
      assert.ok(found!.start >= start - 0.25 && found!.end <= end + 0.25, `${found!.start}–${found!.end} vs ${start}–${end}`);
    }
    // A camera tilting slowly down a picture: at 64 px that looks like a blend, but the colours stay.
    const still = stillOf({ file: SAMPLE_CLIP }, 3, '320x540', path.join(folder, 'tall.png'));
    const tilt = await timelineOf(glide(still, 8, "crop=320:180:x=0:y='t*40'", path.join(folder, 'tilt.mp4')));
    assert.ok(!tilt.transitions.some((t) => t.kind === 'dissolve'), JSON.stringify(tilt.transitions));
  });

  it('ignores fast motion that is not a cut: a lone spike needs to stand out from its neighbours', () => {
    const options = { ...DEFAULT_CUT_DETECTOR, framesPerSecond: 25 };
    assert.equal(isCutCandidate(0.33, [0.31, 0.32, 0.3, 0.31], options), false, 'steady fast motion');
    assert.equal(isCutCandidate(0.9, [0.02, 0.03, 0.02, 0.03], options), true, 'a spike out of calm');
    assert.equal(isCutCandidate(0.12, [0, 0.01, 0, 0], options), true, 'a small change out of a still picture');
  });

  it('counts scene offset in whole seconds since the last cut, as MuVi-Sync does', () => {
    assert.deepEqual(sceneOffsetPerSecond([{ time: 2.5, strength: 1, confidence: 1 }], 6), [0, 1, 0, 1, 2, 3]);
  });
});

describe('motion and brightness', () => {
  it('tells a camera pan from motion in the scene', async () => {
    const folder = temporaryFolder();
    const still = stillOf({ file: SAMPLE_CLIP }, 3, '854x480', path.join(folder, 'still.png'));
    // A window gliding across a still, soft picture (an out-of-focus background): all camera, no scene
    // motion. Sharp detail would leave a residual after the sub-pixel shift at 64 px.
    const panned = await timelineOf(glide(still, 4, "boxblur=20,crop=480:270:x='20+t*100':y=100", path.join(folder, 'pan.mp4')));
    assert.ok(mean(panned.features.cameraMotion.slice(1)) > 5, `pan: camera ${panned.features.cameraMotion}`);
    assert.ok(mean(panned.features.sceneMotion) < 2, `pan: scene ${panned.features.sceneMotion}`);
    // Life on a fixed board: cells change everywhere in place, and nothing moves the frame.
    const life = await timelineOf(singleShot(SHOTS.life, 4, path.join(folder, 'life.mp4')));
    assert.ok(mean(life.features.cameraMotion) < mean(panned.features.cameraMotion.slice(1)) / 4, `life: camera ${life.features.cameraMotion} vs pan ${panned.features.cameraMotion}`);
    assert.ok(mean(life.features.sceneMotion) > 2 * mean(panned.features.sceneMotion), `life: scene ${life.features.sceneMotion}`);
  });

  it('gives one value per second and reads the busy clip as moving more than the calm one', async () => {
    const folder = temporaryFolder();
    const busy = await timelineOf(singleShot(SHOTS.automaton, 7, path.join(folder, 'busy.mp4')));
    const calm = await timelineOf(singleShot(SHOTS.fractalZoom, 31, path.join(folder, 'calm.mp4')));
    assert.equal(busy.features.motion.length, 7);
    assert.equal(calm.features.motion.length, 31);
    assert.ok(mean(busy.features.motionMean) > mean(calm.features.motionMean));
    assert.ok(busy.features.brightness.every((b) => b >= 0 && b <= 1));
    assert.deepEqual(JSON.parse(JSON.stringify(busy)), busy, 'the timeline round-trips through JSON');
  });

  it('reads a frozen picture as no motion and no visual beats', async () => {
    const folder = temporaryFolder();
    const frozen = path.join(folder, 'frozen.mp4');
    ffmpeg(['-ss', '3', '-i', SAMPLE_CLIP, '-frames:v', '1', path.join(folder, 'still.png')]);
    ffmpeg(['-loop', '1', '-framerate', '25', '-t', '3', '-i', path.join(folder, 'still.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', frozen]);
    const timeline = await timelineOf(frozen);
    assert.ok(timeline.features.motionMean.every((m) => m < 0.5), JSON.stringify(timeline.features.motionMean));
    assert.deepEqual(timeline.cuts, []);
    assert.deepEqual(timeline.visualBeats, []);
    assert.equal(timeline.visualTempoBpm, 0);
  });

  it('writes a timeline that round-trips through JSON unchanged, with one value per second like MuVi-Sync', async () => {
    const timeline = await timelineOf(fiveCutClip(path.join(temporaryFolder(), 'five.mp4')).file);
    assert.deepEqual(JSON.parse(JSON.stringify(timeline)), timeline);
    for (const [name, values] of Object.entries(timeline.features)) assert.equal(values.length, timeline.seconds, name);
    assert.equal(timeline.emotion.probabilities.length, timeline.seconds);
    assert.deepEqual(timeline.features.sceneOffset, [0, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    assert.ok(JSON.stringify(timeline).match(/null|NaN|Infinity/g)?.every((hit) => hit === 'null') ?? true);
  });
});
