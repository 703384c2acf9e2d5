import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, testServer } from '../support/http.js';
import { createHook, deliveriesOf, fixture, leadOf, leadsWithPhone, receipt } from './hooks-helpers.js';

// Aircall signs nothing: the body's `token` is the webhook's token (Aircall's docs), compared in
// constant time. The fixture is Aircall's documented call event envelope with a call that ended.
const TOKEN = 'cebcaac65XXXXXXXXXx';
const sample = fixture('aircall-call-ended.txt');
const NOW = '2024-11-26T12:10:00.000Z';

describeEachDatabase('inbound hooks: Aircall call.ended', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const newHook = async (config: Record<string, unknown> = {}) =>
    (await createHook(server, admin, { provider: 'aircall', name: 'Aircall', secret: TOKEN, config })).hook;
  const post = (path: string, body: string) =>
    server.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });

  it('stores the sample once as an answered inbound call of a new lead, attributed by its number', async () => {
    env.clock.set(NOW);
    const hook = await newHook({
      trackingNumbers: { '+33 1 76 36 06 95': { source: 'event', campaign: 'Paris fair' } },
    });
    const first = await post(hook.path, sample);
    expect(first.statusCode, first.body).toBe(200);
    const stored = receipt(first);
    expect(stored).toMatchObject({ outcome: 'mapped', leadCreated: true });
    expect(receipt(await post(hook.path, sample))).toMatchObject({
      outcome: 'duplicate',
      leadId: stored.leadId,
    });

    const { lead, events, explanation } = await leadOf(server, admin, stored.leadId as string);
    expect(lead).toMatchObject({ phone: '+18001234567', source: 'event' });
    expect(lead.attributes).toMatchObject({ campaign: 'Paris fair', trackingNumber: '+33176360695' });
    expect(events[0]).toMatchObject({
      type: 'call',
      occurredAt: '2024-11-26T12:08:15.000Z',
      properties: {
        direction: 'inbound',
        durationSeconds: 95,
        answered: true,
        provider: 'aircall',
        trackingNumber: '+33176360695',
        campaign: 'Paris fair',
        recordingUrl: 'https://aircall-recordings.example/calls/123/recording.mp3',
      },
    });
    expect(events[0]?.properties.outcome).toBeUndefined();
    expect(explanation.interest.contributions.map((c) => [c.ruleId, c.points])).toEqual([
      ['inbound_call', 10],
    ]);
  });

  it('refuses a wrong or missing token with 401 and stores nothing', async () => {
    env.clock.set(NOW);
    const hook = await newHook();
    const other = sample.replaceAll('+1 800-123-4567', '+1 800-123-0000').replace('"id": 123,', '"id": 124,');
    for (const body of [
      other.replace(TOKEN, 'cebcaac65XXXXXXXXXy'),
      other.replace(`"token": "${TOKEN}",`, ''),
      'not json',
    ]) {
      const response = await post(hook.path, body);
      expect(response.statusCode, response.body).toBe(401);
    }
    expect(await leadsWithPhone(env.app.ctx.store, '+18001230000')).toBe(0);
    expect((await deliveriesOf(server, admin, hook.id)).map((d) => d.outcome)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
  });

  it('acknowledges other events without recording them', async () => {
    const hook = await newHook();
    const response = await post(hook.path, sample.replace('"call.ended"', '"call.created"'));
    expect(response.statusCode, response.body).toBe(200);
    expect(receipt(response)).toMatchObject({ outcome: 'ignored', leadId: null });
  });
});
