// The melody model: a POP909 song written by the test reads back as the planted events; the
// plain-TypeScript GRU computes what the TensorFlow.js graph computes; a short training run learns;
// damaged weights and weights of another input layout are refused; the shipped weights are small and
// load; the n-gram baseline is a distribution; and (data tier) the model beats the n-gram on held-out POP909.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeMidi, type MidiData } from 'midi-file';
import { readPop909Song } from '../../src/data/pop909-melody.js';
import { evaluateMelody } from '../../src/models/melody-eval.js';
import { fitMelodyNgrams } from '../../src/models/melody-ngram.js';
import { initialMelodyParameters, makeMelodyBatch, melodyOutput, melodyTrainable } from '../../src/models/melody-train.js';
import { FEATURE_LAYOUT_NAME, LENGTHS, melodyInput, MELODY_FEATURES, PITCH_TOKENS, pitchToken, REST, songEvents, type MelodyEvent } from '../../src/models/melody-tokens.js';
import { loadMelodyModel, MelodyRunner, MELODY_KIND, SHIPPED_MELODY_WEIGHTS, type MelodyConfig } from '../../src/models/melody.js';
import { tensorEngine } from '../../src/models/engine.js';
import { snapshot, train } from '../../src/models/trainer.js';
import { saveWeights } from '../../src/models/weights.js';
import { createRng } from '../../src/music/random.js';
import { temporaryFolder } from '../helpers.js';
import { DATA_FOLDER, needsData } from '../tiers.js';

const TINY: MelodyConfig = { hidden: 12, window: 16 };

/** Melodies that climb the C major scale in eighths over I–V, a rest of a beat at every bar's end. */
function scaleSongs(count: number, seed: number): MelodyEvent[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const events: MelodyEvent[] = [];
    let degree = Math.floor(rng() * 7);
    const scale = [0, 2, 4, 5, 7, 9, 11];
    for (let bar = 0; bar < 8; bar++) {
      const chord = bar % 2 === 0 ? { chordRoot: 0, chordPitchClasses: [0, 4, 7] } : { chordRoot: 7, chordPitchClasses: [7, 11, 2] };
      for (let step = 0; step < 12; step += 2) {
        events.push({ pitch: pitchToken(60 + 12 * Math.floor(degree / 7) + scale[degree % 7]!), length: 2, context: { ...chord, minor: false, stepInBar: step, barInPhrase: bar } });
        degree = (degree + 1) % 14;
      }
      events.push({ pitch: REST, length: 4, context: { ...chord, minor: false, stepInBar: 12, barInPhrase: bar } });
    }
    return events;
  });
}

/** A POP909-style song folder: 120 BPM, a 4/4 MELODY track in D major with a detached note and a rest. */
function writePop909Song(root: string, id: string): void {
  const folder = path.join(root, 'POP909', id);
  mkdirSync(folder, { recursive: true });
  const tick = 480; // per beat; a beat is 0.5 s
  // (beat, beats long, MIDI): D4 a beat, E4 an eighth then an eighth's gap (articulation), F#4 half, rest 2 beats, A4.
  const notes: Array<[number, number, number]> = [[0, 1, 62], [1, 0.5, 64], [2, 2, 66], [6, 1, 69]];
  const events: MidiData['tracks'][number] = [{ deltaTime: 0, meta: true, type: 'trackName', text: 'MELODY' }];
  let now = 0;
  for (const [beat, beats, midi] of notes) {
    events.push({ deltaTime: beat * tick - now, channel: 0, type: 'noteOn', noteNumber: midi, velocity: 80 });
    events.push({ deltaTime: beats * tick, channel: 0, type: 'noteOff', noteNumber: midi, velocity: 0 });
    now = (beat + beats) * tick;
  }
  events.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  const tempo: MidiData['tracks'][number] = [{ deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: 500000 }, { deltaTime: 0, meta: true, type: 'endOfTrack' }];
  writeFileSync(path.join(folder, `${id}.mid`), Buffer.from(writeMidi({ header: { format: 1, numTracks: 2, ticksPerBeat: tick }, tracks: [tempo, events] })));
  writeFileSync(path.join(folder, 'beat_midi.txt'), Array.from({ length: 12 }, (_, b) => `${b * 0.5} ${b % 2 === 0 ? 1 : 0}.0 ${b % 4 === 0 ? 1 : 0}.0`).join('\n'));
  writeFileSync(path.join(folder, 'chord_midi.txt'), '0.0\t1.0\tD:maj\n1.0\t3.0\tA:7\n3.0\t6.0\tN\n');
  writeFileSync(path.join(folder, 'key_audio.txt'), '0.0\t6.0\tD:maj\n');
}

