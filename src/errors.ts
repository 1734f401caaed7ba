// The one error type v2m throws on purpose. Its code says whose fault it was, so the CLI can map it
// to an exit code and the server to an HTTP status; its message says what was wrong and what to do.

export type V2mErrorCode = 'USAGE' | 'BAD_INPUT' | 'INTERNAL' | 'DISK_FULL';

/** Exit codes of the `v2m` command, documented in the README. */
export const EXIT_CODES: Readonly<Record<'OK' | V2mErrorCode, number>> = {
  OK: 0,
  USAGE: 2,
  BAD_INPUT: 3,
  INTERNAL: 4,
  DISK_FULL: 5,
};

/** Exit code of `v2m batch` when it ran but some videos failed (their reasons are in the summary and batch-report.json). */
export const SOME_FAILED_EXIT_CODE = 6;

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

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

export function diskFull(message: string, cause?: unknown): V2mError {
  return new V2mError('DISK_FULL', message, { cause });
}

/** errno codes that say the machine (disk, permissions, limits), not v2m, failed. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);
const NOT_ALLOWED = new Set(['EACCES', 'EPERM', 'EROFS']);
const OTHER_ENVIRONMENT = new Set(['EMFILE', 'ENFILE', 'EIO', 'ENOMEM', 'EISDIR', 'ENOTDIR', 'EBUSY', 'ETXTBSY', 'EXDEV']);

/**
 * A system error (an errno code from the file system) as the V2mError it stands for, so that a full
 * disk or a folder v2m may not write gets one line that says what to do, never a stack trace.
 * Returns undefined for anything else: that is a bug and keeps its stack.
 */
export function fromSystemError(error: unknown): V2mError | undefined {
  if (isV2mError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const where = (error as NodeJS.ErrnoException).path ? ` ('${(error as NodeJS.ErrnoException).path}')` : '';
  if (NO_SPACE.has(code)) return diskFull(`The disk is full${where}: no space left to write the outputs. Free some space, or write them elsewhere with -o.`, error);
  if (NOT_ALLOWED.has(code)) return usageError(`v2m may not write there${where} (${code}). Choose a folder you can write to with -o.`);
  if (OTHER_ENVIRONMENT.has(code)) return internalError(`the file system refused an operation${where}: ${code}. Check the folder and try again.`, error);
  return undefined;
}
