// The options a client may set on a job, as one JSON schema: it validates the multipart fields of
// POST /jobs (strings, coerced) and the JSON body of regenerate, and documents both in OpenAPI.
// Only musical choices are accepted — nothing that names a file or a path on the server.

import { Ajv, type ErrorObject } from 'ajv';
import { EMOTIONS, type Emotion } from '../analysis/emotion.js';
import { CHORD_SOURCES, DEFAULT_OPTIONS, DYNAMICS_SOURCES, MUX_MODES, STYLE_CHOICES, TEMPO_FREEDOMS, TEMPO_LIMITS_BPM, type ChordSource, type TempoFreedom, type DynamicsSource, type ScoreOptions, type StyleChoice } from '../config.js';
import { usageError } from '../errors.js';
import type { MuxMode } from '../media/mux.js';
import { checkOptions } from '../options.js';

export interface JobOptions {
  style: StyleChoice;
  seed: number;
  mux: MuxMode;
  faces: boolean;
  objects?: boolean;
  originalGainDb: number;
  chords?: ChordSource;
  dynamics?: DynamicsSource;
  temperature?: number;
  topK?: number;
  mood?: Emotion;
  key?: string;
  tempo?: number;
  tempoChanges?: TempoFreedom;
  intensity?: number;
  primer?: string;
  instruments?: string;
}

export const JOB_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    style: { type: 'string', enum: [...STYLE_CHOICES], description: 'arrangement style; auto picks one from the picture' },
    seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description: 'same video + same seed → the same music' },
    mux: { type: 'string', enum: [...MUX_MODES], description: "replace the video's sound, or mix the music over it" },
    faces: { type: 'boolean', description: 'look for faces and expressions (they feed the emotion)' },
    objects: { type: 'boolean', description: 'with faces: also name the objects in view (labels in the report; slower)' },
    chords: { type: 'string', enum: [...CHORD_SOURCES], description: 'who writes the chords: the shipped AMT or the progression rules' },
    dynamics: { type: 'string', enum: [...DYNAMICS_SOURCES], description: 'who shapes the dynamics: the shipped biGRU with motion, or motion alone' },
    temperature: { type: 'number', minimum: 0, maximum: 5, description: 'AMT sampling temperature' },
    topK: { type: 'integer', minimum: 0, maximum: 157, description: 'AMT: sample among the k likeliest chords (0: all)' },
    originalGainDb: { type: 'number', minimum: -60, maximum: 12, description: 'level of the original sound with mux=mix' },
    mood: { type: 'string', enum: [...EMOTIONS], description: "one mood for the whole piece instead of the picture's" },
    key: { type: 'string', maxLength: 16, description: "e.g. 'A minor' or 'Eb'" },
    tempo: { type: 'number', minimum: TEMPO_LIMITS_BPM.min, maximum: TEMPO_LIMITS_BPM.max, description: 'lock the music to this tempo in BPM (one tempo, no change)' },
    tempoChanges: { type: 'string', enum: [...TEMPO_FREEDOMS], description: 'how far the tempo may bend to land the cuts: none, few (≤ 8 % steps), free' },
    intensity: { type: 'number', minimum: 0, maximum: 1, description: '0 holds back, 1 pushes, 0.5 follows the picture' },
    primer: { type: 'string', maxLength: 200, description: "chords to open with, one per bar, e.g. 'C Am F G'" },
    instruments: { type: 'string', maxLength: 200, description: "instruments per role, e.g. 'melody=flute,bass=33'" },
  },
} as const;

export const DEFAULT_JOB_OPTIONS: JobOptions = {
  style: DEFAULT_OPTIONS.style,
  seed: DEFAULT_OPTIONS.seed,
  mux: DEFAULT_OPTIONS.mux,
  faces: DEFAULT_OPTIONS.faces,
  originalGainDb: DEFAULT_OPTIONS.originalGainDb,
};

// Form fields arrive as strings ("3", "true"): coerce them to the schema's types.
const ajv = new Ajv({ coerceTypes: true, allErrors: false });
const validate = ajv.compile<Partial<JobOptions>>(JOB_OPTIONS_SCHEMA);

/**
 * Checks client-given options (unknown names, types, ranges, keys, chords, instruments) and lays
 * them over `base`. Throws a usage error that names the option and what it accepts.
 */
export async function parseJobOptions(fields: Record<string, unknown>, base: JobOptions = DEFAULT_JOB_OPTIONS): Promise<JobOptions> {
  // Empty form fields mean "not set" (a form's empty select or number box).
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '' && value !== undefined));
  if (!validate(given)) throw usageError(describeOptionError(validate.errors?.[0]));
  const options: JobOptions = { ...base, ...given };
  await checkOptions(scoreOptionsFor(options));
  return options;
}

export function scoreOptionsFor(options: JobOptions): ScoreOptions {
  return { ...DEFAULT_OPTIONS, ...options };
}

/** One schema error in words: which option, what is wrong, what it accepts. */
export function describeOptionError(error: ErrorObject | undefined): string {
  if (!error) return 'The options are not valid.';
  if (error.keyword === 'additionalProperties') {
    const name = String((error.params as { additionalProperty: string }).additionalProperty);
    return `Unknown option '${name.slice(0, 40)}'. Known options: ${Object.keys(JOB_OPTIONS_SCHEMA.properties).join(', ')}.`;
  }
  const name = error.instancePath.replace(/^\//, '') || 'options';
  const property = JOB_OPTIONS_SCHEMA.properties[name as keyof typeof JOB_OPTIONS_SCHEMA.properties];
  const allowed = property && 'enum' in property ? ` Choose one of: ${property.enum.join(', ')}.` : '';
  return `Option '${name}' ${error.message ?? 'is not valid'}.${allowed}`;
}