describe('melody events from POP909', () => {
  it('reads a song the test wrote back as key-relative events on the sixteenth grid', async () => {
    const root = temporaryFolder('v2m-pop909-');
    writePop909Song(root, '001');
    const events = songEvents(await readPop909Song(root, '001'));
    // In C (D major moved down 2): C4 4 sixteenths, D4 held over its articulation gap to 4, E4 8, rest 8, G4.
    assert.deepEqual(
      events.map((e) => [e.pitch === REST ? 'rest' : e.pitch - pitchToken(60), e.length]),
      [[0, 4], [2, 4], [4, 8], ['rest', 8], [7, 4]],
    );
    assert.deepEqual(events[0]!.context, { chordRoot: 0, chordPitchClasses: [0, 4, 7], minor: false, stepInBar: 0, barInPhrase: 0 });
    assert.deepEqual(events[2]!.context, { chordRoot: 7, chordPitchClasses: [7, 11, 2, 5], minor: false, stepInBar: 8, barInPhrase: 0 });
    assert.equal(events[4]!.context.chordRoot, undefined, "'N' is no chord");
    assert.deepEqual([events[4]!.context.stepInBar, events[4]!.context.barInPhrase], [8, 1]);
  });
});

describe('the melody model', () => {
  it('computes the same logits in plain TypeScript as in the TensorFlow.js graph it is trained with', async () => {
    const tf = await tensorEngine();
    const params = initialMelodyParameters(TINY, createRng(1));
    const rng = createRng(2);
    for (const p of params.values()) for (let i = 0; i < p.data.length; i++) p.data[i] = (rng() - 0.5) * 1.5;
    const variables = new Map([...params].map(([name, p]) => [name, tf.variable(tf.tensor(p.data, p.shape), true, `melody-parity-${name}`)]));
    const [song] = scaleSongs(1, 3);
    const batch = makeMelodyBatch([{ events: song!, start: 5 }], TINY.window);
    const graph = tf.tidy(() => {
      const output = melodyOutput(tf, variables, TINY, batch);
      return { pitch: output.pitch.arraySync(), length: output.length.arraySync() };
    });
    const runner = new MelodyRunner({ version: 'test', config: TINY, params });
    let worst = 0;
    for (let t = 0; t < TINY.window; t++) {
      const event = song![5 + t]!;
      runner.step(melodyInput(song![4 + t], event.context)).forEach((value, i) => (worst = Math.max(worst, Math.abs(value - graph.pitch[t]![i]!))));
      runner.lengthLogits(event.pitch).forEach((value, i) => (worst = Math.max(worst, Math.abs(value - graph.length[t]![i]!))));
    }
    for (const variable of variables.values()) variable.dispose();
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
  });

  it('learns the planted scale, reloads to identical outputs, and refuses damaged weights or another layout', { timeout: 180_000 }, async () => {
    const tf = await tensorEngine();
    const out = temporaryFolder('v2m-melody-train-');
    const model = melodyTrainable(tf, TINY, initialMelodyParameters(TINY, createRng(1)), { train: scaleSongs(24, 1), validation: scaleSongs(4, 2) }, { batchSize: 8 });
    const before = model.validate().loss;
    const header = { version: 'test', config: TINY, features: MELODY_FEATURES, layout: FEATURE_LAYOUT_NAME };
    const result = await train(tf, model, { out, epochs: 3, stepsPerEpoch: 30, learningRate: 1e-2, warmupSteps: 5, weightDecay: 0.01, clipNorm: 1, patience: 3, seed: 1, resume: false, header });
    assert.ok(result.bestValidation < before * 0.6, `validation NLL ${before.toFixed(3)} → ${result.bestValidation.toFixed(3)}`);
    const params = snapshot(model.variables);
    for (const variable of model.variables.values()) variable.dispose();

    const file = path.join(out, 'melody.weights');
    const reloaded = await loadMelodyModel(file);
    const [song] = scaleSongs(1, 5);
    const input = melodyInput(song![0], song![1]!.context);
    assert.deepEqual(new MelodyRunner(reloaded).step(input), new MelodyRunner({ version: 'test', config: TINY, params }).step(input));

    await saveWeights(path.join(out, 'other-layout.weights'), { kind: MELODY_KIND, ...header, layout: 'previous-pitch:39' }, params);
    await assert.rejects(loadMelodyModel(path.join(out, 'other-layout.weights')), /another input layout.*v2m train melody/);
    await saveWeights(path.join(out, 'no-layout.weights'), { kind: MELODY_KIND, version: 'test', config: TINY }, params);
    await assert.rejects(loadMelodyModel(path.join(out, 'no-layout.weights')), /another input layout/);
    const missing = new Map(params);
    missing.delete('length.pitch');
    await saveWeights(path.join(out, 'short.weights'), { kind: MELODY_KIND, ...header }, missing);
    await assert.rejects(loadMelodyModel(path.join(out, 'short.weights')), /lack 'length.pitch'/);
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10]! ^= 0xff;
    writeFileSync(file, flipped);
    await assert.rejects(loadMelodyModel(file), /damaged \(checksum mismatch\).*v2m train melody/);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    await assert.rejects(loadMelodyModel(file), /damaged/);
    await assert.rejects(loadMelodyModel(path.join(out, 'missing.weights')), /Cannot read the melody weights/);
    await saveWeights(path.join(out, 'dynamics.weights'), { kind: 'dynamics', ...header }, params);
    await assert.rejects(loadMelodyModel(path.join(out, 'dynamics.weights')), /hold a 'dynamics' model, not 'melody'/);
  });

  it('ships weights under 1 MB made for this input layout', async () => {
    assert.ok(statSync(SHIPPED_MELODY_WEIGHTS).size < 1_000_000, `${statSync(SHIPPED_MELODY_WEIGHTS).size} bytes`);
    const model = await loadMelodyModel(SHIPPED_MELODY_WEIGHTS);
    assert.match(model.version, /^melody-/);
  });
});

