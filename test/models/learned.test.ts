// The learned models on data the test makes: training lowers the loss, weights round-trip exactly,
// a damaged file is refused, the affective loss moves chords into the emotion's allowed set, and
// the plain-TypeScript inference computes what the TensorFlow.js graph computes.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EMOTIONS } from '../../src/analysis/emotion.js';
import { AmtWindow, type AmtConfig } from '../../src/models/amt.js';
import { amtLogits, amtTrainable, initialAmtParameters, makeBatch, type ChordSequence } from '../../src/models/amt-train.js';
import { dynamicsOutput, dynamicsTrainable, dynamicsNormalisation, initialDynamicsParameters, makeDynamicsBatch, toDynamicsSequence } from '../../src/models/dynamics-train.js';
import { predictDynamics, type DynamicsConfig } from '../../src/models/dynamics.js';
import { tensorEngine } from '../../src/models/engine.js';
import { ALLOWED_CLASSES, FEATURES, muviFeatures, START } from '../../src/models/features.js';
import type { MuviVideo } from '../../src/models/muvisync.js';
import { harteClass, readPretrainingSequences } from '../../src/models/pretraining.js';
import { generateChords, loadChordModel, type ChordModel } from '../../src/models/shipped.js';
import { snapshot, train } from '../../src/models/trainer.js';
import { chordClass, classQuality } from '../../src/models/vocabulary.js';
import { loadWeights, saveWeights } from '../../src/models/weights.js';
import { createRng } from '../../src/music/random.js';
import { temporaryFolder } from '../helpers.js';
import { DATA_FOLDER, needsData } from '../tiers.js';

const TINY: AmtConfig = { video: true, width: 16, heads: 2, feedForward: 32, encoderLayers: 1, decoderLayers: 1, maxDistance: 4, window: 8 };
const SAD = EMOTIONS.indexOf('sad');
const EXCITING = EMOTIONS.indexOf('exciting');

/** Videos whose mood flips between exciting and sad every few seconds; chords drawn by `chordFor`. */
function syntheticSequences(count: number, seed: number, chordFor: (emotion: number, rng: () => number) => number): ChordSequence[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const seconds = 24;
    const features = new Float32Array(seconds * FEATURES);
    const chords: number[] = [];
    const emotion: number[] = [];
    let mood = rng() < 0.5 ? SAD : EXCITING;
    for (let t = 0; t < seconds; t++) {
      if (t % 6 === 0 && rng() < 0.5) mood = mood === SAD ? EXCITING : SAD;
      features[t * FEATURES + mood] = 0.95;
      chords.push(chordFor(mood, rng));
      emotion.push(mood);
    }
    return { chords, features, emotion };
  });
}

/** Chords that follow the mood: sad → A minor, exciting → C major (with some noise). */
const moodChords = (emotion: number, rng: () => number) => (rng() < 0.1 ? chordClass('G')! : emotion === SAD ? chordClass('A:min')! : chordClass('C')!);

function toModel(params: ChordModel['params'], config: AmtConfig): ChordModel {
  return { kind: config.video ? 'amt' : 'chord-lm', version: 'test', config, params };
}

