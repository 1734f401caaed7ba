// options: every user option of `v2m score` checked before any work starts, and turned into the
// composer's controls. Each refusal names the value and lists what would be accepted.

import { readFile } from 'node:fs/promises';
import { EMOTIONS, type Emotion } from './analysis/emotion.js';
import type { PlanOptions } from './compose/plan.js';
import { readStyleReference, type Role, type StyleReference } from './compose/reference.js';
import { GM } from './compose/styles.js';
import { CHORD_SOURCES, describeRange, DYNAMICS_SOURCES, MUSIC_LENGTH_LIMITS_SECONDS, MUX_MODES, OPTION_TABLE, STYLE_CHOICES, TEMPO_FREEDOMS, type OptionSpec, type ScoreOptions } from './config.js';
import type { LearnedModels } from './compose/learned.js';
import { shippedChordModel, shippedDynamicsModel } from './models/shipped.js';
import { usageError } from './errors.js';
import { checkAudioFormat } from './render/master.js';
import { soundFontProblem } from './render/soundfont.js';
import { chordQuality, parseKey } from './music/theory.js';

/** The composer's controls, checked: everything `compose` needs from the user except the seed. */
export type ComposeControls = Omit<PlanOptions, 'seed'>;

export const ROLES: readonly Role[] = ['chords', 'pad', 'bass', 'melody'];

export async function checkOptions(options: ScoreOptions): Promise<ComposeControls> {
  if (!STYLE_CHOICES.includes(options.style)) throw usageError(`Unknown style '${options.style}'. Choose one of: ${STYLE_CHOICES.join(', ')}.`);
  if (!MUX_MODES.includes(options.mux)) throw usageError(`Unknown mux mode '${options.mux}'. Choose one of: ${MUX_MODES.join(', ')}.`);
  for (const spec of OPTION_TABLE) checkRange(spec, options[spec.name]);
  if (options.copyVideo !== undefined && typeof options.copyVideo !== 'boolean') throw usageError(`--copy-video is a switch (true or false), not '${String(options.copyVideo)}'.`);
  if (!TEMPO_FREEDOMS.includes(options.tempoChanges)) throw usageError(`Unknown --tempo-changes '${options.tempoChanges}'. Choose one of: ${TEMPO_FREEDOMS.join(', ')}.`);
  if (!CHORD_SOURCES.includes(options.chords)) throw usageError(`Unknown chord source '${options.chords}'. Choose one of: ${CHORD_SOURCES.join(', ')}.`);
  if (!DYNAMICS_SOURCES.includes(options.dynamics)) throw usageError(`Unknown dynamics source '${options.dynamics}'. Choose one of: ${DYNAMICS_SOURCES.join(', ')}.`);
  checkLengthOptions(options);
  if (options.soundFont !== undefined) await checkSoundFont(options.soundFont);
  await checkAudioFormat(options.audioFormat);
  return {
    style: options.style,
    key: options.key === undefined ? undefined : checkKey(options.key),
    tempoBpm: options.tempo,
    tempoChanges: options.tempoChanges,
    mood: options.mood === undefined ? undefined : checkMood(options.mood),
    primer: options.primer === undefined ? undefined : checkPrimer(options.primer),
    intensity: options.intensity,
    instruments: options.instruments === undefined ? undefined : checkInstruments(options.instruments),
    reference: options.styleFrom === undefined ? undefined : await loadReference(options.styleFrom),
    learned: await learnedModels(options),
    loop: options.loop === true,
  };
}

/** `--from/--to/--loop` on their own (their ranges are the option table's); the video's length is checked by `checkSpan`. */
function checkLengthOptions(options: ScoreOptions): void {
  if (options.loop !== undefined && typeof options.loop !== 'boolean') throw usageError(`--loop is a switch (true or false), not '${String(options.loop)}'.`);
  const { from, to } = options;
  if (from !== undefined && to !== undefined && to - from < MUSIC_LENGTH_LIMITS_SECONDS.min) {
    throw usageError(
      to <= from
        ? `--to (${to} s) must come after --from (${from} s): the span scored runs from --from to --to.`
        : `The span --from ${from} --to ${to} is ${(to - from).toFixed(2)} s; v2m scores at least ${MUSIC_LENGTH_LIMITS_SECONDS.min} s. Widen the span.`,
    );
  }
}

/**
 * The span to score inside a video `videoSeconds` long, once it is probed: --from before its end, --to
 * no later than its end (a frame's rounding allowed), and at least the shortest music between them.
 */
