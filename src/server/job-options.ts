// The options a client may set on a job, as one JSON schema made from the option table (config.ts):
// it validates the multipart fields of POST /jobs (strings, coerced) and the JSON body of
// regenerate, and documents both in OpenAPI. Only musical choices are accepted — nothing that names
// a file or a path on the server.

import { Ajv, type ErrorObject } from 'ajv';
import type { Emotion } from '../analysis/emotion.js';
import { DEFAULT_OPTIONS, OPTION_TABLE, type ChordSource, type DynamicsSource, type OptionSpec, type ScoreOptions, type StyleChoice, type TempoFreedom } from '../config.js';
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
  /** Also one WAV per role, offered as one zip (result kind 'stems'). */
  stems?: boolean;
}

/** One option of the table as a JSON schema property (ranges, choices and help from the table). */
function schemaProperty(spec: OptionSpec): Record<string, unknown> {
  const description = spec.help;
  switch (spec.kind) {
    case 'integer':
    case 'number':
      return { type: spec.kind, minimum: spec.minimum, maximum: spec.maximum, description };
    case 'choice':
      return { type: 'string', enum: [...spec.choices!], description };
    case 'text':
      return { type: 'string', maxLength: spec.maxLength, description };
    case 'switch':
      return { type: 'boolean', description };
  }
}

/** The options the API takes: those of OPTION_TABLE marked `api`, nothing that names a file. */
export const API_OPTIONS: readonly OptionSpec[] = OPTION_TABLE.filter((spec) => spec.api);

export const JOB_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(API_OPTIONS.map((spec) => [spec.name, schemaProperty(spec)])),
} as const;

/** The default of every API option that has one (the others are chosen from the picture). */
export const API_DEFAULTS: Record<string, unknown> = Object.fromEntries(
  API_OPTIONS.filter((spec) => DEFAULT_OPTIONS[spec.name] !== undefined).map((spec) => [spec.name, DEFAULT_OPTIONS[spec.name]]),
);

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
  const choices = API_OPTIONS.find((spec) => spec.name === name)?.choices;
  const allowed = choices ? ` Choose one of: ${choices.join(', ')}.` : '';
  return `Option '${name}' ${error.message ?? 'is not valid'}.${allowed}`;
}
