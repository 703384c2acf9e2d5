import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { hmac, hmacMatches } from '../../src/app/integrations/signatures.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, testServer } from '../support/http.js';
import { createHook, deliveriesOf, fixture, leadOf, leadsWithPhone, receipt } from './hooks-helpers.js';

// CallRail post-call webhooks: the `Signature` header is base64 HMAC-SHA1 of the raw body, keyed
// with the account's webhook signing key. The fixture is the example of CallRail's API docs
// ("Security" section) with its key and signature.
const SIGNING_KEY = '072e77e426f92738a72fe23c4d1953b4';
const DOCUMENTED_SIGNATURE = 'UZAHbUdfm3GqL7qzilGozGzWV64=';
const sample = fixture('callrail-post-call.txt');
// Shortly after the sample call (2018-02-19T13:41:00-05:00): its interest has not decayed yet.
const NOW = '2018-02-19T18:45:00.000Z';

describe("CallRail's documented signing example", () => {
  it('verifies with the signature CallRail publishes', () => {
    expect(hmacMatches('sha1', SIGNING_KEY, sample, DOCUMENTED_SIGNATURE, 'base64')).toBe(true);
    expect(hmacMatches('sha1', SIGNING_KEY, `${sample} `, DOCUMENTED_SIGNATURE, 'base64')).toBe(false);
  });
});

describeEachDatabase('inbound hooks: CallRail post-call webhooks', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const newHook = async () =>
    (await createHook(server, admin, { provider: 'callrail', name: 'CallRail', secret: SIGNING_KEY })).hook;
  const post = (path: string, body: string, signature: string) =>
    server.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json', signature },
      payload: body,
    });

  it('stores the documented sample once: a voicemail from a new caller, with its tracking source and recording', async () => {
    env.clock.set(NOW);
    const hook = await newHook();
    const first = await post(hook.path, sample, DOCUMENTED_SIGNATURE);
    expect(first.statusCode, first.body).toBe(200);
    const stored = receipt(first);
    expect(stored).toMatchObject({ outcome: 'mapped', leadCreated: true });
    const again = await post(hook.path, sample, DOCUMENTED_SIGNATURE);
    expect(receipt(again)).toMatchObject({ outcome: 'duplicate', leadId: stored.leadId });

    const { lead, events, explanation } = await leadOf(server, admin, stored.leadId as string);
    expect(lead).toMatchObject({ phone: '+12148654559', name: 'Kaylah Mills', source: 'phone' });
    expect(lead.attributes).toMatchObject({ campaign: 'Google AdWords', trackingNumber: '+14045558514' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'call',
      occurredAt: '2018-02-19T18:41:00.236Z',
      properties: {
        direction: 'inbound',
        durationSeconds: 13,
        answered: false,
        outcome: 'voicemail',
        provider: 'callrail',
        trackingNumber: '+14045558514',
        campaign: 'Google AdWords',
        trackingSource: 'Google AdWords',
        recordingUrl: 'https://app.callrail.com/calls/766970532/recording?access_key=aaaabbbbccccdddd',
      },
    });
    // The b2b preset: an inbound call is intent +10, whether or not it was answered.
    expect(explanation.interest.contributions.map((c) => [c.ruleId, c.points])).toEqual([
      ['inbound_call', 10],
    ]);
    expect(lead.interest).toBeGreaterThan(0);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    env.clock.set(NOW);
    const hook = await newHook();
    const body = sample
      .replaceAll('+12148654559', '+12148650000')
      .replace('"id":766970532', '"id":766970533');
    for (const signature of [DOCUMENTED_SIGNATURE, hmac('sha1', 'wrong-key', body, 'base64'), 'x']) {
      const response = await post(hook.path, body, signature);
      expect(response.statusCode, response.body).toBe(401);
    }
    const unsigned = await server.inject({
      method: 'POST',
      url: hook.path,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await leadsWithPhone(env.app.ctx.store, '+12148650000')).toBe(0);
    const log = await deliveriesOf(server, admin, hook.id);
    expect(log.map((d) => d.outcome)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  });

  it('answers 400 for a signed body that is not a call, and logs why', async () => {
    const hook = await newHook();
    const body = '{"hello":"world"}';
    const response = await post(hook.path, body, hmac('sha1', SIGNING_KEY, body, 'base64'));
    expect(response.statusCode, response.body).toBe(400);
    const [entry] = await deliveriesOf(server, admin, hook.id);
    expect(entry?.reason).toMatch(/id: is missing/);
  });
});
