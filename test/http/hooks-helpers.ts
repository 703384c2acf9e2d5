import { readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { phoneKey } from '../../src/domain/duplicates.js';
import type { Store } from '../../src/store/store.js';
import { json } from '../support/http.js';

/** A provider's documented sample, byte for byte (signatures cover the bytes). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/hooks/${name}`, import.meta.url), 'utf8');
}

export interface HookJson {
  id: string;
  provider: string;
  path: string;
  config: Record<string, unknown>;
  active: boolean;
}
export interface ReceiptJson {
  deliveryId: number;
  outcome: 'mapped' | 'duplicate' | 'ignored' | 'rejected';
  reason: string | null;
  leadId: string | null;
  leadCreated: boolean;
  eventIds: number[];
}
export interface DeliveryJson extends ReceiptJson {
  id: number;
  externalId: string | null;
}
export interface LeadJson {
  id: string;
  email: string | null;
  optedOut: boolean;
  phone: string | null;
  name: string | null;
  source: string | null;
  attributes: Record<string, unknown>;
  interest: number;
}
export interface EventJson {
  type: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

/** Creates a hook over the admin API. */
export async function createHook(
  server: FastifyInstance,
  admin: { authorization: string },
  body: Record<string, unknown>,
): Promise<{ hook: HookJson; secret: string | null }> {
  const response = await server.inject({
    method: 'POST',
    url: '/api/v1/integrations/hooks',
    headers: admin,
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return json(response);
}

export async function deliveriesOf(
  server: FastifyInstance,
  admin: { authorization: string },
  hookId: string,
): Promise<DeliveryJson[]> {
  const response = await server.inject({
    method: 'GET',
    url: `/api/v1/integrations/hooks/${hookId}/deliveries`,
    headers: admin,
  });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: DeliveryJson[] }>(response).data;
}

export async function leadOf(server: FastifyInstance, admin: { authorization: string }, id: string) {
  const lead = await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin });
  expect(lead.statusCode, lead.body).toBe(200);
  const events = await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/events`, headers: admin });
  const explanation = await server.inject({
    method: 'GET',
    url: `/api/v1/leads/${id}/explanation`,
    headers: admin,
  });
  return {
    lead: json<LeadJson>(lead),
    events: json<{ data: EventJson[] }>(events).data,
    explanation: json<{ interest: { score: number; contributions: { ruleId: string; points: number }[] } }>(
      explanation,
    ),
  };
}

/** How many leads have this phone (E.164): a refused delivery must create none. */
export async function leadsWithPhone(store: Store, e164: string): Promise<number> {
  const key = phoneKey(e164) as string;
  return (await store.inboundHooks.leadsByPhoneKey(key, 100)).filter((l) => l.phone === e164).length;
}

export function receipt(response: LightMyRequestResponse): ReceiptJson {
  return json<ReceiptJson>(response);
}

/** Creates a lead with this email over the API; its id. */
export async function makeLead(
  server: FastifyInstance,
  admin: { authorization: string },
  email: string,
): Promise<string> {
  const response = await server.inject({
    method: 'POST',
    url: '/api/v1/leads',
    headers: admin,
    payload: { email },
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return json<{ id: string }>(response).id;
}
