// The voice activity detector on synthetic signals: a speech-like voice (formants, syllables,
// pauses) is found where it talks, also over a held chord or noise a few dB below it; noise, held
// chords, plucked notes, silence and a whisper below −55 dBFS are not speech.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectSpeechInSamples, speechSeconds, type SpeechSpan } from '../../src/analysis/speech.js';
import { heldChords, mixed, noise, pluckedNotes, speechLike, type Phrase } from './synthetic.js';

const SECONDS = 12;
const PHRASES: Phrase[] = [
  { start: 1, end: 3.2 },
  { start: 5, end: 6.8 },
  { start: 8.5, end: 10.5 },
];

/** Seconds of `spans` inside the phrases, and outside them (allowing the detector's lead-in and hangover). */
function overlap(spans: readonly SpeechSpan[], phrases: readonly Phrase[]): { inside: number; outside: number } {
  let inside = 0;
  let outside = 0;
  for (const span of spans) {
    for (let t = span.start; t < span.end; t += 0.01) {
      if (phrases.some((p) => t >= p.start && t < p.end)) inside += 0.01;
      else if (!phrases.some((p) => t >= p.start - 0.2 && t < p.end + 0.4)) outside += 0.01;
    }
  }
  return { inside, outside };
}

const phraseSeconds = PHRASES.reduce((sum, p) => sum + p.end - p.start, 0);

describe('voice activity', () => {
  it('finds a speech-like voice where it talks, and nowhere else', () => {
    const spans = detectSpeechInSamples(speechLike(PHRASES, SECONDS));
    const { inside, outside } = overlap(spans, PHRASES);
    assert.ok(inside >= 0.75 * phraseSeconds, `${inside.toFixed(2)} of ${phraseSeconds} s of speech found: ${JSON.stringify(spans)}`);
    assert.ok(outside <= 0.1, `${outside.toFixed(2)} s found outside the phrases: ${JSON.stringify(spans)}`);
    assert.equal(spans.length, PHRASES.length, 'one span per phrase: the pauses between words are held over');
  });

  for (const [name, background] of [
    ['a held chord 6 dB below the voice', heldChords(SECONDS, 1, -30)],
    ['pink noise 4 dB below the voice', noise(SECONDS, -28, 3, true)],
  ] as const) {
    it(`finds the voice over ${name}`, () => {
      const spans = detectSpeechInSamples(mixed(speechLike(PHRASES, SECONDS), background));
      const { inside, outside } = overlap(spans, PHRASES);
      assert.ok(inside >= 0.6 * phraseSeconds, `${inside.toFixed(2)} of ${phraseSeconds} s found: ${JSON.stringify(spans)}`);
      assert.ok(outside <= 0.1, `${outside.toFixed(2)} s outside the phrases`);
    });
  }

  for (const [name, signal] of [
    ['white noise', noise(SECONDS, -20)],
    ['pink noise', noise(SECONDS, -20, 7, true)],
    ['held chords', heldChords(SECONDS)],
    ['plucked notes, four a second', pluckedNotes(SECONDS, 0.25)],
    ['plucked notes, seven a second', pluckedNotes(SECONDS, 0.15)],
    ['silence', new Float32Array(SECONDS * 16_000)],
    ['a voice at −75 dBFS', speechLike(PHRASES, SECONDS, 1, -75)],
  ] as const) {
    it(`hears no speech in ${name}`, () => {
      const spans = detectSpeechInSamples(signal);
      assert.equal(speechSeconds(spans), 0, JSON.stringify(spans));
    });
  }

  it('is the same whether the samples come in one block or many (streaming)', async () => {
    const { SpeechFeatureReader, speechFrames, speechSpans } = await import('../../src/analysis/speech.js');
    const samples = mixed(speechLike(PHRASES, SECONDS), noise(SECONDS, -32, 3, true));
    const reader = new SpeechFeatureReader();
    for (let at = 0; at < samples.length; at += 4999) reader.push(samples.subarray(at, at + 4999));
    assert.deepEqual(speechSpans(speechFrames(reader.features())), detectSpeechInSamples(samples));
  });
});
