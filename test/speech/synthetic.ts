// Synthetic test signals at 16 kHz mono for the voice activity detector: a speech-like voice
// (a glottal pulse train through vowel formants, in syllables, words and pauses), noise, held
// chords and plucked notes. Seeded, so each test sees the same samples.

import { createRng } from '../../src/music/random.js';

export const RATE = 16_000;

/** A 16-bit PCM WAV file of interleaved samples. */
export function wav16File(samples: Int16Array, rate: number, channels: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Vowel formants (Hz) of a male voice: /a/, /i/, /u/, /e/, /o/. */
const VOWELS: ReadonlyArray<readonly [number, number, number]> = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
  [530, 1840, 2480],
  [570, 840, 2410],
];

export interface Phrase {
  start: number;
  end: number;
}

/**
 * A voice speaking `phrases`: each a run of syllables (120–220 ms voiced, 50–110 ms between them,
 * some with a hiss of a consonant before), pitch 100–150 Hz drifting, over a −70 dBFS noise floor.
 * Returns the samples and where each phrase's syllables start and end.
 */
export function speechLike(phrases: readonly Phrase[], seconds: number, seed = 1, levelDb = -18): Float32Array {
  const random = createRng(seed);
  const samples = noise(seconds, -70, seed + 100);
  const amplitude = 10 ** (levelDb / 20) * 2;
  for (const phrase of phrases) {
    let time = phrase.start;
    while (time < phrase.end - 0.12) {
      const voiced = Math.min(0.12 + 0.1 * random(), phrase.end - time);
      const formants = VOWELS[Math.floor(random() * VOWELS.length)]!;
      const pitch = 100 + 50 * random();
      if (random() < 0.4) addHiss(samples, time - 0.05, 0.05, amplitude * 0.15, random);
      addVowel(samples, time, voiced, pitch, formants, amplitude);
      time += voiced + 0.05 + 0.06 * random();
    }
  }
  return samples;
}

function addVowel(samples: Float32Array, start: number, duration: number, pitchHz: number, formants: readonly [number, number, number], amplitude: number): void {
  const from = Math.round(start * RATE);
  const length = Math.round(duration * RATE);
  // A pulse per glottal period, then three two-pole resonators in parallel.
  const source = new Float32Array(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const pitch = pitchHz * (1 + 0.08 * (i / length)); // a little rise through the syllable
    phase += pitch / RATE;
    if (phase >= 1) {
      phase -= 1;
      source[i] = 1;
    }
  }
  const voice = new Float32Array(length);
  for (const [index, formant] of formants.entries()) {
    const bandwidth = 80 + 40 * index;
    const r = Math.exp((-Math.PI * bandwidth) / RATE);
    const a1 = 2 * r * Math.cos((2 * Math.PI * formant) / RATE);
    const a2 = -r * r;
    let y1 = 0;
    let y2 = 0;
    const gain = (1 - r) * [1, 0.6, 0.3][index]!;
    for (let i = 0; i < length; i++) {
      const y = source[i]! + a1 * y1 + a2 * y2;
      y2 = y1;
      y1 = y;
      voice[i]! += gain * y;
    }
  }
  let peak = 0;
  for (const value of voice) peak = Math.max(peak, Math.abs(value));
  for (let i = 0; i < length && from + i < samples.length; i++) {
    const shape = Math.sin((Math.PI * i) / length); // syllable swell
    samples[from + i]! += (amplitude * shape * voice[i]!) / (peak || 1);
  }
}

function addHiss(samples: Float32Array, start: number, duration: number, amplitude: number, random: () => number): void {
  const from = Math.max(0, Math.round(start * RATE));
  let previous = 0;
  for (let i = 0; i < duration * RATE && from + i < samples.length; i++) {
    const white = 2 * random() - 1;
    samples[from + i]! += amplitude * (white - previous); // high-passed: a /s/ or /f/
    previous = white;
  }
}

/** White noise at `levelDb` dBFS RMS (or pinkish, low-passed, with `pink`). */
export function noise(seconds: number, levelDb: number, seed = 7, pink = false): Float32Array {
  const random = createRng(seed);
  const samples = new Float32Array(Math.round(seconds * RATE));
  let low = 0;
  for (let i = 0; i < samples.length; i++) {
    const white = 2 * random() - 1;
    low = 0.95 * low + 0.05 * white;
    samples[i] = pink ? low * 6 : white;
  }
  return scaleTo(samples, levelDb);
}

/** Chords of harmonic tones (a fundamental and five partials each), each held for `holdSeconds`. */
export function heldChords(seconds: number, holdSeconds = 1, levelDb = -18): Float32Array {
  const chords = [[220, 277.2, 329.6], [196, 246.9, 293.7], [174.6, 220, 261.6], [164.8, 207.7, 246.9]];
  const samples = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++) {
    const chord = chords[Math.floor(i / RATE / holdSeconds) % chords.length]!;
    let value = 0;
    for (const root of chord) for (let h = 1; h <= 6; h++) value += Math.sin((2 * Math.PI * root * h * i) / RATE) / h;
    samples[i] = value;
  }
  return scaleTo(samples, levelDb);
}

/** Plucked notes (harmonic, decaying over 0.4 s), one every `everySeconds`: rhythm without speech's formants. */
export function pluckedNotes(seconds: number, everySeconds = 0.25, levelDb = -18): Float32Array {
  const notes = [261.6, 329.6, 392, 523.3, 392, 329.6];
  const samples = new Float32Array(Math.round(seconds * RATE));
  const step = Math.round(everySeconds * RATE);
  for (let start = 0, n = 0; start < samples.length; start += step, n++) {
    const frequency = notes[n % notes.length]!;
    for (let i = 0; i < 0.6 * RATE && start + i < samples.length; i++) {
      let value = 0;
      for (let h = 1; h <= 8; h++) value += Math.sin((2 * Math.PI * frequency * h * i) / RATE) / (h * h);
      samples[start + i]! += value * Math.exp(-i / (0.12 * RATE));
    }
  }
  return scaleTo(samples, levelDb);
}

function scaleTo(samples: Float32Array, levelDb: number): Float32Array {
  let power = 0;
  for (const value of samples) power += value * value;
  const rms = Math.sqrt(power / Math.max(1, samples.length));
  const gain = rms > 0 ? 10 ** (levelDb / 20) / rms : 0;
  for (let i = 0; i < samples.length; i++) samples[i]! *= gain;
  return samples;
}

/** Samples added together (the same length). */
export function mixed(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(Math.max(...signals.map((s) => s.length)));
  for (const signal of signals) for (let i = 0; i < signal.length; i++) out[i]! += signal[i]!;
  return out;
}
