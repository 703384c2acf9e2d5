import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { hmac } from '../../src/app/integrations/signatures.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { createHook, deliveriesOf, fixture, leadOf, receipt } from './hooks-helpers.js';

// The generic adapter: Hearth-Signature `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
// as Hearth signs its own webhooks; a mapping of field paths says what the body means.
const sample = fixture('generic-call.txt');
const NOW = '2026-03-02T09:00:00.000Z';
const MAPPING = {
  eventType: { value: 'call' },
  eventId: { path: 'id' },
  occurredAt: { path: 'occurred_at' },
  lead: {
    email: { path: 'caller.email' },
    phone: { path: 'caller.phone' },
    name: { path: 'caller.name' },
    company: { path: 'caller.company' },
    source: { value: 'phone' },
    attributes: { campaign: { path: 'utm.campaign' } },
  },
  properties: {
    direction: { path: 'call.direction' },
    durationSeconds: { path: 'call.seconds' },
    outcome: { path: 'call.result' },
  },
};

describeEachDatabase('inbound hooks: the generic JSON mapping', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const signature = (secret: string, body: string, at = Math.floor(env.clock().getTime() / 1000)) =>
    `t=${at},v1=${hmac('sha256', secret, `${at}.${body}`, 'hex')}`;
  const post = (path: string, body: string, header: string) =>
    server.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json', 'hearth-signature': header },
      payload: body,
    });

  it('stores a mapped delivery once, creating the lead, and the model scores the call', async () => {
    env.clock.set(NOW);
    const { hook, secret } = await createHook(server, admin, {
      provider: 'generic',
      name: 'Phone app',
      config: MAPPING,
    });
    expect(secret).toMatch(/^hksec_/);
    const first = await post(hook.path, sample, signature(secret as string, sample));
    expect(first.statusCode, first.body).toBe(200);
    const stored = receipt(first);
    expect(stored).toMatchObject({ outcome: 'mapped', leadCreated: true });
    // A retry signs again with a new time: still the same event.
    env.clock.advance(60_000);
    const again = await post(hook.path, sample, signature(secret as string, sample));
    expect(receipt(again)).toMatchObject({ outcome: 'duplicate', leadId: stored.leadId });

    const { lead, events, explanation } = await leadOf(server, admin, stored.leadId as string);
    expect(lead).toMatchObject({ phone: '+442079460958', name: 'Dana Lee', source: 'phone' });
    expect(lead.attributes).toMatchObject({ campaign: 'Spring radio' });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'call',
        occurredAt: '2026-03-02T08:55:00.000Z',
        properties: { direction: 'inbound', durationSeconds: 312, outcome: 'interested' },
      }),
    ]);
    expect(explanation.interest.contributions.map((c) => c.ruleId).sort()).toEqual([
      'call_interested',
      'inbound_call',
    ]);
  });

  it('refuses a bad signature or an old timestamp with 401 and stores nothing', async () => {
    env.clock.set(NOW);
    const { hook, secret } = await createHook(server, admin, {
      provider: 'generic',
      name: 'Replays',
      config: MAPPING,
    });
    const body = sample
      .replace('evt_1001', 'evt_2002')
      .replace('Dana.Lee@Example.com', 'replayed@example.com');
    const now = Math.floor(env.clock().getTime() / 1000);
    for (const header of [
      signature('whsec_not-the-secret', body),
      signature(secret as string, body, now - 301),
      signature(secret as string, `${body} `),
      't=1,v1=00',
      'nonsense',
    ]) {
      const response = await post(hook.path, body, header);
      expect(response.statusCode, response.body).toBe(401);
    }
    const search = await server.inject({ method: 'GET', url: '/api/v1/leads?q=replayed', headers: admin });
    expect(json<{ data: unknown[] }>(search).data).toEqual([]);
    const log = await deliveriesOf(server, admin, hook.id);
    expect(log.map((d) => d.outcome)).toEqual(Array(5).fill('rejected'));
    expect(log[3]?.reason).toMatch(/old/);
  });

  it('validates the mapping with a problem per path', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/integrations/hooks',
      headers: admin,
      payload: {
        provider: 'generic',
        name: 'Broken',
        config: {
          eventType: { path: 'a..b' },
          lead: { name: { path: 'x' }, favourite: { value: 1 } },
          properties: { score: { path: 'p', value: 1 } },
          defaultCountry: 'Narnia',
        },
      },
    });
    expect(response.statusCode, response.body).toBe(400);
    const paths = json<{ error: { details: { problems: { path: string }[] } } }>(
      response,
    ).error.details.problems.map((p) => p.path);
    expect(paths.sort()).toEqual(
      [
        'body.config.eventType.path',
        'body.config.eventId',
        'body.config.properties.score',
        'body.config.defaultCountry',
        'body.config.lead.favourite',
        'body.config.lead',
      ].sort(),
    );
  });

  it('answers 400 and stores nothing when a signed body lacks what the mapping requires', async () => {
    env.clock.set(NOW);
    const { hook, secret } = await createHook(server, admin, {
      provider: 'generic',
      name: 'Partial',
      config: MAPPING,
    });
    const body = JSON.stringify({ id: 'evt_3003', caller: { name: 'No contact' } });
    const response = await post(hook.path, body, signature(secret as string, body));
    expect(response.statusCode, response.body).toBe(400);
    expect(json<{ error: { message: string } }>(response).error.message).toMatch(/lead/);
    const [entry] = await deliveriesOf(server, admin, hook.id);
    expect(entry).toMatchObject({ outcome: 'rejected', leadId: null });
  });
});
