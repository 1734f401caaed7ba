// speech: where people talk in a video's own sound — a voice activity detector that reads the audio
// itself, no model. Every 10 ms it measures a 32 ms frame (16 kHz mono): its level, how much of its
// energy lies in the speech band (300–3400 Hz), how flat its spectrum is there (voiced speech is a
// comb of harmonics, noise is flat), and its zero-crossing rate (hiss and cymbals cross often). A
// frame 6 dB or more above the local noise floor, partly in band, harmonic and not hissy is *voiced*.
// Speech then differs from music by its rhythm: syllables come and go 3–8 times a second, so within
// a second of speech there are enough voiced frames, the speech band's level swings 8 dB or more
// between syllables and the dips between them, and at least two syllable onsets *swell* into their
// vowel (the peak 30 ms or more after the rise). A held chord never dips, a fade never rises, and a
// plucked or struck note peaks at once. Runs of such frames become spans, led in, held over short
// pauses (hangover) and stripped of blips.
//
// Limits: speech as loud as a music bed under it is not found (it needs to stand ~6 dB above the
// floor), and chirping birds or a sung melody can read as speech.
// Memory: 20 bytes of features per 10 ms (about 7 MB an hour of video); the samples stream through in blocks.

import { GrowableFloat32 } from '../measure/growable.js';
import { HoppedSpectra } from '../measure/spectra.js';
import { readPcm } from '../media/pcm.js';

export interface SpeechSpan {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
}

export const SPEECH_SAMPLE_RATE_HZ = 16_000;
/** 32 ms frames, a hop of 10 ms: the usual VAD grain. */
const FRAME_SAMPLES = 512;
const HOP_SAMPLES = 160;
export const SPEECH_HOP_SECONDS = HOP_SAMPLES / SPEECH_SAMPLE_RATE_HZ;

/** The thresholds, in one place (tuned on espeak-ng speech, noise, held chords and v2m's own music: test/speech/vad.test.ts, test/media/ducking.test.ts). */
export const VAD_SETTINGS = {
  /** Nothing quieter than this is speech (dBFS of a frame's mean power; a full-scale sine is −3). */
  minimumLevelDb: -55,
  /** A voiced frame stands this far above the local noise floor (the quietest tenth of a second within ±1.5 s). */
  aboveFloorDb: 6,
  /** Half-width of the window the noise floor is the minimum of. */
  floorWindowSeconds: 1.5,
  /** Share of a voiced frame's energy that lies in 300–3400 Hz. */
  minimumBandShare: 0.3,
  /** Spectral flatness (geometric ÷ arithmetic mean of power) in 300–3400 Hz: harmonics are far below 1, noise near it. */
  maximumFlatness: 0.3,
  /** Zero crossings per sample: voiced speech crosses rarely; fricatives, hiss and cymbals often. */
  maximumZeroCrossingRate: 0.25,
  /** The rhythm test looks at this many seconds around each frame. */
  rhythmWindowSeconds: 1,
  /** Within the window, the speech band's level must swing this far (10th to 90th percentile of its frames, dB). */
  minimumSwingDb: 8,
  /** …and at least this share of voiced frames (speech talks for a good part of any second of it). */
  minimumVoicedShare: 0.2,
  /** …and at least this many syllable onsets (the speech band rising by `onsetRiseDb` within 50 ms): a fade has none. */
  minimumOnsets: 2,
  onsetRiseDb: 8,
  /** A span goes on this long after its last speech frame (hangover), and starts this much before its first. */
  hangoverSeconds: 0.3,
  leadSeconds: 0.05,
  /** Pauses shorter than this join the spans on either side (breaths, between words). */
  joinGapSeconds: 0.4,
  /** Spans shorter than this are dropped (a clap, a plucked note). */
  minimumSpanSeconds: 0.25,
} as const;

const BAND_LOW_HZ = 300;
const BAND_HIGH_HZ = 3400;
/** Below this the spectrum is rumble and hum, not voice; it is left out of the total. */
const TOTAL_LOW_HZ = 60;

/** Per-frame measurements, kept for the decision (which needs a second either side). */
export interface SpeechFeatures {
  /** Frame level, dBFS (mean power over 60–8000 Hz). */
  levelDb: Float32Array;
  /** Speech-band (300–3400 Hz) level, dBFS. */
  bandDb: Float32Array;
  /** Share of the energy in the speech band, 0–1. */
  bandShare: Float32Array;
  /** Spectral flatness in the speech band, 0–1. */
  flatness: Float32Array;
  zeroCrossingRate: Float32Array;
}

/** Streams 16 kHz mono samples in and measures one frame per hop. */
export class SpeechFeatureReader {
  private readonly spectra = new HoppedSpectra(FRAME_SAMPLES, HOP_SAMPLES, () => this.measureLatestFrame());
  private readonly level = new GrowableFloat32();
  private readonly band = new GrowableFloat32();
  private readonly share = new GrowableFloat32();
  private readonly flat = new GrowableFloat32();
  private readonly zcr = new GrowableFloat32();
  private readonly bandBins: [number, number];
  private readonly totalBins: [number, number];

