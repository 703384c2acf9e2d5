import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { hmac } from '../../src/app/integrations/signatures.js';
import { twilioSignedText } from '../../src/domain/integrations/twilio.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { createHook, deliveriesOf, fixture, leadOf, leadsWithPhone, receipt } from './hooks-helpers.js';

// Twilio Voice status callbacks: X-Twilio-Signature is base64 HMAC-SHA1, keyed with the Auth
// Token, of the URL Twilio called followed by the POST parameters sorted by name.
const AUTH_TOKEN = '12345-twilio-auth-token';
const HOST = 'hearth.example.com';
const sample = fixture('twilio-status-callback.txt');
// The fixture's Timestamp is 08:59:30 on the test clock's day; the call ends 30 s before "now".
const NOW = '2026-03-02T09:00:00.000Z';

function sign(url: string, body: string, token = AUTH_TOKEN): string {
  return hmac('sha1', token, twilioSignedText(url, [...new URLSearchParams(body)]), 'base64');
}

describe("Twilio's documented signing example", () => {
  it('gives the signature Twilio publishes for it', () => {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security (auth token 12345).
    const text = twilioSignedText('https://mycompany.com/myapp.php?foo=1&bar=2', [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ]);
    expect(hmac('sha1', '12345', text, 'base64')).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });
});

