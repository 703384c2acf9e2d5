import type { ErrorCode } from '../domain/errors.js';
import { isHearthError } from '../domain/errors.js';

/** Exit status per error code: scripts can tell a bad input from a missing lead from a busy store. */
export const EXIT_CODE_BY_CODE: Record<ErrorCode, number> = {
  invalid: 2,
  too_large: 2,
  not_found: 3,
  conflict: 4,
  unauthenticated: 5,
  forbidden: 5,
  rate_limited: 6,
  unavailable: 7,
};

/** Prints one line for the user and returns the exit status; never a stack trace. */
export function reportError(error: unknown, write: (line: string) => void): number {
  if (isHearthError(error)) {
    write(`hearth: ${error.message}`);
    return EXIT_CODE_BY_CODE[error.code];
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`hearth: unexpected error: ${message}`);
  return 1;
}