  constructor() {
    const bin = (hz: number) => Math.round((hz * FRAME_SAMPLES) / SPEECH_SAMPLE_RATE_HZ);
    this.bandBins = [bin(BAND_LOW_HZ), bin(BAND_HIGH_HZ)];
    this.totalBins = [bin(TOTAL_LOW_HZ), FRAME_SAMPLES / 2];
  }

  push(mono: Float32Array): void {
    this.spectra.push(mono);
  }

  /**
   * The features so far. Frame i covers samples [i·hop, i·hop + 512): its centre is at
   * (i·hop + 256) / 16 000 s.
   */
  features(): SpeechFeatures {
    return { levelDb: this.level.values(), bandDb: this.band.values(), bandShare: this.share.values(), flatness: this.flat.values(), zeroCrossingRate: this.zcr.values() };
  }

  private measureLatestFrame(): void {
    const { samples, spectrum } = this.spectra;
    let crossings = 0;
    for (let i = 1; i < FRAME_SAMPLES; i++) if ((samples[i]! >= 0) !== (samples[i - 1]! >= 0)) crossings += 1;
    // Power per bin, scaled so that a full-scale sine reads about −3 dB as a frame level.
    const scale = 2 / (FRAME_SAMPLES * WINDOW_POWER);
    let total = 0;
    let band = 0;
    let logSum = 0;
    const [bandLow, bandHigh] = this.bandBins;
    for (let k = this.totalBins[0]; k < this.totalBins[1]; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      const power = (re * re + im * im) * scale;
      total += power;
      if (k >= bandLow && k < bandHigh) {
        band += power;
        logSum += Math.log(power + 1e-20);
      }
    }
    const bandCount = bandHigh - bandLow;
    const bandMean = band / bandCount;
    this.level.push(decibels(total / FRAME_SAMPLES));
    this.band.push(decibels(band / FRAME_SAMPLES));
    this.share.push(total > 0 ? band / total : 0);
    this.flat.push(bandMean > 0 ? Math.exp(logSum / bandCount) / bandMean : 1);
    this.zcr.push(crossings / (FRAME_SAMPLES - 1));
  }
}

/** Mean of the Hann window's square: the power it takes out of a frame. */
const WINDOW_POWER = 0.375;

/** Which frames are voiced: loud above the local floor, in the speech band, harmonic, not hissy. */
export function voicedFrames(features: SpeechFeatures, settings = VAD_SETTINGS): Uint8Array {
  const { levelDb, bandShare, flatness, zeroCrossingRate } = features;
  const floor = localFloor(levelDb, Math.round(settings.floorWindowSeconds / SPEECH_HOP_SECONDS));
  const voiced = new Uint8Array(levelDb.length);
  for (let i = 0; i < levelDb.length; i++) {
    voiced[i] = Number(
      levelDb[i]! >= settings.minimumLevelDb &&
        levelDb[i]! >= floor[i]! + settings.aboveFloorDb &&
        bandShare[i]! >= settings.minimumBandShare &&
        flatness[i]! <= settings.maximumFlatness &&
        zeroCrossingRate[i]! <= settings.maximumZeroCrossingRate,
    );
  }
  return voiced;
}

/**
 * Frames with the rhythm of speech around them: within the rhythm window, enough voiced frames, and
 * a speech-band level that swings between syllables and the dips between them.
 */
export function speechFrames(features: SpeechFeatures, settings = VAD_SETTINGS): Uint8Array {
  const voiced = voicedFrames(features, settings);
  const half = Math.round(settings.rhythmWindowSeconds / SPEECH_HOP_SECONDS / 2);
  const count = voiced.length;
  const speech = new Uint8Array(count);
  // Running count of voiced frames in the window; the swing (a percentile range) is computed only
  // for voiced frames whose window has enough of them, on a reused buffer.
  const prefix = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) prefix[i + 1] = prefix[i]! + voiced[i]!;
  const onsets = onsetPrefix(features.bandDb, settings.onsetRiseDb);
  const buffer = new Float32Array(2 * half + 1);
  for (let i = 0; i < count; i++) {
    if (!voiced[i]) continue;
    const from = Math.max(0, i - half);
    const to = Math.min(count, i + half + 1);
    if ((prefix[to]! - prefix[from]!) / (to - from) < settings.minimumVoicedShare) continue;
    if (onsets[to]! - onsets[from]! < settings.minimumOnsets) continue;
    const window = buffer.subarray(0, to - from);
    window.set(features.bandDb.subarray(from, to));
    window.sort();
    const swing = window[Math.floor(0.9 * (window.length - 1))]! - window[Math.floor(0.1 * (window.length - 1))]!;
    speech[i] = Number(swing >= settings.minimumSwingDb);
  }
  return speech;
}

/** The rise is measured over this many frames (50 ms); one onset per syllable at most (100 ms apart). */
const ONSET_FRAMES = 5;
const ONSET_SPACING_FRAMES = 10;
/** A syllable swells into its vowel: its peak comes 30 ms or more after the rise (looked for within 200 ms). A plucked or struck note peaks at once. */
const SWELL_FRAMES = 3;
const PEAK_SEARCH_FRAMES = 20;

