// Dialogue ducking end to end: a clip whose own sound is three phrases spoken by espeak-ng with
// pauses between them, scored with --mux mix. What is measured is the music inside the scored
// video's soundtrack: the soundtrack (AAC, decoded) projected onto the music file v2m delivers (which
// is never ducked), window by window — g = Σ soundtrack·music / Σ music² — so the speech, which does
// not correlate with the music, drops out and g is the gain the music got there. Under speech it must
// be at least 8 dB below its gain between the phrases; with --no-duck the two must match (the control).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HtmlValidate } from 'html-validate';
import { detectSpeech, speechSeconds, type SpeechSpan } from '../../src/analysis/speech.js';
import { DEFAULT_DUCKING } from '../../src/media/duck.js';
import { readPcm } from '../../src/media/pcm.js';
import { toolStarts } from '../../src/media/run.js';
import { scoreVideo } from '../../src/pipeline.js';
import { ffmpeg, temporaryFolder } from '../helpers.js';
import { wav16File } from '../speech/synthetic.js';
import { findEspeak, needsEspeak } from '../tiers.js';

const PHRASES = ['The light over the hills was fading fast.', 'We walked on without a word.', 'Then the rain came down on the old road.'];
/** Where each phrase starts in the clip, seconds; the clip lasts CLIP_SECONDS. */
const PHRASE_STARTS = [1.5, 7, 12.5];
const CLIP_SECONDS = 20;
const SPEECH_RATE = 16_000;
const MUSIC_RATE = 48_000;

async function readMono(file: string, rate: number): Promise<Float32Array> {
  const blocks: Float32Array[] = [];
  for await (const block of readPcm(file, { sampleRateHz: rate, channels: 1, blockFrames: rate })) blocks.push(block);
  const out = new Float32Array(blocks.reduce((sum, block) => sum + block.length, 0));
  let at = 0;
  for (const block of blocks) {
    out.set(block, at);
    at += block.length;
  }
  return out;
}

interface Spoken {
  clip: string;
  /** Where each phrase is audible (from its first to its last sample above 0.01, −40 dBFS), seconds. */
  phrases: Array<{ start: number; end: number }>;
}

