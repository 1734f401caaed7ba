// The one error type v2m throws on purpose. Its code says whose fault it was, so the CLI can map it
// to an exit code and the server to an HTTP status; its message says what was wrong and what to do.

export type V2mErrorCode = 'USAGE' | 'BAD_INPUT' | 'INTERNAL';

/** Exit codes of the `v2m` command, documented in the README. */
export const EXIT_CODES: Readonly<Record<'OK' | V2mErrorCode, number>> = {
  OK: 0,
  USAGE: 2,
  BAD_INPUT: 3,
  INTERNAL: 4,
};

export class V2mError extends Error {
  readonly code: V2mErrorCode;

  constructor(code: V2mErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'V2mError';
    this.code = code;
  }
}

export function usageError(message: string): V2mError {
  return new V2mError('USAGE', message);
}

export function badInput(message: string, cause?: unknown): V2mError {
  return new V2mError('BAD_INPUT', message, { cause });
}

export function internalError(message: string, cause?: unknown): V2mError {
  return new V2mError('INTERNAL', message, { cause });
}

export function isV2mError(error: unknown): error is V2mError {
  return error instanceof V2mError;
}