describe('the AMT', () => {
  it('computes the same logits in plain TypeScript as in the TensorFlow.js graph it is trained with', async () => {
    const tf = await tensorEngine();
    const params = initialAmtParameters(TINY, createRng(1));
    const rng = createRng(2);
    for (const [name, p] of params) if (name.endsWith('.rel') || name.endsWith('.b')) for (let i = 0; i < p.data.length; i++) p.data[i] = rng() - 0.5;
    const variables = new Map([...params].map(([name, p]) => [name, tf.variable(tf.tensor(p.data, p.shape), true, `parity-${name}`)]));
    const [sequence] = syntheticSequences(1, 3, moodChords);
    // A full window, and a video's last window that ends after 5 of its 8 seconds: the graph pads it,
    // and must not let the padding into the encoder or the cross-attention (inference never sees any).
    for (const [start, seconds] of [[4, TINY.window], [19, 5]] as const) {
      const batch = makeBatch([{ sequence: sequence!, start }], TINY.window);
      const graph = tf.tidy(() => amtLogits(tf, variables, TINY, batch).arraySync());
      const runner = new AmtWindow(params, TINY, sequence!.features!.subarray(start * FEATURES, (start + seconds) * FEATURES), seconds);
      let worst = 0;
      for (let t = 0; t < seconds; t++) {
        const logits = runner.step(t === 0 ? START : sequence!.chords[start + t - 1]!);
        logits.forEach((value, c) => (worst = Math.max(worst, Math.abs(value - graph[t]![c]!))));
      }
      assert.ok(worst < 1e-4, `window at ${start} s: largest difference ${worst}`);
    }
    for (const variable of variables.values()) variable.dispose();
    // Fewer seconds of features than the window asks for would read past the end: refused, not NaN.
    assert.throws(() => new AmtWindow(params, TINY, sequence!.features!.subarray(0, 3 * FEATURES), 4), /needs 4 seconds of features; it was given 3/);
  });

  it('reads a MuVi-Sync video whose emotion file is a second short with features for every chord second', () => {
    const emotion = [[0, 0, 0, 0.9, 0.1, 0], [0, 0, 0, 0.8, 0.2, 0]];
    const video = { id: '1', chords: [1, 1, 5], emotion, motion: [1, 2, 3], sceneOffset: [0, 1, 2], loudness: [], noteDensity: [] } as unknown as MuviVideo;
    const features = muviFeatures(video);
    assert.equal(features.length, 3 * FEATURES);
    assert.deepEqual([...features.subarray(2 * FEATURES, 2 * FEATURES + 6)].map((v) => Math.round(v * 10) / 10), [0, 0, 0, 0.8, 0.2, 0], 'the last emotion holds');
    assert.ok(features.every(Number.isFinite));
  });

  it('learns: the loss falls, the weights reload to identical outputs, and a damaged file is refused', { timeout: 120_000 }, async () => {
    const tf = await tensorEngine();
    const out = temporaryFolder('v2m-train-');
    const data = { train: syntheticSequences(24, 1, moodChords), validation: syntheticSequences(6, 2, moodChords) };
    const model = amtTrainable(tf, TINY, initialAmtParameters(TINY, createRng(1)), data, { lambda: 0.5, batchSize: 8, kind: 'amt' });
    const before = model.validate().loss;
    const result = await train(tf, model, { out, epochs: 3, stepsPerEpoch: 25, learningRate: 5e-3, warmupSteps: 5, weightDecay: 0.01, clipNorm: 1, patience: 3, seed: 1, resume: false, header: { version: 'test', config: TINY } });
    assert.ok(result.bestValidation < before * 0.8, `validation loss ${before.toFixed(3)} → ${result.bestValidation.toFixed(3)}`);
    assert.ok(result.history[2]!.train < result.history[0]!.train, 'the training loss falls epoch by epoch');
    assert.match(readFileSync(path.join(out, 'loss.csv'), 'utf8'), /^epoch,step,train_loss,validation_loss/);

    // Reload: the saved file gives exactly the outputs of the parameters it was saved from.
    const file = path.join(out, 'roundtrip.weights');
    const params = snapshot(model.variables);
    await saveWeights(file, { kind: 'amt', version: 'test', config: TINY, features: FEATURES }, params);
    await saveWeights(path.join(out, 'old-layout.weights'), { kind: 'amt', version: 'test', config: TINY, features: FEATURES - 2 }, params);
    await assert.rejects(loadChordModel(path.join(out, 'old-layout.weights')), /trained on \d+ features per second; this v2m computes \d+/);
    const reloaded = await loadChordModel(file);
    const features = data.validation[0]!.features!.subarray(0, TINY.window * FEATURES);
    const original = new AmtWindow(params, TINY, features, TINY.window).step(START);
    assert.deepEqual(new AmtWindow(reloaded.params, TINY, features, TINY.window).step(START), original);
    for (const variable of model.variables.values()) variable.dispose();

    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10]! ^= 0xff;
    writeFileSync(file, flipped);
    await assert.rejects(loadChordModel(file), /damaged \(checksum mismatch\).*v2m train amt/);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    await assert.rejects(loadChordModel(file), /damaged/);
    writeFileSync(file, 'not weights at all');
    await assert.rejects(loadChordModel(file), /damaged \(not a v2m weights file\)/);
    await assert.rejects(loadChordModel(path.join(out, 'missing.weights')), /Cannot read the amt weights/);
    await assert.rejects(loadWeights(path.join(out, 'amt.weights'), 'dynamics'), /hold a 'amt' model, not 'dynamics'/);
  });

  it('with the affective loss, samples more chords the emotion allows', { timeout: 180_000 }, async () => {
    const tf = await tensorEngine();
    // Chord labels that ignore the mood: only the affective term can teach which qualities suit it.
    const pool = ['C', 'A:min', 'D:dim', 'F:maj7', 'E:min7', 'G:7'].map((label) => chordClass(label)!);
    const random = (_: number, rng: () => number) => pool[Math.floor(rng() * pool.length)]!;
    const data = { train: syntheticSequences(24, 5, random), validation: syntheticSequences(4, 6, random) };
    const allowedShare = async (lambda: number) => {
      const model = amtTrainable(tf, TINY, initialAmtParameters(TINY, createRng(7)), data, { lambda, batchSize: 8, kind: 'amt' });
      await train(tf, model, { out: temporaryFolder('v2m-affect-'), epochs: 3, stepsPerEpoch: 30, learningRate: 5e-3, warmupSteps: 5, weightDecay: 0, clipNorm: 1, patience: 3, seed: 2, resume: false, header: { version: 'test', config: TINY } });
      const trained = toModel(snapshot(model.variables), TINY);
      for (const variable of model.variables.values()) variable.dispose();
      let allowed = 0;
      let judged = 0;
      for (const [i, sequence] of syntheticSequences(10, 9, random).entries()) {
        const sampled = generateChords(trained, sequence.features!, sequence.chords.length, { temperature: 1, topK: 0, maxRepeat: 0, seed: i });
        sampled.forEach((chord, t) => {
          judged += 1;
          if (ALLOWED_CLASSES[sequence.emotion[t]!]![chord] === 1) allowed += 1;
        });
      }
      return allowed / judged;
    };
    const without = await allowedShare(1);
    const withAffect = await allowedShare(0.1);
    console.log(`allowed share: λ=1 ${without.toFixed(2)}, λ=0.1 ${withAffect.toFixed(2)}`);
    assert.ok(withAffect > without + 0.15, `allowed share: λ=1 ${without.toFixed(2)}, λ=0.1 ${withAffect.toFixed(2)}`);
  });
});

