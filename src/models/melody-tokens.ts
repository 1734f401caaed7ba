// melody-tokens: the melody model's events and the feature layout it reads. A melody is a run of
// events on the sixteenth grid, each a note or a rest with a length; pitches are relative to the key
// (the tonic moved to C), and every event carries what it sounds over: the chord (root and pitch
// classes, relative to the key), the mode, its sixteenth in the bar and its bar in an 8-bar phrase.

import type { Pop909Song } from '../data/pop909-melody.js';

/** Key-relative MIDI pitches the model writes (tonic moved to C): C3–C6, POP909's melodies folded in by octaves. */
export const PITCH_LOW = 48;
export const PITCH_HIGH = 84;
export const REST = 0;
/** Output pitch tokens: rest, then PITCH_LOW … PITCH_HIGH. */
export const PITCH_TOKENS = 1 + PITCH_HIGH - PITCH_LOW + 1;
/** An input-only pitch token before the first event. */
export const START = PITCH_TOKENS;
/** Lengths 1–16 sixteenths (a 4/4 bar); longer notes and rests are cut into bar-sized events. */
export const LENGTHS = 16;
export const STEPS_PER_BEAT = 4;
export const STEPS_PER_BAR = 16;
export const PHRASE_BARS = 8;
/** A silence shorter than a beat between two notes is heard as articulation and held over (see songEvents). */
export const MIN_REST_STEPS = STEPS_PER_BEAT;

/** The input layout, in order; the weights record it and loading refuses another. */
export const FEATURE_LAYOUT = [
  ['previous-pitch', PITCH_TOKENS + 1],
  ['previous-length', LENGTHS],
  ['chord-root', 13],
  ['chord-pitch-classes', 12],
  ['minor', 1],
  ['step-in-bar', STEPS_PER_BAR],
  ['bar-in-phrase', PHRASE_BARS],
] as const;
export const MELODY_FEATURES = FEATURE_LAYOUT.reduce((sum, [, width]) => sum + width, 0);
export const FEATURE_LAYOUT_NAME = FEATURE_LAYOUT.map(([name, width]) => `${name}:${width}`).join(',');
const OFFSET = Object.fromEntries(FEATURE_LAYOUT.map(([name], i) => [name, FEATURE_LAYOUT.slice(0, i).reduce((sum, [, width]) => sum + width, 0)])) as Record<(typeof FEATURE_LAYOUT)[number][0], number>;

/** What an event sounds over, relative to the key. */
export interface MelodyContext {
  /** Chord root in semitones above the tonic, or undefined when there is no chord. */
  chordRoot: number | undefined;
  /** The chord's pitch classes, in semitones above the tonic. */
  chordPitchClasses: number[];
  minor: boolean;
  stepInBar: number;
  barInPhrase: number;
}

export interface MelodyEvent {
  /** REST or a pitch token (1 + key-relative pitch − PITCH_LOW). */
  pitch: number;
  /** Length in sixteenths, 1–16. */
  length: number;
  context: MelodyContext;
}

export function pitchToken(keyRelativeMidi: number): number {
  let pitch = keyRelativeMidi;
  while (pitch < PITCH_LOW) pitch += 12;
  while (pitch > PITCH_HIGH) pitch -= 12;
  return 1 + pitch - PITCH_LOW;
}

export function tokenPitch(token: number): number {
  return token - 1 + PITCH_LOW;
}

/** The model's input for one event: what came before it and what it sounds over (one-hot blocks). */
export function melodyInput(previous: { pitch: number; length: number } | undefined, context: MelodyContext, out: Float32Array = new Float32Array(MELODY_FEATURES)): Float32Array {
  out.fill(0);
  out[OFFSET['previous-pitch'] + (previous ? previous.pitch : START)] = 1;
  if (previous) out[OFFSET['previous-length'] + previous.length - 1] = 1;
  out[OFFSET['chord-root'] + (context.chordRoot ?? 12)] = 1;
  for (const pc of context.chordPitchClasses) out[OFFSET['chord-pitch-classes'] + (((pc % 12) + 12) % 12)] = 1;
  out[OFFSET.minor] = context.minor ? 1 : 0;
  out[OFFSET['step-in-bar'] + (((context.stepInBar % STEPS_PER_BAR) + STEPS_PER_BAR) % STEPS_PER_BAR)] = 1;
  out[OFFSET['bar-in-phrase'] + (((context.barInPhrase % PHRASE_BARS) + PHRASE_BARS) % PHRASE_BARS)] = 1;
  return out;
}

/** Seconds ↔ sixteenth steps through a song's annotated beats (extrapolated past either end). */
class BeatGrid {
  private readonly bars: number[] = [];
  private readonly beatInBar: number[] = [];

  constructor(private readonly times: readonly number[], downbeats: readonly boolean[]) {
    const first = Math.max(0, downbeats.indexOf(true));
    let bar = -1;
    let beat = 0;
    times.forEach((_, i) => {
      if (i < first) {
        this.bars.push(-1);
        this.beatInBar.push((((i - first) % 4) + 4) % 4);
        return;
      }
      if (downbeats[i] || i === first) {
        bar += 1;
        beat = 0;
      }
      this.bars.push(bar);
      this.beatInBar.push(beat++);
    });
  }