export function checkSpan(options: Pick<ScoreOptions, 'from' | 'to'>, videoSeconds: number): { from: number; to: number } {
  const from = options.from ?? 0;
  const length = videoSeconds.toFixed(2);
  if (from >= videoSeconds) throw usageError(`--from ${from} s is beyond the end of the video, which is ${length} s long. Give a time inside it.`);
  if (options.to !== undefined && options.to > videoSeconds + SPAN_END_TOLERANCE_SECONDS) {
    throw usageError(`--to ${options.to} s is beyond the end of the video, which is ${length} s long. Give a time inside it, or leave --to out to score to the end.`);
  }
  const to = Math.min(options.to ?? videoSeconds, videoSeconds);
  // A span the user asked for must be long enough to score; a short video without one scores as it is.
  const spanAsked = options.from !== undefined || options.to !== undefined;
  if (spanAsked && to - from < MUSIC_LENGTH_LIMITS_SECONDS.min) {
    throw usageError(`The span from ${from} s to ${to.toFixed(2)} s (the video is ${length} s long) is shorter than the ${MUSIC_LENGTH_LIMITS_SECONDS.min} s v2m scores at least. Start earlier with --from.`);
  }
  return { from, to };
}

/** A --to this far past the video's probed length still means its end (rounding to a frame, or to a tenth). */
const SPAN_END_TOLERANCE_SECONDS = 0.1;

/** A number option within the range the option table gives it (absent optional ones pass). */
function checkRange(spec: OptionSpec, value: unknown): void {
  if (spec.kind !== 'integer' && spec.kind !== 'number') return;
  if (value === undefined) return;
  const isNumber = typeof value === 'number' && (spec.kind === 'integer' ? Number.isSafeInteger(value) : Number.isFinite(value));
  if (!isNumber || value < spec.minimum! || value > spec.maximum!) throw usageError(`${spec.flag} must be ${describeRange(spec)}, not '${String(value)}'.`);
}

/** The shipped models the options ask for (read once per process). */
export async function learnedModels(options: Pick<ScoreOptions, 'chords' | 'dynamics' | 'temperature' | 'topK'>): Promise<LearnedModels> {
  return {
    chords: options.chords === 'amt' ? { model: await shippedChordModel(), sampling: { temperature: options.temperature, topK: options.topK, maxRepeat: 0 } } : undefined,
    dynamics: options.dynamics === 'bigru' ? await shippedDynamicsModel() : undefined,
  };
}

function checkKey(text: string) {
  const key = parseKey(text);
  if (!key) throw usageError(`Unknown key '${text}'. Write a note A–G, optionally # or b, and major or minor: e.g. 'A minor', 'Eb', 'F# major'.`);
  return key;
}

function checkMood(text: string): Emotion {
  if (!(EMOTIONS as readonly string[]).includes(text)) throw usageError(`Unknown mood '${text}'. Choose one of: ${EMOTIONS.join(', ')}.`);
  return text as Emotion;
}

/** "C Am F G" or "C,Am,F,G": chord symbols, one per bar. */
export function checkPrimer(text: string): string[] {
  const chords = text.split(/[\s,]+/).filter((token) => token.length > 0);
  if (chords.length === 0) throw usageError("--primer needs at least one chord, e.g. --primer 'C Am F G'.");
  for (const chord of chords) {
    if (!/^[A-G][#b]?/.test(chord) || chordQuality(chord) === 'other') {
      throw usageError(
        `Unknown chord '${chord}' in --primer. Write a root A–G (optionally # or b) and one of: major (C), m, dim, aug, sus2, sus4, 7, maj7, m7, 6, dim7, m7b5 — e.g. 'C Am F G7'.`,
      );
    }
  }
  return chords;
}

/** "melody=flute,bass=33": a General MIDI program (0–127) or instrument name per role. */
export function checkInstruments(text: string): Partial<Record<Role, number>> {
  const names = Object.keys(GM);
  const result: Partial<Record<Role, number>> = {};
  for (const assignment of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [role, value] = assignment.split('=').map((part) => part?.trim());
    if (!role || !(ROLES as readonly string[]).includes(role) || !value) {
      throw usageError(`Cannot read '${assignment}' in --instruments. Write role=instrument with a role of ${ROLES.join(', ')}, e.g. 'melody=flute,bass=33'.`);
    }
    const byName = names.find((name) => name.toLowerCase() === value.replace(/[-_\s]/g, '').toLowerCase());
    const program = byName ? GM[byName as keyof typeof GM] : /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(program >= 0 && program <= 127)) {
      throw usageError(`Unknown instrument '${value}' for ${role}. Give a General MIDI program 0–127 or one of: ${names.join(', ')}.`);
    }
    result[role as Role] = program;
  }
  return result;
}

async function checkSoundFont(file: string): Promise<void> {
  const problem = await soundFontProblem(file);
  if (problem) throw usageError(`Cannot use the --soundfont '${file}': ${problem}. Give a General MIDI SoundFont (.sf2 or .sf3), or leave --soundfont out for the shipped one.`);
}

async function loadReference(file: string): Promise<StyleReference> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw usageError(`Cannot read the --style-from file '${file}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Give a Standard MIDI File (.mid).`);
  }
  try {
    return readStyleReference(bytes);
  } catch (error) {
    throw usageError(`'${file}' is not a Standard MIDI File v2m can read (${(error as Error).message}). --style-from takes a .mid file.`);
  }
}