describe('chord generation', () => {
  const model = toModel(initialAmtParameters(TINY, createRng(4)), TINY);
  const [sequence] = syntheticSequences(1, 8, moodChords);
  const features = sequence!.features!;

  it('is seeded, keeps the primer, obeys max-repeat and top-k, and runs across window boundaries', () => {
    const options = { temperature: 1, topK: 0, maxRepeat: 0, seed: 3 };
    assert.deepEqual(generateChords(model, features, 24, options), generateChords(model, features, 24, options));
    const primer = [chordClass('F')!, chordClass('G')!, chordClass('E:min')!];
    assert.deepEqual(generateChords(model, features, 24, { ...options, primer }).slice(0, 3), primer);
    const greedy = generateChords(model, features, 24, { ...options, temperature: 0, maxRepeat: 2 });
    assert.equal(greedy.length, 24, 'three 8-second windows');
    for (let t = 2; t < greedy.length; t++) assert.ok(!(greedy[t] === greedy[t - 1] && greedy[t] === greedy[t - 2]), `no chord three times in a row (at ${t})`);
    const topOne = generateChords(model, features, 24, { ...options, topK: 1, seed: 99 });
    assert.deepEqual(topOne, generateChords(model, features, 24, { ...options, temperature: 0 }), 'top-1 sampling is greedy');
    assert.ok(!greedy.includes(0), 'never N');
  });
});

