// melody: the tune, written event by event by the melody model trained on POP909 (models/melody.ts)
// over the piece's own sixteenth grid, chords and phrases. The opening bar's motif comes back at the
// head of every four-bar phrase — replayed on the new chord, or with its rhythm and new pitches — and
// the model continues from it, so the tune is remembered and still goes somewhere. The rules a player
// would keep are masks on what the model may choose: the instrument's range, the key, chord tones on
// strong beats, no non-chord tone held into a new chord, a long chord tone and a breath to end a phrase.

import type { Rng } from '../music/random.js';
import { chordPitchClasses, scalePitchClasses } from '../music/theory.js';
import { MelodyRunner, shippedMelodyModel, type MelodyModel } from '../models/melody.js';
import { sampleToken, type TokenSampling } from '../models/melody-sample.js';
import { LENGTHS, melodyInput, PITCH_TOKENS, REST, STEPS_PER_BEAT, tokenPitch, type MelodyContext } from '../models/melody-tokens.js';
import { energyAt, velocity } from './dynamics.js';
import { chordAt, groupIntoBars } from './harmony.js';
import type { Beat, ChordEvent, Note, ScorePlan } from './score.js';

/** Below this picture energy the melody rests: quiet scenes get harmony alone. */
const MELODY_MIN_ENERGY = 0.12;
const BARS_PER_PHRASE = 4;
/** The bar of a phrase (from 0) that carries its high point, and how hard the model is nudged there (logits). */
const CLIMAX_BAR = 2;
const CLIMAX_NUDGE = 1.5;
/** The longest note inside a phrase, in sixteenths (half a 4/4 bar). */
const LONGEST_INNER_NOTE = 8;
const PITCH_SAMPLING: TokenSampling = { temperature: 1, topK: 12 };
const LENGTH_SAMPLING: TokenSampling = { temperature: 0.9, topK: 5 };
/** The key-relative pitch at the centre of POP909's melodies (G4 in C), placed at the centre of the instrument's range. */
const MODEL_REGISTER_CENTRE = 67;
/** Share of a note's time it sounds (the rest is the breath between notes). */
const LEGATO = 0.95;

export interface MelodyInput {
  plan: ScorePlan;
  beats: readonly Beat[];
  chords: readonly ChordEvent[];
  range: readonly [number, number];
  /** The melody model (default: the shipped one). */
  model?: MelodyModel;
}

/** One sixteenth of the piece's grid. */
interface Step {
  time: number;
  bar: number;
  stepInBar: number;
  /** The chord sounding at the step, and its pitch classes (root first). */
  chord: string;
  chordTones: number[];
}

/** A bar as the melody sees it: its steps, its place in the phrase, and whether the tune plays in it. */
interface MelodyBar {
  firstStep: number;
  endStep: number;
  barInSection: number;
  plays: boolean;
  energy: number;
}

interface Event {
  pitch: number;
  length: number;
}

export function melodyPart(input: MelodyInput, rng: Rng): Note[] {
  const writer = new MelodyWriter(input, rng);
  return writer.write();
}

class MelodyWriter {
  private readonly steps: Step[] = [];
  private readonly bars: MelodyBar[] = [];
  private readonly runner: MelodyRunner;
  private readonly tonic: number;
  private readonly scale: ReadonlySet<number>;
  /** Added to a key-relative model pitch to sound in the instrument's range. */
  private readonly offset: number;
  private previous: Event | undefined;
  private motif: Array<Event & { at: number }> | undefined;
  /** Every event so far with the step it starts on, silent ones included. */
  private readonly written: Array<Event & { step: number }> = [];
  private readonly notes: Note[] = [];
  private readonly chordTones = new Map<string, number[]>();
  /** The highest pitch token of the phrase so far, and whether its third bar has gone above it. */
  private phraseHigh = REST;
  private climbed = false;