/**
 * Running count of syllable onsets: frames where the speech band rose by `riseDb` within 50 ms and
 * went on swelling (measured on espeak-ng: the peak comes a median 60–80 ms after the rise; on
 * plucked notes 10 ms).
 */
function onsetPrefix(bandDb: Float32Array, riseDb: number): Uint32Array {
  const prefix = new Uint32Array(bandDb.length + 1);
  let lastOnset = -Infinity;
  for (let i = 0; i < bandDb.length; i++) {
    let low = Infinity;
    for (let j = Math.max(0, i - ONSET_FRAMES); j < i; j++) low = Math.min(low, bandDb[j]!);
    let syllable = false;
    if (bandDb[i]! - low >= riseDb && i - lastOnset >= ONSET_SPACING_FRAMES) {
      lastOnset = i;
      let peak = i;
      for (let j = i; j < Math.min(bandDb.length, i + PEAK_SEARCH_FRAMES); j++) if (bandDb[j]! > bandDb[peak]!) peak = j;
      syllable = peak - i >= SWELL_FRAMES;
    }
    prefix[i + 1] = prefix[i]! + Number(syllable);
  }
  return prefix;
}

/** Speech frames as spans: led in, held over (hangover), short pauses joined, blips dropped. */
export function speechSpans(speech: Uint8Array, settings = VAD_SETTINGS): SpeechSpan[] {
  const centre = (frame: number) => (frame * HOP_SAMPLES + FRAME_SAMPLES / 2) / SPEECH_SAMPLE_RATE_HZ;
  const end = centre(speech.length);
  const raw: SpeechSpan[] = [];
  for (let i = 0; i < speech.length; i++) {
    if (!speech[i]) continue;
    let last = i;
    while (last + 1 < speech.length && speech[last + 1]) last += 1;
    raw.push({ start: Math.max(0, centre(i) - settings.leadSeconds), end: Math.min(end, centre(last) + settings.hangoverSeconds) });
    i = last;
  }
  const joined: SpeechSpan[] = [];
  for (const span of raw) {
    const previous = joined[joined.length - 1];
    if (previous && span.start - previous.end < settings.joinGapSeconds) previous.end = Math.max(previous.end, span.end);
    else joined.push({ ...span });
  }
  return joined.filter((span) => span.end - span.start >= settings.minimumSpanSeconds).map((span) => ({ start: round(span.start), end: round(span.end) }));
}

/** The speech spans of mono 16 kHz samples held in memory (tests, short clips). */
export function detectSpeechInSamples(mono: Float32Array, settings = VAD_SETTINGS): SpeechSpan[] {
  const reader = new SpeechFeatureReader();
  reader.push(mono);
  return speechSpans(speechFrames(reader.features(), settings), settings);
}

/** The speech spans of a file's first audio stream (one ffmpeg start, or none for a plain 16 kHz mono WAV). */
export async function detectSpeech(file: string, settings = VAD_SETTINGS): Promise<SpeechSpan[]> {
  const reader = new SpeechFeatureReader();
  for await (const block of readPcm(file, { sampleRateHz: SPEECH_SAMPLE_RATE_HZ, channels: 1, blockFrames: SPEECH_SAMPLE_RATE_HZ })) reader.push(block);
  return speechSpans(speechFrames(reader.features(), settings), settings);
}

/** Seconds of speech among the spans. */
export function speechSeconds(spans: readonly SpeechSpan[]): number {
  return spans.reduce((sum, span) => sum + span.end - span.start, 0);
}

/**
 * The noise floor around each frame: the minimum, within ±`half` frames, of the level averaged over
 * a tenth of a second (so one silent frame in a hum does not pull it down). O(n) with a monotonic deque.
 */
function localFloor(levelDb: Float32Array, half: number): Float32Array {
  const smoothing = Math.max(1, Math.round(0.1 / SPEECH_HOP_SECONDS));
  const smoothed = new Float32Array(levelDb.length);
  let sum = 0;
  for (let i = 0; i < levelDb.length; i++) {
    sum += levelDb[i]!;
    if (i >= smoothing) sum -= levelDb[i - smoothing]!;
    smoothed[i] = sum / Math.min(i + 1, smoothing);
  }
  const floor = new Float32Array(levelDb.length);
  const deque: number[] = [];
  let head = 0;
  let added = 0;
  for (let i = 0; i < levelDb.length; i++) {
    // Window of frame i: [i - half, i + half].
    while (added < levelDb.length && added <= i + half) {
      while (deque.length > head && smoothed[deque[deque.length - 1]!]! >= smoothed[added]!) deque.pop();
      deque.push(added);
      added += 1;
    }
    while (deque[head]! < i - half) head += 1;
    floor[i] = smoothed[deque[head]!]!;
    if (head > 4096) {
      deque.splice(0, head);
      head = 0;
    }
  }
  return floor;
}

function decibels(power: number): number {
  return 10 * Math.log10(power + 1e-12);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
