import { generateKeyPairSync, sign } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ecdsaVerifies, hmac } from '../../src/app/integrations/signatures.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, testServer, uniqueEmail } from '../support/http.js';
import { createHook, deliveriesOf, fixture, leadOf, makeLead, receipt } from './hooks-helpers.js';

// SendGrid: the two-event sample, key, timestamp and signature of SendGrid's own Node library
// (sendgrid/sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js, "multi event").
// Mailgun and Postmark: the samples of their webhook documentation (test/fixtures/hooks/README.md).
const SENDGRID_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skFqOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JScE7Fc9CJD2afQ9Ok3Q==';
const SENDGRID_SIGNATURE =
  'MEYCIQC/I4o6vCgqRYrTljjoVWB/GRWNtxeePlLMHr3x9ETeRQIhAIpV+03nREPTTHWSW0wIOA0EoMPdcNgXa70yCaqDJlu5';
const SENDGRID_TIMESTAMP = '1619651159';
const sendgridSample = fixture('sendgrid-events.txt');
const MAILGUN_KEY = 'key-7e55d003b2a7f1d2eaf7a3b2c1e9f4d1';
const mailgunSample = fixture('mailgun-failed-permanent.txt');
const POSTMARK_PASSWORD = 'postmark-hook-password-0123';

/** A key pair of our own, to sign SendGrid batches the sample does not cover. */
const ownKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ownPublicKey = ownKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const signSendGrid = (timestamp: string, body: string) =>
  sign('sha256', Buffer.from(timestamp + body), ownKey.privateKey).toString('base64');

describe("SendGrid's documented signing example", () => {
  it('verifies with the signature SendGrid publishes, and not once a byte changes', () => {
    const message = (body: string) => Buffer.from(SENDGRID_TIMESTAMP + body);
    expect(ecdsaVerifies(SENDGRID_KEY, message(sendgridSample), SENDGRID_SIGNATURE)).toBe(true);
    expect(ecdsaVerifies(SENDGRID_KEY, message(sendgridSample.trimEnd()), SENDGRID_SIGNATURE)).toBe(false);
  });
});