  constructor(
    private readonly input: MelodyInput,
    private readonly rng: Rng,
  ) {
    this.runner = new MelodyRunner(input.model ?? shippedMelodyModel());
    const scale = scalePitchClasses(input.plan.key);
    this.tonic = scale[0]!;
    this.scale = new Set(scale);
    const centre = (input.range[0] + input.range[1]) / 2;
    this.offset = this.tonic + 12 * Math.round((centre - this.tonic - MODEL_REGISTER_CENTRE) / 12);
    this.layOutGrid();
  }

  write(): Note[] {
    let phrase = 0;
    let cursor = 0; // the step after the last event: a note may tie over into the next bar
    this.bars.forEach((bar, index) => {
      if (!bar.plays) {
        // Silence inside the piece is heard by the model as rests; before the tune it starts afresh.
        if (this.previous) this.restUntil(bar.firstStep, bar.endStep);
        return;
      }
      const opensPhrase = bar.barInSection % BARS_PER_PHRASE === 0;
      if (opensPhrase) [this.phraseHigh, this.climbed] = [REST, false];
      let step = Math.max(bar.firstStep, cursor);
      if (opensPhrase && this.motif) {
        step = this.developMotif(bar, phrase);
        phrase += 1;
      }
      const closesPhrase = bar.barInSection % BARS_PER_PHRASE === BARS_PER_PHRASE - 1 || !this.bars[index + 1]?.plays;
      while (step < bar.endStep) step = this.writeEvent(step, bar, closesPhrase);
      cursor = step;
      if (!this.motif) this.motif = this.takeMotif(bar);
    });
    return this.notes;
  }

  /** The sixteenth grid of every bar but the last (the arranger holds the final chord there). */
  private layOutGrid(): void {
    const bars = groupIntoBars(this.input.beats);
    if (bars.length < 2 || this.input.chords.length === 0) return; // no bar before the held ending: no tune
    let section = -1;
    let barInSection = 0;
    bars.slice(0, -1).forEach((bar, index) => {
      if (bar.section !== section) [section, barInSection] = [bar.section, 0];
      const firstStep = this.steps.length;
      const beatLength = (bar.end - bar.start) / bar.beats;
      for (let s = 0; s < bar.beats * STEPS_PER_BEAT; s++) this.steps.push(this.stepAt(bar.start + (s / STEPS_PER_BEAT) * beatLength, this.bars.length, s));
      const energy = energyAt(this.input.plan, bar.start);
      // The first bar and the intro scene set the stage: the tune lives after them.
      const intro = this.input.plan.sections[bar.section]?.part === 'intro' && this.input.plan.sections.length > 2;
      this.bars.push({ firstStep, endStep: this.steps.length, barInSection: barInSection++, plays: index > 0 && !intro && energy >= MELODY_MIN_ENERGY, energy });
    });
    this.steps.push(this.stepAt(bars.at(-1)?.start ?? 0, this.bars.length, 0));
  }

  private stepAt(time: number, bar: number, stepInBar: number): Step {
    const chord = chordAt(this.input.chords, time).chord;
    const known = this.chordTones.get(chord) ?? chordPitchClasses(chord);
    this.chordTones.set(chord, known);
    return { time, bar, stepInBar, chord, chordTones: known };
  }

  private context(step: number): MelodyContext {
    const at = this.steps[step]!;
    const chordTones = this.chordTonesAt(step);
    const relative = (pc: number) => (((pc - this.tonic) % 12) + 12) % 12;
    return {
      chordRoot: chordTones.length > 0 ? relative(chordTones[0]!) : undefined,
      chordPitchClasses: chordTones.map(relative),
      minor: this.input.plan.key.mode === 'minor',
      stepInBar: at.stepInBar,
      barInPhrase: this.bars[at.bar]!.barInSection,
    };
  }

  private chordTonesAt(step: number): number[] {
    return this.steps[step]!.chordTones;
  }

  private midiOf(pitch: number): number {
    return tokenPitch(pitch) + this.offset;
  }

  /** Feeds the model one event it did not choose (a rest through a silent bar, a replayed motif note). */
  private force(step: number, event: Event): void {
    this.runner.step(melodyInput(this.previous, this.context(step)));
    this.emit(step, event);
  }