describe('the dynamics biGRU', () => {
  const config: DynamicsConfig = { hidden: 8, layers: 2, window: 8 };
  /** Loud music where the picture moves, quiet where it is still. */
  function videos(count: number, seed: number): MuviVideo[] {
    const rng = createRng(seed);
    return Array.from({ length: count }, (_, i) => {
      const motion = Array.from({ length: 24 }, () => (rng() < 0.5 ? 1 : 20));
      return {
        id: String(i + 1),
        normalisedKey: 'C major',
        chords: motion.map(() => 1),
        emotion: motion.map(() => [0.2, 0.1, 0.1, 0.1, 0.3, 0.2]),
        motion,
        sceneOffset: motion.map((_, t) => t % 6),
        loudness: motion.map((m) => (m > 10 ? 0.3 : 0.05)),
        noteDensity: motion.map((m) => (m > 10 ? 12 : 2)),
      };
    });
  }

  it('learns loudness from motion, and runs the same in plain TypeScript', { timeout: 120_000 }, async () => {
    const tf = await tensorEngine();
    const trainVideos = videos(20, 1);
    const normalisation = dynamicsNormalisation(trainVideos);
    const model = dynamicsTrainable(tf, config, initialDynamicsParameters(config, createRng(1)), { train: trainVideos, validation: videos(4, 2), normalisation }, { batchSize: 8 });
    const before = model.validate().loss;
    const result = await train(tf, model, { out: temporaryFolder('v2m-dyn-'), epochs: 3, stepsPerEpoch: 25, learningRate: 1e-2, warmupSteps: 5, weightDecay: 0, clipNorm: 1, patience: 3, seed: 1, resume: false, header: { version: 'test', config } });
    assert.ok(result.bestValidation < before * 0.5, `validation loss ${before.toFixed(3)} → ${result.bestValidation.toFixed(3)}`);

    const params = snapshot(model.variables);
    const [video] = videos(1, 3);
    const sequence = toDynamicsSequence(video!, normalisation);
    const batch = makeDynamicsBatch([{ sequence, start: 0 }], config.window);
    const graph = tf.tidy(() => dynamicsOutput(tf, model.variables, config, batch).arraySync());
    const plain = predictDynamics(params, config, normalisation, sequence.features.subarray(0, config.window * FEATURES), config.window);
    for (let t = 0; t < config.window; t++) {
      assert.ok(Math.abs(plain.loudness[t]! - Math.max(0, graph[t]![1]! * normalisation.loudnessStd + normalisation.loudnessMean)) < 1e-4);
    }
    const loud = plain.loudness.filter((_, t) => video!.motion[t]! > 10);
    const quiet = plain.loudness.filter((_, t) => video!.motion[t]! <= 10);
    assert.ok(Math.min(...loud) > Math.max(...quiet), 'moving seconds are predicted louder than still ones');
    for (const variable of model.variables.values()) variable.dispose();
  });
});