/** Speaks the phrases with espeak-ng, lays them at PHRASE_STARTS over a test picture, and says where they sound. */
async function spokenClip(folder: string): Promise<Spoken> {
  const track = new Float32Array(CLIP_SECONDS * SPEECH_RATE);
  const phrases: Spoken['phrases'] = [];
  for (const [index, text] of PHRASES.entries()) {
    const wav = path.join(folder, `phrase-${index}.wav`);
    const spoken = spawnSync(findEspeak()!, ['-w', wav, text], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(spoken.status, 0, `espeak-ng failed: ${spoken.stderr}`);
    const samples = await readMono(wav, SPEECH_RATE);
    const offset = Math.round(PHRASE_STARTS[index]! * SPEECH_RATE);
    track.set(samples.subarray(0, track.length - offset), offset);
    const audible = (i: number) => Math.abs(samples[i]!) > 0.01;
    let first = 0;
    while (!audible(first)) first += 1;
    let last = samples.length - 1;
    while (!audible(last)) last -= 1;
    phrases.push({ start: PHRASE_STARTS[index]! + first / SPEECH_RATE, end: PHRASE_STARTS[index]! + last / SPEECH_RATE });
  }
  const speech = path.join(folder, 'speech.wav');
  writeFileSync(speech, wav16File(Int16Array.from(track, (sample) => Math.max(-32768, Math.min(32767, Math.round(sample * 32767)))), SPEECH_RATE, 1));
  const clip = path.join(folder, 'dialogue.mp4');
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=320x180:r=25:d=${CLIP_SECONDS}`, '-i', speech, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-shortest', clip]);
  return { clip, phrases };
}

/** The music's gain inside the soundtrack over [start, end), dB: the projection of the soundtrack onto the music file. */
function musicGainDb(soundtrack: Float32Array, music: Float32Array, start: number, end: number): number {
  let cross = 0;
  let power = 0;
  for (let i = Math.round(start * MUSIC_RATE); i < Math.round(end * MUSIC_RATE); i++) {
    cross += soundtrack[i]! * music[i]!;
    power += music[i]! * music[i]!;
  }
  return 20 * Math.log10(cross / power);
}

interface Measured {
  underDb: number[];
  betweenDb: number[];
}

/** The music's gain inside each phrase (100 ms in from either end) and in each pause (clear of the attack and release). */
async function measure(video: string, musicFile: string, phrases: Spoken['phrases']): Promise<Measured> {
  const [soundtrack, music] = await Promise.all([readMono(video, MUSIC_RATE), readMono(musicFile, MUSIC_RATE)]);
  const underDb = phrases.map((p) => musicGainDb(soundtrack, music, p.start + 0.1, p.end - 0.1));
  const betweenDb = phrases.slice(1).map((next, i) => musicGainDb(soundtrack, music, phrases[i]!.end + DEFAULT_DUCKING.releaseSeconds + 0.5, next.start - DEFAULT_DUCKING.attackSeconds - 0.2));
  return { underDb, betweenDb };
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('dialogue ducking (--mux mix)', () => {
  it('lowers the music under espeak-ng speech by at least 8 dB against the pauses; --no-duck leaves it level', needsEspeak(), async () => {
    const folder = temporaryFolder();
    const { clip, phrases } = await spokenClip(folder);

    const startsBefore = toolStarts();
    const ducked = await scoreVideo(clip, { output: path.join(folder, 'ducked.mp4'), faces: false, mux: 'mix' });
    const duckedStarts = toolStarts() - startsBefore;
    const plainBefore = toolStarts();
    const plain = await scoreVideo(clip, { output: path.join(folder, 'plain.mp4'), faces: false, mux: 'mix', duck: false });
    const plainStarts = toolStarts() - plainBefore;

    const withDucking = await measure(ducked.outputs.video, ducked.outputs.audio, phrases);
    const without = await measure(plain.outputs.video, plain.outputs.audio, phrases);
    const depth = mean(withDucking.betweenDb) - mean(withDucking.underDb);
    console.log(`music gain in the soundtrack — ducked: under speech ${withDucking.underDb.map((d) => d.toFixed(2)).join(', ')} dB, between phrases ${withDucking.betweenDb.map((d) => d.toFixed(2)).join(', ')} dB (depth ${depth.toFixed(2)} dB); --no-duck: under ${without.underDb.map((d) => d.toFixed(2)).join(', ')}, between ${without.betweenDb.map((d) => d.toFixed(2)).join(', ')}`);
    assert.ok(depth >= 8, `the music is only ${depth.toFixed(2)} dB lower under speech`);
    for (const under of withDucking.underDb) assert.ok(under <= mean(withDucking.betweenDb) - 8, `a phrase with the music at ${under.toFixed(2)} dB`);
    assert.ok(Math.abs(mean(without.betweenDb) - mean(without.underDb)) < 1, 'without ducking the music keeps its level under speech (the measurement sees no ducking where there is none)');
    assert.ok(Math.abs(mean(withDucking.betweenDb)) < 1, `between phrases the music is at full level: ${mean(withDucking.betweenDb).toFixed(2)} dB`);

    // The cue sheet records the speech, one span over each phrase; the report draws it.
    const speech = ducked.cues.speech;
    assert.ok(speech, 'the cue sheet has the speech');
    assert.equal(speech.depthDb, 12);
    for (const phrase of phrases) {
      const covering: SpeechSpan[] = speech.spans.filter((span) => span.start < phrase.end && span.end > phrase.start);
      assert.equal(covering.length, 1, `one span over the phrase ${phrase.start.toFixed(2)}–${phrase.end.toFixed(2)}: ${JSON.stringify(speech.spans)}`);
      assert.ok(covering[0]!.start <= phrase.start + 0.3 && covering[0]!.end >= phrase.end - 0.3, `the span covers the phrase: ${JSON.stringify(covering[0])}`);
    }
    assert.equal(plain.cues.speech, undefined, '--no-duck: no speech in the cue sheet');
    const report = readFileSync(ducked.outputs.report, 'utf8');
    assert.match(report, /data-feature="speech"/);
    assert.match(report, /class="duck-gain"/);
    const validation = await new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'no-inline-style': 'off' } }).validateString(report);
    assert.ok(validation.valid, JSON.stringify(validation.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)).slice(0, 5)));

    // One more ffmpeg start than without ducking: the speech decode (v2m's own WAV is ducked in JavaScript).
    assert.equal(duckedStarts, plainStarts + 1, `ducking started ffmpeg/ffprobe ${duckedStarts} times, ${plainStarts} without`);
    // The music itself is not mistaken for speech.
    const inMusic = speechSeconds(await detectSpeech(ducked.outputs.audio));
    assert.ok(inMusic <= 0.5, `${inMusic.toFixed(2)} s of v2m's music read as speech`);
  });
});