  private restUntil(from: number, to: number): void {
    for (let step = from; step < to; ) {
      const length = Math.min(to - step, LENGTHS);
      this.force(step, { pitch: REST, length });
      step += length;
    }
  }

  private emit(step: number, event: Event): void {
    this.previous = event;
    this.written.push({ ...event, step });
    if (event.pitch === REST) return;
    if (event.pitch > this.phraseHigh) {
      if (this.bars[this.steps[step]!.bar]!.barInSection % BARS_PER_PHRASE === CLIMAX_BAR) this.climbed = true;
      this.phraseHigh = event.pitch;
    }
    const at = this.steps[step]!;
    const end = this.steps[Math.min(this.steps.length - 1, step + event.length)]!.time;
    const strong = isStrongBeat(at.stepInBar);
    this.notes.push({ time: at.time, duration: (end - at.time) * LEGATO, midi: this.midiOf(event.pitch), velocity0to127: velocity(this.bars[at.bar]!.energy, strong ? 4 : -4) });
  }

  /** One event chosen by the model under the masks; returns the step after it. */
  private writeEvent(step: number, bar: MelodyBar, closesPhrase: boolean): number {
    const at = this.steps[step]!;
    // The phrase's last bar: after its first beat the next note is the cadence.
    const cadence = closesPhrase && at.stepInBar >= STEPS_PER_BEAT && bar.endStep - step > STEPS_PER_BEAT;
    const chordTones = new Set(this.chordTonesAt(step));
    const pitchLogits = this.runner.step(melodyInput(this.previous, this.context(step)));
    if (bar.barInSection % BARS_PER_PHRASE === CLIMAX_BAR && !this.climbed) {
      // The phrase's high point comes in its third bar: the model is nudged above what the phrase has reached.
      for (let token = this.phraseHigh + 1; token < pitchLogits.length; token++) pitchLogits[token]! += CLIMAX_NUDGE;
    }
    const mustBeChordTone = isStrongBeat(at.stepInBar) || cadence;
    // A phrase opens with a note, and its cadence is a note: rests come inside it and after it.
    const mayRest = !cadence && !(at.stepInBar === 0 && bar.barInSection % BARS_PER_PHRASE === 0);
    const pitch = sampleToken(pitchLogits, PITCH_SAMPLING, this.rng, (token) => (token === REST ? mayRest : this.fits(token, chordTones, mustBeChordTone)));
    const lengthLogits = this.runner.lengthLogits(pitch);
    if (cadence) {
      // A phrase ends on a long chord tone, then breathes for a beat.
      const length = this.longestHeld(step, pitch, Math.min(LENGTHS, Math.max(1, bar.endStep - step - STEPS_PER_BEAT)), bar.endStep);
      this.emit(step, { pitch, length });
      this.restUntil(step + length, bar.endStep);
      return bar.endStep;
    }
    // Inside a phrase a rest is a breath of at most a beat and a note at most half a bar: the long ones close phrases.
    const limit = Math.min(pitch === REST ? STEPS_PER_BEAT : LONGEST_INNER_NOTE, bar.endStep - step + (closesPhrase ? 0 : this.playingStepsAfter(bar)));
    const length = 1 + sampleToken(lengthLogits, LENGTH_SAMPLING, this.rng, (i) => i + 1 <= limit && this.longestHeld(step, pitch, i + 1, Infinity) === i + 1);
    this.emit(step, { pitch, length });
    return step + length;
  }

  /** Playing steps in the bars after `bar` up to the phrase end (a note may tie into the next bar). */
  private playingStepsAfter(bar: MelodyBar): number {
    const next = this.bars[this.steps[bar.endStep]?.bar ?? this.bars.length];
    return next?.plays && next.barInSection % BARS_PER_PHRASE !== 0 ? next.endStep - next.firstStep : 0;
  }

