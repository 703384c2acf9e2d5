import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { json } from '../support/http.js';

export const SITE = 'https://www.example.com';
/** What Chromium on a desktop says: the tracker's own requests come from real browsers. */
export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export interface SiteKeyJson {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  requireConsent: boolean;
  honourDoNotTrack: boolean;
  captureForms: boolean;
  active: boolean;
  snippet: string;
  revokedAt: string | null;
}

export async function createSiteKey(
  server: FastifyInstance,
  admin: { authorization: string },
  body: Record<string, unknown> = {},
): Promise<SiteKeyJson> {
  const response = await server.inject({
    method: 'POST',
    url: '/api/v1/integrations/sites',
    headers: admin,
    payload: { name: 'Website', allowedOrigins: [SITE], ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<SiteKeyJson>(response);
}

/** A visitor id as the tracker makes one. */
export const newVisitorId = () => randomBytes(16).toString('base64url');
let eventCounter = 0;
export const newEventId = () => `e${++eventCounter}${randomBytes(6).toString('base64url')}`;

export interface TrackerEvent {
  id: string;
  type: string;
  at: number;
  properties?: Record<string, unknown>;
}

export const pageView = (at: Date, url: string, extra: Record<string, unknown> = {}): TrackerEvent => ({
  id: newEventId(),
  type: 'page_view',
  at: at.getTime(),
  properties: { url, title: 'A page', referrer: '', ...extra },
});

/** Posts a body to /t/collect as the tracker's sendBeacon does (text/plain), from `origin`. */
export function collect(
  server: FastifyInstance,
  body: unknown,
  options: { origin?: string | null; headers?: Record<string, string>; contentType?: string } = {},
): Promise<LightMyRequestResponse> {
  const origin = options.origin === undefined ? SITE : options.origin;
  return server.inject({
    method: 'POST',
    url: '/t/collect',
    headers: {
      'content-type': options.contentType ?? 'text/plain;charset=UTF-8',
      'user-agent': BROWSER_UA,
      ...(origin === null ? {} : { origin }),
      ...options.headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A collect body: the key, the visitor, events sent at `sentAt` (the browser's clock). */
export function batch(
  siteKey: string,
  visitorId: string,
  events: TrackerEvent[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const sentAt = Math.max(0, ...events.map((e) => e.at));
  return { v: 1, siteKey, visitorId, sentAt, events, ...extra };
}