  private interval(i: number): number {
    const n = this.times.length;
    const at = Math.max(0, Math.min(n - 2, i));
    return this.times[at + 1]! - this.times[at]!;
  }

  toStep(seconds: number): number {
    const n = this.times.length;
    if (seconds < this.times[0]!) return Math.round(((seconds - this.times[0]!) / this.interval(0)) * STEPS_PER_BEAT);
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.times[middle]! <= seconds) low = middle;
      else high = middle - 1;
    }
    return Math.round((low + (seconds - this.times[low]!) / this.interval(low)) * STEPS_PER_BEAT);
  }

  toSeconds(step: number): number {
    const beat = Math.floor(step / STEPS_PER_BEAT);
    const fraction = step / STEPS_PER_BEAT - beat;
    const n = this.times.length;
    const anchor = Math.max(0, Math.min(n - 1, beat));
    return this.times[anchor]! + (beat - anchor + fraction) * this.interval(anchor);
  }

  /** Bar number and sixteenth in the bar; past the annotated beats the last bar runs on in 4/4. */
  position(step: number): { bar: number; stepInBar: number } {
    const beat = Math.floor(step / STEPS_PER_BEAT);
    const n = this.times.length;
    const anchor = Math.max(0, Math.min(n - 1, beat));
    const beatsInto = this.beatInBar[anchor]! + (beat - anchor);
    const bar = this.bars[anchor]! + Math.floor(beatsInto / 4);
    const beatInBar = ((beatsInto % 4) + 4) % 4;
    return { bar, stepInBar: beatInBar * STEPS_PER_BEAT + (step - beat * STEPS_PER_BEAT) };
  }
}

function spanAt<T extends { start: number; end: number }>(spans: readonly T[], seconds: number): T | undefined {
  return spans.find((span) => span.start <= seconds && seconds < span.end);
}

/**
 * A POP909 song as events: the MELODY track quantised to the sixteenth grid of its beats (one note
 * per onset, the highest; a note is held to the next onset across gaps shorter than a beat, and lasts
 * at most a bar), rests of a beat or more cut at bar lines, from the first note to the last.
 */
export function songEvents(song: Pop909Song): MelodyEvent[] {
  if (song.melody.length === 0 || song.beats.length < 2) return [];
  const grid = new BeatGrid(
    song.beats.map((b) => b.time),
    song.beats.map((b) => b.downbeat),
  );
  const onsets: Array<{ on: number; off: number; midi: number; time: number }> = [];
  for (const note of song.melody) {
    const on = grid.toStep(note.time);
    if (onsets.length > 0 && onsets.at(-1)!.on === on) continue; // sorted highest first within a time
    onsets.push({ on, off: Math.max(on + 1, grid.toStep(note.time + note.duration)), midi: note.midi, time: note.time });
  }
  const keyAt = (seconds: number) => spanAt(song.keys, seconds) ?? (seconds < (song.keys[0]?.start ?? 0) ? song.keys[0] : song.keys.at(-1)) ?? { tonic: 0, minor: false };
  const contextAt = (step: number): MelodyContext => {
    const seconds = grid.toSeconds(step);
    const key = keyAt(seconds);
    const chord = spanAt(song.chords, seconds);
    const { bar, stepInBar } = grid.position(step);
    const relative = (pc: number) => (((pc - key.tonic) % 12) + 12) % 12;
    return {
      chordRoot: chord?.root === undefined ? undefined : relative(chord.root),
      chordPitchClasses: chord?.root === undefined ? [] : chord.pitchClasses.map(relative),
      minor: key.minor,
      stepInBar,
      barInPhrase: bar,
    };
  };
  const events: MelodyEvent[] = [];
  /** Rests from `from` to `to`, cut at bar lines. */
  const rest = (from: number, to: number) => {
    for (let step = from; step < to; ) {
      const context = contextAt(step);
      const length = Math.min(to - step, STEPS_PER_BAR - context.stepInBar);
      events.push({ pitch: REST, length, context });
      step += length;
    }
  };
  onsets.forEach((note, i) => {
    const next = onsets[i + 1];
    // A note sounds until the next onset at the latest and at most a bar (what outlasts a bar is heard
    // as its decay). Gaps shorter than a beat are articulation, not rests — POP909's melodies are
    // played, and a detached eighth would otherwise read as a sixteenth and a sixteenth rest.
    const end = next && next.on - note.off < MIN_REST_STEPS ? next.on : next ? Math.min(note.off, next.on) : note.off;
    const length = Math.min(LENGTHS, end - note.on);
    events.push({ pitch: pitchToken(note.midi - keyAt(note.time).tonic), length, context: contextAt(note.on) });
    if (next && next.on > note.on + length) rest(note.on + length, next.on);
  });
  return events;
}