  /** In range, in the key or the chord, and a chord tone where one must be. */
  private fits(token: number, chordTones: ReadonlySet<number>, mustBeChordTone: boolean): boolean {
    const midi = this.midiOf(token);
    if (midi < this.input.range[0] || midi > this.input.range[1]) return false;
    const pc = midi % 12;
    return mustBeChordTone ? chordTones.has(pc) : this.scale.has(pc) || chordTones.has(pc);
  }

  /** `length` cut short where a pitch would sound on into a chord it does not belong to (rests are never cut). */
  private longestHeld(step: number, pitch: number, length: number, end: number): number {
    if (pitch === REST) return Math.min(length, end - step);
    const pc = this.midiOf(pitch) % 12;
    for (let s = step + 1; s < Math.min(step + length, end, this.steps.length - 1); s++) {
      if (this.steps[s]!.chord !== this.steps[s - 1]!.chord && !this.steps[s]!.chordTones.includes(pc)) return s - step;
    }
    return Math.min(length, end - step);
  }

  /** The events inside the first bar the tune plays, from its first note: the piece's motif (none if fewer than two). */
  private takeMotif(bar: MelodyBar): Array<Event & { at: number }> | undefined {
    const events = this.written.filter((e) => e.step >= bar.firstStep && e.step < bar.endStep && e.step + e.length <= bar.endStep);
    const first = events.findIndex((e) => e.pitch !== REST);
    if (first < 0 || events.length - first < 2) return undefined;
    // From its first note, which every phrase head then opens with.
    const from = events[first]!.step;
    return events.slice(first).map((e) => ({ pitch: e.pitch, length: e.length, at: e.step - from }));
  }

  /**
   * The motif at the head of a phrase: on even phrases replayed, moved so its first note is the chord
   * tone nearest where it began; on odd phrases its rhythm with pitches the model chooses. Returns the
   * step after it.
   */
  private developMotif(bar: MelodyBar, phrase: number): number {
    const motif = this.motif!;
    const replay = phrase % 2 === 0;
    const first = motif.find((e) => e.pitch !== REST);
    const chordTones = new Set(this.chordTonesAt(bar.firstStep));
    const shift = first ? this.nearestFitting(first.pitch, chordTones, true) - first.pitch : 0;
    let step = bar.firstStep;
    for (const event of motif) {
      const start = bar.firstStep + event.at;
      if (start >= bar.endStep) break;
      if (step < start) this.force(step, { pitch: REST, length: start - step }); // a note cut short at a chord change
      const length = Math.min(event.length, bar.endStep - start);
      const strong = isStrongBeat(this.steps[start]!.stepInBar);
      const tones = new Set(this.chordTonesAt(start));
      if (event.pitch === REST) {
        this.force(start, { pitch: REST, length });
      } else if (replay) {
        const pitch = this.nearestFitting(event.pitch + shift, tones, strong);
        this.force(start, { pitch, length: this.longestHeld(start, pitch, length, bar.endStep) });
      } else {
        const logits = this.runner.step(melodyInput(this.previous, this.context(start)));
        const pitch = sampleToken(logits, PITCH_SAMPLING, this.rng, (token) => token !== REST && this.fits(token, tones, strong));
        this.emit(start, { pitch, length: this.longestHeld(start, pitch, length, bar.endStep) });
      }
      step = start + this.previous!.length;
    }
    return step;
  }

  /** The pitch token nearest `token` that fits (in range, in key, a chord tone when asked). */
  private nearestFitting(token: number, chordTones: ReadonlySet<number>, chordTone: boolean): number {
    for (let distance = 0; distance < 24; distance++) {
      for (const candidate of [token - distance, token + distance]) if (candidate > REST && candidate < PITCH_TOKENS && this.fits(candidate, chordTones, chordTone)) return candidate;
    }
    return token;
  }
}

/** Beats 1 and 3 of a 4/4 bar (every other beat from the downbeat in bars of other lengths). */
function isStrongBeat(stepInBar: number): boolean {
  return stepInBar % (2 * STEPS_PER_BEAT) === 0;
}