describe('the n-gram baseline', () => {
  it('is a distribution at every context and learns a planted sequence', () => {
    const ngrams = fitMelodyNgrams(scaleSongs(10, 1));
    for (const history of [[], [pitchToken(60)], [pitchToken(60), pitchToken(62)], [REST, PITCH_TOKENS - 1]]) {
      let sum = 0;
      for (let token = 0; token < PITCH_TOKENS; token++) sum += ngrams.pitch.probability(history, token);
      assert.ok(Math.abs(sum - 1) < 1e-9, `pitch probabilities after [${history.join(', ')}] sum to ${sum}`);
    }
    assert.equal(ngrams.pitch.best([pitchToken(60), pitchToken(62)]), pitchToken(64), 'after C D comes E');
    let lengths = 0;
    for (let length = 0; length < LENGTHS; length++) lengths += ngrams.length.probability([1, 1], length);
    assert.ok(Math.abs(lengths - 1) < 1e-9);
  });
});

describe('the melody model on held-out POP909', () => {
  it('beats the back-off trigram on the test split (next-note accuracy and NLL)', { ...needsData('pop909'), timeout: 300_000 }, async () => {
    const result = await evaluateMelody(DATA_FOLDER!, 'test');
    assert.ok(result.songs >= 80, `${result.songs} test songs`);
    assert.ok(result.model.nll < result.ngram.nll, `NLL ${result.model.nll.toFixed(3)} vs trigram ${result.ngram.nll.toFixed(3)}`);
    assert.ok(result.model.pitchAccuracy > result.ngram.pitchAccuracy, `pitch accuracy ${result.model.pitchAccuracy} vs ${result.ngram.pitchAccuracy}`);
  });
});
