import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { json } from '../support/http.js';

export interface FormJson {
  id: string;
  name: string;
  formKey: string;
  action: string;
  redirectUrl: string;
  errorUrl: string | null;
  fields: Record<string, string>;
  qualification: Record<string, { field: string; values?: Record<string, string> }>;
  honeypotField: string;
  minFillSeconds: number;
  requireFillTime: boolean;
  allowedOrigins: string[];
  source: string | null;
  active: boolean;
  snippet: string;
  deletedAt: string | null;
}

export interface SubmissionJson {
  id: number;
  receivedAt: string;
  outcome: 'stored' | 'duplicate' | 'spam' | 'rejected';
  reason: string | null;
  leadId: string | null;
  leadCreated: boolean;
  eventId: number | null;
}

export const THANKS = 'https://www.example.com/thanks';

/** Creates a form over the admin API. */
export async function createForm(
  server: FastifyInstance,
  admin: { authorization: string },
  body: Record<string, unknown> = {},
): Promise<FormJson> {
  const response = await server.inject({
    method: 'POST',
    url: '/api/v1/integrations/forms',
    headers: admin,
    payload: { name: 'Contact sales', redirectUrl: THANKS, ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<FormJson>(response);
}

export async function submissionsOf(
  server: FastifyInstance,
  admin: { authorization: string },
  formId: string,
): Promise<SubmissionJson[]> {
  const response = await server.inject({
    method: 'GET',
    url: `/api/v1/integrations/forms/${formId}/submissions`,
    headers: admin,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: SubmissionJson[] }>(response).data;
}

/** The fields of a post as a browser whose script ran sends them: loaded `fillMs` before sending. */
export function timed(fields: Record<string, string>, nowMs: number, fillMs = 8000): Record<string, string> {
  return { ...fields, hearth_ts: String(nowMs - fillMs), hearth_sent: String(nowMs) };
}

/** The signed load time the snippet's script fetches on page load, as the fields it fills in. */
export async function signedLoad(
  server: FastifyInstance,
  formKey: string,
): Promise<{ hearth_t: string; hearth_sig: string }> {
  const response = await server.inject({ method: 'GET', url: `/f/${formKey}/t` });
  expect(response.statusCode, response.body).toBe(200);
  const { t, sig } = response.json() as { t: number; sig: string };
  return { hearth_t: String(t), hearth_sig: sig };
}

/** An urlencoded post, as an HTML form sends it by default. */
export function postUrlencoded(
  server: FastifyInstance,
  path: string,
  fields: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const entries = Array.isArray(fields) ? fields : Object.entries(fields);
  return server.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
    payload: new URLSearchParams(entries).toString(),
  });
}

/** A multipart post, as a form with `enctype="multipart/form-data"` sends it. */
export async function postMultipart(
  server: FastifyInstance,
  path: string,
  fields: Record<string, string>,
  files: Record<string, { name: string; content: string }> = {},
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const [name, file] of Object.entries(files)) data.append(name, new Blob([file.content]), file.name);
  // The platform's own encoder makes the body and its boundary, as a browser does.
  const request = new Request('http://localhost/', { method: 'POST', body: data });
  return server.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': request.headers.get('content-type') as string,
      accept: 'text/html',
      ...headers,
    },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}
