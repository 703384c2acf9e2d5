import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { hmac } from '../../src/app/integrations/signatures.js';
import { twilioSignedText } from '../../src/domain/integrations/twilio.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, testServer } from '../support/http.js';
import { createHook, fixture, type HookJson } from './hooks-helpers.js';

// The hook endpoint under property-based fuzzing, as test/reliability/api-fuzz.test.ts does for the
// API (which never sees /hooks: it is not in the API document). Each case is garbage, a mutated
// sample, or a validly signed body of random content; the answer must be a 2xx or a 4xx with a
// message, never a 5xx, and anything but a mapped delivery must leave leads and events as they were.
const RUNS = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SECRET = 'fuzz-secret-0123456789';
const HOST = 'hearth.example.com';
const LEAKS = [
  /\bat .+:\d+:\d+/,
  /\.(ts|js):\d+/,
  /node_modules/,
  /\b(insert into|violates|syntax error)\b/i,
];

const PROVIDERS = [
  'twilio',
  'callrail',
  'aircall',
  'sendgrid',
  'mailgun',
  'postmark',
  'typeform',
  'calendly',
  'generic',
] as const;
type Provider = (typeof PROVIDERS)[number];
// SendGrid verifies with a public key: the fuzzer signs with the matching private key.
const sendgridKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SENDGRID_PUBLIC = sendgridKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
interface Case {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const samples: Record<Provider, string> = {
  twilio: fixture('twilio-status-callback.txt'),
  callrail: fixture('callrail-post-call.txt'),
  aircall: fixture('aircall-call-ended.txt'),
  sendgrid: fixture('sendgrid-events.txt'),
  mailgun: fixture('mailgun-failed-permanent.txt'),
  postmark: fixture('postmark-bounce.txt'),
  typeform: fixture('typeform-form-response.txt'),
  calendly: fixture('calendly-invitee-created.txt'),
  generic: fixture('generic-call.txt'),
};

/** A sample with a few characters replaced: near misses of every parser. */
const mutated = (sample: string) =>
  fc
    .array(fc.tuple(fc.nat(sample.length - 1), fc.string({ minLength: 0, maxLength: 3 })), { maxLength: 4 })
    .map((edits) => {
      let text = sample;
      for (const [at, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + 1);
      return text;
    });

const content = (sample: string) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    mutated(sample).map((s) => Buffer.from(s)),
  );

/** What a correct signer would send for this body (so the body's content is what gets tested). */
function signed(provider: Provider, path: string, body: Buffer, nowSeconds: number): Record<string, string> {
  switch (provider) {
    case 'twilio': {
      const params = [...new URLSearchParams(body.toString('utf8'))];
      return {
        'x-twilio-signature': hmac(
          'sha1',
          SECRET,
          twilioSignedText(`http://${HOST}${path}`, params),
          'base64',
        ),
      };
    }
    case 'callrail':
      return { signature: hmac('sha1', SECRET, body, 'base64') };
    case 'aircall':
      return {};
    case 'sendgrid':
      return {
        'x-twilio-email-event-webhook-timestamp': String(nowSeconds),
        'x-twilio-email-event-webhook-signature': sign(
          'sha256',
          Buffer.concat([Buffer.from(String(nowSeconds)), body]),
          sendgridKey.privateKey,
        ).toString('base64'),
      };
    case 'mailgun':
      return {};
    case 'postmark':
      return { authorization: `Basic ${Buffer.from(`postmark:${SECRET}`).toString('base64')}` };
    case 'typeform':
      return { 'typeform-signature': `sha256=${hmac('sha256', SECRET, body, 'base64')}` };
    case 'calendly':
    case 'generic':
      return {
        [provider === 'calendly' ? 'calendly-webhook-signature' : 'hearth-signature']:
          `t=${nowSeconds},v1=${hmac('sha256', SECRET, Buffer.concat([Buffer.from(`${nowSeconds}.`), body]), 'hex')}`,
      };
  }
}

/**
 * Mailgun's signature is inside the body: a random event under a valid signature of a fresh token
 * (each case its own token, so that none is refused as a replay).
 */
const mailgunSigned = (nowSeconds: () => number) =>
  fc
    .record({
      event: fc.constantFrom(
        'delivered',
        'opened',
        'clicked',
        'failed',
        'complained',
        'unsubscribed',
        'accepted',
        '',
      ),
      id: fc.string({ maxLength: 30 }),
      recipient: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 })),
      timestamp: fc.oneof(fc.double(), fc.string({ maxLength: 10 })),
      severity: fc.constantFrom('permanent', 'temporary', undefined),
      token: fc.stringMatching(/^[a-f0-9]{50}$/),
    })
    .map(({ token, ...data }) => {
      const t = String(nowSeconds());
      return Buffer.from(
        JSON.stringify({
          signature: { timestamp: t, token, signature: hmac('sha256', SECRET, t + token, 'hex') },
          'event-data': data,
        }),
      );
    });