describeEachDatabase('inbound hooks: Twilio Voice status callbacks', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  const newHook = async (config: Record<string, unknown> = {}) =>
    (
      await createHook(server, admin, {
        provider: 'twilio',
        name: 'Main line',
        secret: AUTH_TOKEN,
        config: { defaultCountry: 'US', ...config },
      })
    ).hook;
  const post = (path: string, body: string, signature: string) =>
    server.inject({
      method: 'POST',
      url: path,
      headers: {
        host: HOST,
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      },
      payload: body,
    });
  const withCaller = (body: string, caller: string, sid: string) =>
    body
      .replaceAll('%2B12349013030', encodeURIComponent(caller))
      .replace('CallSid=CA1234567890ABCDE', `CallSid=${sid}`);

  it('stores the sample callback once as an inbound call of a new lead, attributed to its tracking number', async () => {
    env.clock.set(NOW);
    const hook = await newHook({
      trackingNumbers: { '(800) 555-1212': { source: 'ads', campaign: 'Spring radio' } },
    });
    expect(hook.path).toBe(`/hooks/twilio/${hook.id}`);
    expect(hook.config.trackingNumbers).toEqual({
      '+18005551212': { source: 'ads', campaign: 'Spring radio' },
    });
    const url = `http://${HOST}${hook.path}`;
    const first = await post(hook.path, sample, sign(url, sample));
    expect(first.statusCode, first.body).toBe(200);
    const stored = receipt(first);
    expect(stored).toMatchObject({ outcome: 'mapped', leadCreated: true });
    expect(stored.eventIds).toHaveLength(1);

    const again = await post(hook.path, sample, sign(url, sample));
    expect(again.statusCode, again.body).toBe(200);
    expect(receipt(again)).toMatchObject({ outcome: 'duplicate', leadId: stored.leadId, eventIds: [] });

    const { lead, events, explanation } = await leadOf(server, admin, stored.leadId as string);
    expect(lead).toMatchObject({ phone: '+12349013030', source: 'ads' });
    expect(lead.attributes).toMatchObject({ campaign: 'Spring radio', trackingNumber: '+18005551212' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'call',
      occurredAt: '2026-03-02T08:58:16.000Z',
      properties: {
        direction: 'inbound',
        durationSeconds: 74,
        answered: true,
        provider: 'twilio',
        trackingNumber: '+18005551212',
        campaign: 'Spring radio',
        source: 'ads',
        recordingUrl:
          'https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Recordings/RE1234567890ABCDE',
      },
    });
    // The b2b preset: an inbound call is intent, +10 (rule inbound_call).
    expect(explanation.interest.contributions.map((c) => [c.ruleId, c.points])).toEqual([
      ['inbound_call', 10],
    ]);
    expect(lead.interest).toBeGreaterThan(0);

    const log = await deliveriesOf(server, admin, hook.id);
    expect(log.map((d) => [d.outcome, d.externalId])).toEqual([
      ['duplicate', 'twilio:call:CA1234567890ABCDE'],
      ['mapped', 'twilio:call:CA1234567890ABCDE'],
    ]);
  });

  it('refuses a bad signature with 401 and stores nothing but the log line', async () => {
    env.clock.set(NOW);
    const hook = await newHook();
    const body = withCaller(sample, '+12345550101', 'CAbadsignature');
    const url = `http://${HOST}${hook.path}`;
    for (const signature of [sign(url, body, 'another-token'), sign(`${url}?x=1`, body), 'garbage', '']) {
      const response = await post(hook.path, body, signature);
      expect(response.statusCode, response.body).toBe(401);
      expect(response.body).not.toMatch(/at .+:\d+:\d+/);
    }
    // A body changed after signing.
    const tampered = await post(
      hook.path,
      body.replace('CallDuration=74', 'CallDuration=740'),
      sign(url, body),
    );
    expect(tampered.statusCode).toBe(401);
    expect(await leadsWithPhone(env.app.ctx.store, '+12345550101')).toBe(0);
    const log = await deliveriesOf(server, admin, hook.id);
    expect(log).toHaveLength(5);
    expect(log.every((d) => d.outcome === 'rejected' && d.leadId === null && d.reason)).toBe(true);
  });

  it('refuses a callback whose signed Timestamp is older than 15 minutes', async () => {
    const hook = await newHook();
    const body = withCaller(sample, '+12345550102', 'CAreplayed');
    env.clock.set('2026-03-02T09:14:00.000Z');
    const url = `http://${HOST}${hook.path}`;
    const fresh = await post(hook.path, body, sign(url, body));
    expect(fresh.statusCode, fresh.body).toBe(200);
    // The same capture, replayed later with the other caller: refused, nothing stored.
    env.clock.set('2026-03-02T09:30:00.000Z');
    const replay = withCaller(sample, '+12345550103', 'CAreplayed2');
    const old = await post(hook.path, replay, sign(url, replay));
    expect(old.statusCode, old.body).toBe(401);
    expect(json<{ error: { message: string } }>(old).error.message).toMatch(/old/);
    expect(await leadsWithPhone(env.app.ctx.store, '+12345550103')).toBe(0);
  });

  it('matches a known lead by phone however it was written, and checks the URL configured in Twilio', async () => {
    env.clock.set(NOW);
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email: 'known-caller@example.com', phone: '(234) 555-0199', source: 'website' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const leadId = json<{ id: string }>(created).id;
    const hook = await newHook();
    const publicUrl = `https://calls.example.org/hearth${hook.path}?site=main`;
    const patched = await server.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/hooks/${hook.id}`,
      headers: admin,
      payload: { config: { defaultCountry: 'US', publicUrl } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const body = withCaller(sample, '+12345550199', 'CAknowncaller');
    const response = await post(hook.path, body, sign(publicUrl, body));
    expect(response.statusCode, response.body).toBe(200);
    expect(receipt(response)).toMatchObject({ outcome: 'mapped', leadId, leadCreated: false });
    const { lead } = await leadOf(server, admin, leadId);
    expect(lead.source).toBe('website');
  });

  it('acknowledges a call still ringing and a <Dial> leg without recording them', async () => {
    env.clock.set(NOW);
    const hook = await newHook();
    const url = `http://${HOST}${hook.path}`;
    const ringing = withCaller(sample, '+12345550104', 'CAringing').replace(
      'CallStatus=completed',
      'CallStatus=ringing',
    );
    const leg = `${withCaller(sample, '+12345550105', 'CAleg')}&ParentCallSid=CAparent`;
    for (const body of [ringing, leg]) {
      const response = await post(hook.path, body, sign(url, body));
      expect(response.statusCode, response.body).toBe(200);
      expect(receipt(response).outcome).toBe('ignored');
    }
    expect(await leadsWithPhone(env.app.ctx.store, '+12345550104')).toBe(0);
  });

  it('records a missed call as no_answer, which the model does not score as interested', async () => {
    env.clock.set(NOW);
    const hook = await newHook();
    const body = withCaller(sample, '+12345550106', 'CAmissed')
      .replace('CallStatus=completed', 'CallStatus=no-answer')
      .replace('CallDuration=74', 'CallDuration=0');
    const response = await post(hook.path, body, sign(`http://${HOST}${hook.path}`, body));
    expect(response.statusCode, response.body).toBe(200);
    const { events } = await leadOf(server, admin, receipt(response).leadId as string);
    expect(events[0]?.properties).toMatchObject({
      direction: 'inbound',
      answered: false,
      outcome: 'no_answer',
    });
  });

  it('answers 404 for an unknown, paused or differently-typed hook', async () => {
    const hook = await newHook();
    const signature = sign(`http://${HOST}${hook.path}`, sample);
    expect((await post(`/hooks/callrail/${hook.id}`, sample, signature)).statusCode).toBe(404);
    expect(
      (await post('/hooks/twilio/00000000-0000-4000-8000-000000000000', sample, signature)).statusCode,
    ).toBe(404);
    expect((await post('/hooks/nope/x', sample, signature)).statusCode).toBe(404);
    await server.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/hooks/${hook.id}`,
      headers: admin,
      payload: { active: false },
    });
    expect((await post(hook.path, sample, signature)).statusCode).toBe(404);
  });
});
