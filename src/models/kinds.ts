// The models `v2m train` knows, apart from the training code so that the CLI can list them without
// loading it.

import { usageError } from '../errors.js';

export const MODEL_KINDS = ['amt', 'chord-lm', 'dynamics', 'melody'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export function checkModelKind(kind: string): ModelKind {
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) throw usageError(`Unknown model '${kind}'. Choose one of: ${MODEL_KINDS.join(', ')}.`);
  return kind as ModelKind;
}