describe('pre-training data', () => {
  it('converts Harte labels into MuVi-Sync classes, transposed to C major / A minor', () => {
    assert.equal(harteClass('G:maj', 7), chordClass('C'));
    assert.equal(harteClass('Bb:min7/b3', 1), chordClass('A:min7'));
    assert.equal(harteClass('D:9', 2), chordClass('C:7'));
    assert.equal(harteClass('F#:hdim7', 0), chordClass('F#:hdim7'));
    assert.equal(harteClass('N', 3), 0);
    assert.equal(classQuality(harteClass('E:sus4(b7)', 4)), 'sus4');
  });

  it('reads POP909 and Billboard into one chord per second', { ...needsData('pop909', 'billboard'), timeout: 120_000 }, async () => {
    const sequences = await readPretrainingSequences(DATA_FOLDER!, ['pop909', 'billboard']);
    assert.ok(sequences.length > 1500, `${sequences.length} songs`);
    const seconds = sequences.reduce((n, s) => n + s.chords.length, 0);
    assert.ok(seconds > 300_000, `${seconds} seconds`);
    // Normalised to C major / A minor, C and A minor are the commonest chords, as in MuVi-Sync.
    const counts = new Map<number, number>();
    for (const s of sequences) for (const chord of s.chords) if (chord !== 0) counts.set(chord, (counts.get(chord) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([chord]) => chord);
    assert.ok(top.includes(chordClass('C')!) && top.includes(chordClass('A:min')!), `commonest: ${top.join(', ')}`);
  });
});

describe('learned chords in a composition', () => {
  /** A model that always prefers one chord class (its output bias says so). */
  function favouring(label: string): ChordModel {
    const params = initialAmtParameters(TINY, createRng(1));
    params.get('dec.out.b')!.data[chordClass(label)!] = 50;
    return toModel(params, TINY);
  }

  it('moves the normalised key (C major / A minor) into the plan key, spelled as the key spells it', async () => {
    const { chordSymbolsInKey, learnedChordClasses } = await import('../../src/compose/learned.js');
    const { syntheticTimeline } = await import('../helpers.js');
    const timeline = syntheticTimeline([2, 2, 2, 2, 2, 2], []);
    const sampling = { temperature: 0, topK: 0, maxRepeat: 0 };
    const symbols = (label: string, key: { tonic: string; mode: 'major' | 'minor' }) => new Set(chordSymbolsInKey(learnedChordClasses(timeline, { model: favouring(label), sampling }, 1), key));
    assert.deepEqual(symbols('A:min', { tonic: 'E', mode: 'minor' }), new Set(['Em']));
    assert.deepEqual(symbols('G:7', { tonic: 'Bb', mode: 'major' }), new Set(['F7']));
    assert.deepEqual(symbols('E', { tonic: 'F#', mode: 'minor' }), new Set(['C#']));
  });

  it('hears where the chords centre — C major or A minor — and a key v2m chose from the light alone follows to its relative; a mood or the user\'s key stays', async () => {
    const { normalisedMode, relativeKey } = await import('../../src/compose/learned.js');
    const { planScore } = await import('../../src/compose/plan.js');
    const { syntheticTimeline } = await import('../helpers.js');
    const [am, dm, e7, c, f, g] = ['A:min', 'D:min', 'E:7', 'C', 'F', 'G'].map((label) => chordClass(label)!);
    assert.equal(normalisedMode([am!, dm!, e7!, am!, am!, f!]), 'minor');
    assert.equal(normalisedMode([c!, f!, g!, c!, c!, am!]), 'major');
    assert.deepEqual(relativeKey({ tonic: 'C', mode: 'major' }), { tonic: 'A', mode: 'minor' });
    assert.deepEqual(relativeKey({ tonic: 'E', mode: 'major' }), { tonic: 'C#', mode: 'minor' });
    assert.deepEqual(relativeKey({ tonic: 'F#', mode: 'minor' }), { tonic: 'A', mode: 'major' });
    // A bright, calm picture asks for major; an AMT that only writes A minor (normalised) turns the key to its relative minor.
    const timeline = syntheticTimeline([1, 1, 1, 1, 1, 1, 1, 1], [], 0.8);
    const learned = { chords: { model: favouring('A:min'), sampling: { temperature: 0, topK: 0, maxRepeat: 0 } } };
    const plan = planScore(timeline, { style: 'piano', seed: 1, learned });
    assert.equal(plan.key.mode, 'minor', plan.reasons.key);
    assert.match(plan.reasons.key, /relative minor, where the AMT's chords centre/);
    assert.ok(plan.learnedChords!.every((symbol) => symbol === `${plan.key.tonic}m`), `${plan.learnedChords} in ${plan.key.tonic} ${plan.key.mode}`);
    const given = planScore(timeline, { style: 'piano', seed: 1, learned, key: { tonic: 'D', mode: 'major' } });
    assert.deepEqual(given.key, { tonic: 'D', mode: 'major' }, 'a key the user gave stays');
    const excited = planScore(timeline, { style: 'piano', seed: 1, learned, mood: 'exciting' });
    assert.equal(excited.key.mode, 'major', 'a mood keeps the mode it asks for');
  });

  it('keeps the rules that matter on the beat grid: every cut changes the chord, no chord held more than two bars', async () => {
    const { compose } = await import('../../src/compose/index.js');
    const { syntheticTimeline } = await import('../helpers.js');
    const timeline = syntheticTimeline(new Array(40).fill(3), [8, 16.5, 25]);
    const sampling = { temperature: 0, topK: 0, maxRepeat: 0 };
    const composition = compose(timeline, { style: 'piano', seed: 1, learned: { chords: { model: favouring('A:min'), sampling } } });
    assert.match(composition.plan.models.chords, /^amt test$/);
    assert.equal(composition.plan.learnedChords!.length, 40);
    const { chords, plan } = composition;
    for (const cut of plan.sections.slice(1).map((s) => s.start)) {
      const at = chords.findIndex((c) => Math.abs(c.time - cut) < 1e-6);
      assert.ok(at > 0, `a chord starts on the cut at ${cut}`);
      assert.notEqual(chords[at]!.chord, chords[at - 1]!.chord, `the chord changes on the cut at ${cut}`);
    }
    for (let i = 2; i < chords.length; i++) assert.ok(!(chords[i]!.chord === chords[i - 1]!.chord && chords[i]!.chord === chords[i - 2]!.chord), 'no chord three bars running');
  });
});

describe('seeding the AMT with a chord LM', () => {
  it('starts from exactly the LM: the video paths begin at zero', async () => {
    const { startFrom } = await import('../../src/models/train-command.js');
    const lmConfig = { ...TINY, video: false };
    const lm = initialAmtParameters(lmConfig, createRng(11));
    const amt = initialAmtParameters(TINY, createRng(12));
    startFrom(amt, lm);
    const [sequence] = syntheticSequences(1, 13, moodChords);
    const features = sequence!.features!.subarray(0, TINY.window * FEATURES);
    const fromLm = new AmtWindow(lm, lmConfig, features, TINY.window);
    const fromAmt = new AmtWindow(amt, TINY, features, TINY.window);
    for (let t = 0; t < TINY.window; t++) {
      const previous = t === 0 ? START : sequence!.chords[t - 1]!;
      const a = fromLm.step(previous);
      const b = fromAmt.step(previous);
      a.forEach((value, c) => assert.ok(Math.abs(value - b[c]!) < 1e-5));
    }
    assert.throws(() => startFrom(amt, new Map([['nothing', { shape: [1], data: new Float32Array(1) }]])), /share no parameter/);
  });
});

describe('training runs', () => {
  it('are reproducible from the seed, and a resumed run ends where an uninterrupted one does', { timeout: 120_000 }, async () => {
    const tf = await tensorEngine();
    const data = { train: syntheticSequences(12, 21, moodChords), validation: syntheticSequences(3, 22, moodChords) };
    const options = (out: string, epochsThisRun: number, resume: boolean) => ({ out, epochs: 2, epochsThisRun, stepsPerEpoch: 6, learningRate: 5e-3, warmupSteps: 3, weightDecay: 0.01, clipNorm: 1, patience: 5, seed: 4, resume, header: { version: 'test', config: TINY } });
    const run = async (out: string, epochs: number, resume: boolean) => {
      const model = amtTrainable(tf, TINY, initialAmtParameters(TINY, createRng(3)), data, { lambda: 0.5, batchSize: 4, kind: 'amt' });
      const result = await train(tf, model, options(out, epochs, resume));
      const params = snapshot(model.variables);
      for (const variable of model.variables.values()) variable.dispose();
      return { result, params };
    };
    const whole = await run(temporaryFolder('v2m-whole-'), 2, false);
    const again = await run(temporaryFolder('v2m-again-'), 2, false);
    assert.deepEqual(again.params.get('dec.out.w')!.data, whole.params.get('dec.out.w')!.data, 'same seed, same weights');
    const interrupted = temporaryFolder('v2m-resume-');
    await run(interrupted, 1, false);
    const resumed = await run(interrupted, 2, true);
    assert.deepEqual(resumed.result.history.map((h) => h.epoch), [1, 2]);
    const a = resumed.params.get('dec.out.w')!.data;
    const b = whole.params.get('dec.out.w')!.data;
    let worst = 0;
    a.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - b[i]!))));
    assert.ok(worst < 1e-5, `resumed weights differ by ${worst}`);
  });

  it('can keep the epoch with the best validation Hits@1, and train with the video hidden from some windows', { timeout: 120_000 }, async () => {
    const tf = await tensorEngine();
    const data = { train: syntheticSequences(12, 31, moodChords), validation: syntheticSequences(3, 32, moodChords) };
    const model = amtTrainable(tf, TINY, initialAmtParameters(TINY, createRng(5)), data, { lambda: 0.8, batchSize: 4, kind: 'amt', videoDropout: 0.5 });
    const out = temporaryFolder('v2m-hits-');
    const result = await train(tf, model, { out, epochs: 3, stepsPerEpoch: 8, learningRate: 5e-3, warmupSteps: 3, weightDecay: 0.01, clipNorm: 1, patience: 5, seed: 6, resume: false, chooseBy: 'hits1', header: { version: 'test', config: TINY } });
    for (const variable of model.variables.values()) variable.dispose();
    const hits = result.history.map((h) => h.hits1!);
    assert.ok(hits.every((h) => h >= 0 && h <= 1), `hits ${hits}`);
    assert.equal(result.chosenBy, 'hits1');
    assert.equal(result.bestValidation, Math.max(...hits));
    assert.equal(result.history[result.bestEpoch - 1]!.hits1, Math.max(...hits));
    const { header } = await loadWeights(path.join(out, 'amt.weights'), 'amt');
    assert.equal(header.validationHits1, Math.max(...hits), 'the kept weights are the chosen epoch');
    assert.match(readFileSync(path.join(out, 'loss.csv'), 'utf8').split('\n')[0]!, /validation_hits1/);
  });
});