describeEachDatabase('inbound hooks: email tools (SendGrid, Mailgun, Postmark)', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const leadByEmail = (email: string) => env.app.ctx.store.leads.byEmail(email);
  const eventsOf = async (leadId: string) => (await leadOf(server, admin, leadId)).events;

  describe('SendGrid', () => {
    const post = (path: string, body: string, timestamp: string, signature: string) =>
      server.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/json',
          'x-twilio-email-event-webhook-signature': signature,
          'x-twilio-email-event-webhook-timestamp': timestamp,
        },
        payload: body,
      });

    it('stores the documented batch once: the block is a soft bounce, processed is not recorded', async () => {
      env.clock.set('2021-04-28T23:06:30.000Z');
      const leadId = await makeLead(server, admin, 'invalid@gmail.com');
      const { hook } = await createHook(server, admin, {
        provider: 'sendgrid',
        name: 'SG',
        secret: SENDGRID_KEY,
      });
      const first = await post(hook.path, sendgridSample, SENDGRID_TIMESTAMP, SENDGRID_SIGNATURE);
      expect(first.statusCode, first.body).toBe(200);
      expect(receipt(first)).toMatchObject({ outcome: 'mapped', leadId, leadCreated: false });
      expect(receipt(first).reason).toMatch(/not recorded: processed ×1/);
      const again = await post(hook.path, sendgridSample, SENDGRID_TIMESTAMP, SENDGRID_SIGNATURE);
      expect(receipt(again)).toMatchObject({ outcome: 'duplicate', eventIds: [] });
      const events = await eventsOf(leadId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'email_bounce',
        occurredAt: '2021-04-28T23:05:47.000Z',
        properties: {
          provider: 'sendgrid',
          bounce_type: 'soft',
          messageId: expect.stringMatching(/^qNwBLg/),
        },
      });
      expect((await leadOf(server, admin, leadId)).lead.optedOut).toBe(false);
    });

    it('refuses a bad signature or an old timestamp with 401 and stores nothing', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const { hook } = await createHook(server, admin, {
        provider: 'sendgrid',
        name: 'SG',
        secret: ownPublicKey,
      });
      const email = uniqueEmail('sg-refused');
      const leadId = await makeLead(server, admin, email);
      const body = JSON.stringify([
        { email, event: 'open', sg_event_id: 'refused-1', timestamp: 1772441900 },
      ]);
      const now = String(Math.floor(env.clock().getTime() / 1000));
      const old = String(Number(now) - 600);
      const cases: [string, string][] = [
        [now, signSendGrid(now, `${body} `)],
        [now, SENDGRID_SIGNATURE],
        [old, signSendGrid(old, body)],
        [now, 'not base64 DER'],
      ];
      for (const [timestamp, signature] of cases) {
        const response = await post(hook.path, body, timestamp, signature);
        expect(response.statusCode, response.body).toBe(401);
      }
      expect(await eventsOf(leadId)).toHaveLength(0);
      const log = await deliveriesOf(server, admin, hook.id);
      expect(log.map((d) => d.outcome)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      expect(log[1]?.reason).toMatch(/s old/);
    });

    it('refuses a correctly signed timestamp from the future with 401', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const { hook } = await createHook(server, admin, {
        provider: 'sendgrid',
        name: 'SG',
        secret: ownPublicKey,
      });
      const email = uniqueEmail('sg-future');
      const leadId = await makeLead(server, admin, email);
      const body = JSON.stringify([{ email, event: 'open', sg_event_id: 'future-1', timestamp: 1772441900 }]);
      const ahead = String(Math.floor(env.clock().getTime() / 1000) + 3600);
      const response = await post(hook.path, body, ahead, signSendGrid(ahead, body));
      expect(response.statusCode, response.body).toBe(401);
      expect(response.json().error.message).toMatch(/in the future/);
      expect(await eventsOf(leadId)).toHaveLength(0);
    });

    it('maps a batch about several people: an unsubscribe opts out, unknown addresses make no lead', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const { hook } = await createHook(server, admin, {
        provider: 'sendgrid',
        name: 'SG',
        secret: ownPublicKey,
      });
      const [leaving, reading, stranger] = [
        uniqueEmail('sg-unsub'),
        uniqueEmail('sg-open'),
        uniqueEmail('sg-who'),
      ];
      const leavingId = await makeLead(server, admin, leaving);
      const readingId = await makeLead(server, admin, reading);
      const at = 1772441940;
      const body = JSON.stringify([
        { email: leaving, event: 'delivered', sg_event_id: 'b-1', sg_message_id: 'm1', timestamp: at },
        { email: leaving.toUpperCase(), event: 'unsubscribe', sg_event_id: 'b-2', timestamp: at + 1 },
        {
          email: reading,
          event: 'click',
          url: 'https://example.com/pricing',
          sg_event_id: 'b-3',
          timestamp: at,
        },
        { email: stranger, event: 'open', sg_event_id: 'b-4', timestamp: at },
        {
          email: reading,
          event: 'bounce',
          type: 'bounce',
          reason: '550 no such user',
          sg_event_id: 'b-5',
          timestamp: at,
        },
      ]);
      const now = String(at + 30);
      const response = await post(hook.path, body, now, signSendGrid(now, body));
      expect(response.statusCode, response.body).toBe(200);
      expect(receipt(response)).toMatchObject({ outcome: 'mapped', leadId: null, leadCreated: false });
      expect(receipt(response).eventIds).toHaveLength(4);
      expect(receipt(response).reason).toMatch(/1 event\(s\) about an address that is no lead's/);
      const left = await leadOf(server, admin, leavingId);
      expect(left.lead.optedOut).toBe(true);
      expect(left.events.map((e) => e.type).sort()).toEqual(['email_delivered', 'email_unsubscribe']);
      // The b2b preset: unsubscribing is −25 (negative group).
      expect(left.explanation.interest.contributions.map((c) => c.ruleId)).toContain('email_unsubscribe');
      const read = await leadOf(server, admin, readingId);
      expect(read.lead.optedOut).toBe(false);
      expect(read.events.map((e) => [e.type, e.properties.url ?? e.properties.bounce_type]).sort()).toEqual([
        ['email_bounce', 'hard'],
        ['email_click', 'https://example.com/pricing'],
      ]);
      expect(await leadByEmail(stranger)).toBeUndefined();
    });

    it('answers 200 ignored for a batch about nobody Hearth knows, and creates no lead', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const { hook } = await createHook(server, admin, {
        provider: 'sendgrid',
        name: 'SG',
        secret: ownPublicKey,
      });
      const stranger = uniqueEmail('sg-nobody');
      const body = JSON.stringify([
        { email: stranger, event: 'open', sg_event_id: 'n-1', timestamp: 1772441900 },
      ]);
      const now = '1772441990';
      const response = await post(hook.path, body, now, signSendGrid(now, body));
      expect(receipt(response)).toMatchObject({ outcome: 'ignored', leadId: null, eventIds: [] });
      expect(await leadByEmail(stranger)).toBeUndefined();
    });

    it("refuses a secret that is not SendGrid's verification key", async () => {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/integrations/hooks',
        headers: admin,
        payload: { provider: 'sendgrid', name: 'SG', secret: 'not-a-public-key' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toMatch(/verification key/);
    });
  });

  describe('Mailgun', () => {
    // The documented sample's signature object, signed with our key (Mailgun signs timestamp + token).
    const signed = (body: string, timestamp: string, token: string, key = MAILGUN_KEY) =>
      body
        .replace('"1529006854"', `"${timestamp}"`)
        .replace('a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0', token)
        .replace(
          'd2271d12299f6592d9d44cd9d250f0704e4674c30d79d07c47a66f95ce71cf55',
          hmac('sha256', key, timestamp + token, 'hex'),
        );
    const post = (path: string, body: string) =>
      server.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json' },
        payload: body,
      });

    it('stores the documented permanent failure once as a hard bounce; a reused token is refused', async () => {
      env.clock.set('2018-06-14T20:08:00.000Z');
      const leadId = await makeLead(server, admin, 'alice@example.com');
      const { hook } = await createHook(server, admin, {
        provider: 'mailgun',
        name: 'MG',
        secret: MAILGUN_KEY,
      });
      const body = signed(mailgunSample, '1529006854', 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0');
      const first = await post(hook.path, body);
      expect(first.statusCode, first.body).toBe(200);
      expect(receipt(first)).toMatchObject({ outcome: 'mapped', leadId });
      const replayed = await post(hook.path, body);
      expect(replayed.statusCode, replayed.body).toBe(401);
      const redelivered = await post(hook.path, signed(mailgunSample, '1529006870', 'b'.repeat(50)));
      expect(receipt(redelivered)).toMatchObject({ outcome: 'duplicate', leadId });
      const events = await eventsOf(leadId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'email_bounce',
        occurredAt: '2018-06-14T20:07:34.329Z',
        properties: {
          provider: 'mailgun',
          bounce_type: 'hard',
          reason: 'Not delivering to previously bounced address',
          messageId: '20130503182626.18666.16540@sandbox.mailgun.org',
          tags: ['my_tag_1', 'my_tag_2'],
        },
      });
      // The b2b preset: a hard bounce is −10, once.
      const { explanation } = await leadOf(server, admin, leadId);
      expect(explanation.interest.contributions.map((c) => [c.ruleId, c.points])).toEqual([
        ['hard_bounce', -10],
      ]);
    });

    it('refuses a bad signature or an old timestamp with 401 and stores nothing', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const email = uniqueEmail('mg-refused');
      const leadId = await makeLead(server, admin, email);
      const { hook } = await createHook(server, admin, {
        provider: 'mailgun',
        name: 'MG',
        secret: MAILGUN_KEY,
      });
      const sample = mailgunSample.replace('"recipient": "alice@example.com"', `"recipient": "${email}"`);
      const now = String(Math.floor(env.clock().getTime() / 1000));
      for (const body of [
        signed(sample, now, 'c'.repeat(50), 'wrong-key'),
        signed(sample, String(Number(now) - 3600), 'd'.repeat(50)),
        sample,
        '{"event-data":{"event":"failed"}}',
      ]) {
        const response = await post(hook.path, body);
        expect(response.statusCode, response.body).toBe(401);
      }
      expect(await eventsOf(leadId)).toHaveLength(0);
    });

    it('refuses a correctly signed timestamp from the future with 401', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const email = uniqueEmail('mg-future');
      const leadId = await makeLead(server, admin, email);
      const { hook } = await createHook(server, admin, {
        provider: 'mailgun',
        name: 'MG',
        secret: MAILGUN_KEY,
      });
      const sample = mailgunSample.replace('"recipient": "alice@example.com"', `"recipient": "${email}"`);
      const ahead = String(Math.floor(env.clock().getTime() / 1000) + 3600);
      const response = await post(hook.path, signed(sample, ahead, 'f'.repeat(50)));
      expect(response.statusCode, response.body).toBe(401);
      expect(response.json().error.message).toMatch(/in the future/);
      expect(await eventsOf(leadId)).toHaveLength(0);
    });

    it('a signed body that does not map leaves its token unused: a retry gets the same 400', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const { hook } = await createHook(server, admin, {
        provider: 'mailgun',
        name: 'MG',
        secret: MAILGUN_KEY,
      });
      const now = String(Math.floor(env.clock().getTime() / 1000));
      const token = 'g'.repeat(50);
      const body = JSON.stringify({
        signature: { timestamp: now, token, signature: hmac('sha256', MAILGUN_KEY, now + token, 'hex') },
        'event-data': { id: 'no-event-1', recipient: uniqueEmail('mg-nomap') },
      });
      const first = await post(hook.path, body);
      const retry = await post(hook.path, body);
      expect([first.statusCode, retry.statusCode], retry.body).toEqual([400, 400]);
      expect(retry.json().error.message).toBe(first.json().error.message);
      expect(retry.json().error.message).toContain('event-data.event');
    });

    it('records an unsubscribe and opts the lead out', async () => {
      env.clock.set('2026-03-02T09:00:00.000Z');
      const email = uniqueEmail('mg-unsub');
      const leadId = await makeLead(server, admin, email);
      const { hook } = await createHook(server, admin, {
        provider: 'mailgun',
        name: 'MG',
        secret: MAILGUN_KEY,
      });
      const now = String(Math.floor(env.clock().getTime() / 1000));
      const token = 'e'.repeat(50);
      const body = JSON.stringify({
        signature: { timestamp: now, token, signature: hmac('sha256', MAILGUN_KEY, now + token, 'hex') },
        'event-data': { event: 'unsubscribed', id: 'unsub-1', timestamp: Number(now) - 5, recipient: email },
      });
      const delivered = receipt(await post(hook.path, body));
      expect(delivered).toMatchObject({ outcome: 'mapped', leadId, reason: '1 lead(s) opted out' });
      const { lead, events } = await leadOf(server, admin, leadId);
      expect(lead.optedOut).toBe(true);
      expect(events.map((e) => e.type)).toEqual(['email_unsubscribe']);
      // The opt-out leaves a trace in the audit log, by the hook that reported it.
      const audit = await env.app.ctx.store.audit.forEntity('lead', leadId);
      expect(audit.filter((a) => a.action === 'lead.update').map((a) => a.details)).toEqual([
        { fields: ['optedOut'], by: `hook:${hook.id}`, provider: 'mailgun' },
      ]);
    });
  });

  describe('Postmark', () => {
    const basic = (password: string) => `Basic ${Buffer.from(`postmark:${password}`).toString('base64')}`;
    const post = (path: string, body: string, authorization?: string) =>
      server.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        payload: body,
      });
    const newHook = async () =>
      (await createHook(server, admin, { provider: 'postmark', name: 'PM', secret: POSTMARK_PASSWORD })).hook;

    it('stores the documented hard bounce once, with the Basic auth password from the webhook URL', async () => {
      env.clock.set('2019-11-05T16:40:00.000Z');
      const leadId = await makeLead(server, admin, 'john@example.com');
      const hook = await newHook();
      const sample = fixture('postmark-bounce.txt');
      const first = await post(hook.path, sample, basic(POSTMARK_PASSWORD));
      expect(first.statusCode, first.body).toBe(200);
      expect(receipt(first)).toMatchObject({ outcome: 'mapped', leadId });
      expect(receipt(await post(hook.path, sample, basic(POSTMARK_PASSWORD)))).toMatchObject({
        outcome: 'duplicate',
      });
      const events = await eventsOf(leadId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'email_bounce',
        properties: { provider: 'postmark', bounce_type: 'hard', tags: ['Test'] },
      });
    });

    it('refuses a wrong or missing password with 401 and stores nothing', async () => {
      env.clock.set('2019-11-05T16:40:00.000Z');
      const email = uniqueEmail('pm-refused');
      const leadId = await makeLead(server, admin, email);
      const hook = await newHook();
      const body = fixture('postmark-bounce.txt').replace('john@example.com', email);
      for (const authorization of [basic('wrong-password'), undefined, 'Bearer x', 'Basic !!!']) {
        const response = await post(hook.path, body, authorization);
        expect(response.statusCode, response.body).toBe(401);
      }
      expect(await eventsOf(leadId)).toHaveLength(0);
    });

    it("records the documented unsubscribe (the recipient's own suppression) and opts the lead out", async () => {
      env.clock.set('2020-02-01T11:00:00.000Z');
      const leadId = await makeLead(server, admin, 'bounced-address@wildbit.com');
      const hook = await newHook();
      const response = await post(
        hook.path,
        fixture('postmark-subscription-change.txt'),
        basic(POSTMARK_PASSWORD),
      );
      expect(receipt(response)).toMatchObject({ outcome: 'mapped', leadId });
      const { lead, events } = await leadOf(server, admin, leadId);
      expect(lead.optedOut).toBe(true);
      expect(events.map((e) => e.type)).toEqual(['email_unsubscribe']);
    });

    it('makes a secret when none is given, shown once', async () => {
      const { hook, secret } = await createHook(server, admin, { provider: 'postmark', name: 'PM' });
      expect(secret).toMatch(/^hksec_/);
      const body = fixture('postmark-subscription-change.txt').replace(
        '"SuppressSending": true',
        '"SuppressSending": false',
      );
      expect(receipt(await post(hook.path, body, basic(secret as string)))).toMatchObject({
        outcome: 'ignored',
      });
    });
  });
});
