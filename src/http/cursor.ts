import { HearthError } from '../domain/errors.js';

/** Cursors are opaque to clients: base64url JSON of the position, checked when it comes back. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, isPosition: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isPosition(value)) return value;
  } catch {
    // fall through to the error below: a mangled cursor is the caller's mistake, not ours
  }
  throw HearthError.invalid([{ path: 'query.cursor', message: 'is not a cursor this API returned' }]);
}
