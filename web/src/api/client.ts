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

function send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  return fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

function apiError(response: Response, json: unknown): ApiError {
  const error = (
    json as
      | { error?: { code?: string; message?: string; details?: { problems?: FieldProblem[] } } }
      | undefined
  )?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'error',
    error?.message ?? response.statusText,
    error?.details?.problems ?? [],
  );
}

/**
 * Calls the Hearth API with the session cookie (same origin). A body is sent as JSON; changes carry
 * the `X-CSRF-Token` header; an error answer becomes an `ApiError`.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body, 'application/json');
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw apiError(response, json);
  return json as T;
}

/** The same for an answer that is a file (`POST /leads/export`'s CSV): its content as a Blob. */
export async function apiFile(method: string, path: string, body: unknown, accept: string): Promise<Blob> {
  const response = await send(method, path, body, accept);
  if (!response.ok) {
    const text = await response.text();
    throw apiError(response, text ? JSON.parse(text) : undefined);
  }
  return response.blob();
}

/**
 * Sends a file as the request body (an import's CSV or NDJSON): the browser streams it, and the
 * answer is read as `api` reads it.
 */
export async function apiUpload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': contentType };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw apiError(response, json);
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
