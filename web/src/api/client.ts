import type { Session } from './types';

/** One field at fault in a refused request (`details.problems`), named by its path. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** An error answer from the API: `{ error: { code, message, details } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token: every change made with the session cookie must carry it. */
export function setCsrfToken(session: Session | null): void {
  csrfToken = session?.csrfToken ?? null;
}

/**
 * Calls the Hearth API with the session cookie (same origin). A body is sent as JSON; changes carry
 * the `X-CSRF-Token` header; an error answer becomes an `ApiError`.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (
      json as
        | { error?: { code?: string; message?: string; details?: { problems?: FieldProblem[] } } }
        | undefined
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'error',
      error?.message ?? response.statusText,
      error?.details?.problems ?? [],
    );
  }
  return json as T;
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