/** Aircall's credential is inside the body: a random payload carrying the right token. */
const aircallSigned = fc
  .record({ event: fc.constantFrom('call.ended', 'call.created', ''), data: fc.jsonValue({ maxDepth: 3 }) })
  .map((v) => Buffer.from(JSON.stringify({ ...v, token: SECRET })));

describeEachDatabase('inbound hooks under fuzzing: no 5xx, nothing half-stored', (env) => {
  let server: FastifyInstance;
  const hooks = {} as Record<Provider, HookJson>;

  beforeAll(async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    server = await testServer(env.app);
    const admin = await bearer(env.app, 'admin');
    const generic = {
      eventType: { path: 'type' },
      eventId: { path: 'id' },
      occurredAt: { path: 'occurred_at' },
      lead: {
        email: { path: 'caller.email' },
        phone: { path: 'caller.phone' },
        name: { path: 'caller.name' },
      },
      properties: { direction: { path: 'call.direction' }, seconds: { path: 'call.seconds' } },
    };
    const configs: Record<Provider, Record<string, unknown>> = {
      twilio: { defaultCountry: 'US' },
      callrail: { defaultCountry: 'US' },
      aircall: { defaultCountry: 'US' },
      sendgrid: {},
      mailgun: {},
      postmark: {},
      typeform: { qualification: { budget: { field: 'readable_ref_legal', values: { true: 'yes' } } } },
      calendly: { defaultCountry: 'US' },
      generic,
    };
    for (const provider of PROVIDERS) {
      hooks[provider] = (
        await createHook(server, admin, {
          provider,
          name: `fuzz ${provider}`,
          secret: provider === 'sendgrid' ? SENDGRID_PUBLIC : SECRET,
          config: configs[provider],
        })
      ).hook;
    }
  });

  const counts = async () => ({
    leads: await env.app.ctx.store.leads.count(),
    events: await env.app.ctx.store.events.count(),
  });

  for (const provider of PROVIDERS) {
    it(`survives garbage and signed nonsense at /hooks/${provider}`, async () => {
      const path = () => hooks[provider].path;
      const nowSeconds = () => Math.floor(env.clock().getTime() / 1000);
      const unsigned = fc
        .record({
          body: content(samples[provider]),
          signature: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
          contentType: fc.constantFrom(
            'application/json',
            'application/x-www-form-urlencoded',
            'text/plain',
            'multipart/form-data; boundary=x',
          ),
        })
        .map(
          ({ body, signature, contentType }): Case => ({
            body,
            headers: {
              'content-type': contentType,
              ...(signature === undefined
                ? {}
                : {
                    'x-twilio-signature': signature,
                    signature,
                    'hearth-signature': signature,
                    'x-twilio-email-event-webhook-signature': signature,
                    'x-twilio-email-event-webhook-timestamp': signature,
                    authorization: signature,
                    'typeform-signature': signature,
                    'calendly-webhook-signature': signature,
                  }),
            },
          }),
        );
      const bodies =
        provider === 'aircall'
          ? aircallSigned
          : provider === 'mailgun'
            ? mailgunSigned(nowSeconds)
            : content(samples[provider]);
      const validlySigned = bodies.map(
        (body): Case => ({
          body,
          headers: {
            'content-type': provider === 'twilio' ? 'application/x-www-form-urlencoded' : 'application/json',
            ...signed(provider, path(), body, nowSeconds()),
          },
        }),
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(unsigned, validlySigned), async (c) => {
          const before = await counts();
          const response = await server.inject({
            method: 'POST',
            url: path(),
            headers: { host: HOST, ...c.headers },
            payload: c.body,
          });
          expect(response.statusCode, response.body).toBeLessThan(500);
          for (const leak of LEAKS) expect(response.body).not.toMatch(leak);
          const mapped = response.statusCode === 200 && response.json().outcome === 'mapped';
          if (response.statusCode >= 400) expect(response.json().error.message).toBeTruthy();
          if (!mapped) expect(await counts()).toEqual(before);
          else expect((await counts()).events).toBe(before.events + response.json().eventIds.length);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }
});
