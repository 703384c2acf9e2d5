/**
 * The one error type of Hearth's core. It carries a code from a closed catalogue and never an
 * HTTP status: each edge (HTTP, CLI, jobs) maps codes to its own vocabulary exactly once.
 *
 * @example
 * throw new HearthError('not_found', 'No lead with id 42', { field: 'id' });
 */
export const ERROR_CODES = [
  'invalid',
  'not_found',
  'conflict',
  'unauthenticated',
  'forbidden',
  'too_large',
  'rate_limited',
  'unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with an input, located by a path such as `events[3].type` or `line 17`. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export interface ErrorDetails {
  readonly problems?: readonly FieldProblem[];
  readonly [key: string]: unknown;
}

export class HearthError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'HearthError';
    this.code = code;
    this.details = details;
  }

  /** An `invalid` error whose message names every field at fault. */
  static invalid(problems: readonly FieldProblem[]): HearthError {
    const message = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
    return new HearthError('invalid', message, { problems });
  }
}

export function isHearthError(error: unknown): error is HearthError {
  return error instanceof HearthError;
}
