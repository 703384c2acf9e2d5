import { connect } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { publishModel, runPublishJob } from '../../src/app/scoring/model-lifecycle.js';
import { MAX_JSON_STRING } from '../../src/app/validation.js';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

type ErrorJson = { error: { code: string; message: string; details: { problems?: { path: string }[] } } };

function expectRateLimited(response: LightMyRequestResponse): number {
  expect(response.statusCode, response.body).toBe(429);
  expect(json<ErrorJson>(response).error.code).toBe('rate_limited');
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  return retryAfter;
}

/** Sends raw bytes to a listening server and resolves with what came back once it closed the socket. */
function rawClient(port: number, start: string, trickle: string | null): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      if (start) socket.write(start);
      // A slow client: one byte at a time, never finishing, so the connection is never idle.
      if (trickle !== null) {
        timer = setInterval(() => {
          if (!socket.destroyed) socket.write(trickle);
        }, 20);
      }
    });
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', () => {}); // a reset after the server gave up is the expected end
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server never closed the connection; received: ${received}`));
    }, 20_000).unref();
  });
}

describeEachDatabase('limits', (env) => {
  describe('rate limits per caller (429 with Retry-After)', () => {
    let server: FastifyInstance;
    beforeAll(async () => {
      server = await testServer(env.app, {
        HEARTH_RATE_LIMIT: '3',
        HEARTH_INGEST_RATE_LIMIT: '5',
        HEARTH_SIGNIN_RATE_LIMIT: '2',
        HEARTH_RATE_LIMIT_WINDOW_MS: '60000',
      });
    });
    afterAll(async () => {
      await server.close();
    });

    it('counts each API key on its own, and ingest routes in a separate, larger budget', async () => {
      const admin = await bearer(env.app, 'admin');
      const other = await bearer(env.app, 'admin');
      for (let i = 0; i < 3; i++) {
        const ok = await server.inject({ method: 'GET', url: '/api/v1/leads', headers: admin });
        expect(ok.statusCode).toBe(200);
        expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
      }
      const refused = await server.inject({ method: 'GET', url: '/api/v1/leads', headers: admin });
      expectRateLimited(refused);
      expect(json<ErrorJson>(refused).error.message).toMatch(/at most 3 per 60 s; retry in \d+ s/);
      // Another key, even from the same address, has its own budget.
      expect((await server.inject({ method: 'GET', url: '/api/v1/users', headers: other })).statusCode).toBe(
        200,
      );
      // Ingest has its own budget: the first key can still send events, five times.
      for (let i = 0; i < 5; i++) {
        const sent = await server.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: admin,
          payload: { type: 'page_view', email: uniqueEmail('limited') },
        });
        expect(sent.statusCode, sent.body).toBe(200);
      }
      const tooMany = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: { type: 'page_view', email: uniqueEmail('limited') },
      });
      expectRateLimited(tooMany);
      expect(json<ErrorJson>(tooMany).error.message).toMatch(/Too many ingest requests: at most 5/);
    });

    it('counts an ingest-only key on ingest routes too', async () => {
      const ingest = await bearer(env.app, 'ingest');
      const leads = await env.app.ctx.store.leads.count();
      const responses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await server.inject({
          method: 'POST',
          url: '/api/v1/leads',
          headers: ingest,
          payload: { email: uniqueEmail('ingest-limit') },
        });
        responses.push(response.statusCode);
        if (i === 5) expectRateLimited(response);
      }
      // An ingest key's writes are accepted (202) without the lead being shown back.
      expect(responses).toEqual([202, 202, 202, 202, 202, 429]);
      // The refused request stored nothing.
      expect(await env.app.ctx.store.leads.count()).toBe(leads + 5);
    });

    it('counts callers without credentials by address', async () => {
      const from = (remoteAddress: string) =>
        server.inject({ method: 'GET', url: '/healthz', remoteAddress });
      for (let i = 0; i < 3; i++) expect((await from('192.0.2.10')).statusCode).toBe(200);
      expectRateLimited(await from('192.0.2.10'));
      expect((await from('192.0.2.11')).statusCode).toBe(200);
    });

    it('limits sign-in attempts per address, and counts a signed-in user by user, wherever they are', async () => {
      const email = uniqueEmail('signin');
      const password = 'correct horse battery';
      await createUser(env.app.ctx, adminActor, { email, name: 'Sam Signin', role: 'rep', password });
      const attempt = (remoteAddress: string, pass = password) =>
        server.inject({
          method: 'POST',
          url: '/api/v1/session',
          remoteAddress,
          payload: { email, password: pass },
        });
      expect((await attempt('198.51.100.1', 'wrong guess')).statusCode).toBe(401);
      const signedIn = await attempt('198.51.100.1');
      expect(signedIn.statusCode).toBe(200);
      // A third attempt from that address is refused before the password is even checked.
      const third = await attempt('198.51.100.1');
      expectRateLimited(third);
      expect(json<ErrorJson>(third).error.message).toMatch(/Too many sign-in attempts: at most 2/);
      expect(third.headers['set-cookie']).toBeUndefined();
      expect((await attempt('198.51.100.2')).statusCode).toBe(200);

      const session = signedIn.cookies.find((c) => c.name === 'hearth_session')?.value as string;
      const asUser = (remoteAddress: string) =>
        server.inject({
          method: 'GET',
          url: '/api/v1/session',
          remoteAddress,
          cookies: { hearth_session: session },
        });
      for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        expect((await asUser(address)).statusCode).toBe(200);
      }
      expectRateLimited(await asUser('203.0.113.4'));
    });
  });

  describe('body, batch and string sizes', () => {
    let server: FastifyInstance;
    let admin: { authorization: string };
    beforeAll(async () => {
      server = await testServer(env.app, { HEARTH_BODY_LIMIT: '2048', HEARTH_MAX_BATCH: '3' });
      admin = await bearer(env.app, 'admin');
    });
    afterAll(async () => {
      await server.close();
    });

    it('answers a body over HEARTH_BODY_LIMIT with 413 saying what the limit is', async () => {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: { email: uniqueEmail('big'), attributes: { notes: 'x'.repeat(3000) } },
      });
      expect(response.statusCode).toBe(413);
      const error = json<ErrorJson>(response).error;
      expect(error.code).toBe('too_large');
      expect(error.message).toContain('2048 bytes (HEARTH_BODY_LIMIT)');
    });

    it('answers a batch over HEARTH_MAX_BATCH with 413 and stores none of it', async () => {
      const before = await env.app.ctx.store.events.count();
      const batch = Array.from({ length: 4 }, () => ({ type: 'page_view', email: uniqueEmail('batch') }));
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: batch,
      });
      expect(response.statusCode).toBe(413);
      expect(json<ErrorJson>(response).error.code).toBe('too_large');
      expect(await env.app.ctx.store.events.count()).toBe(before);
    });

    it('answers a too-long text field with 400 naming the field', async () => {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: { email: uniqueEmail('long'), company: 'c'.repeat(201) },
      });
      expect(response.statusCode).toBe(400);
      const error = json<ErrorJson>(response).error;
      expect(error.details.problems?.map((p) => p.path)).toEqual(['body.company']);
      expect(error.message).toMatch(/^body\.company: /);
    });

    it('answers a too-long string inside free JSON with 400 naming its path, and stores nothing', async () => {
      const big = await testServer(env.app, { HEARTH_BODY_LIMIT: String(1024 * 1024) });
      try {
        const leads = await env.app.ctx.store.leads.count();
        const email = uniqueEmail('long-attr');
        const lead = await big.inject({
          method: 'POST',
          url: '/api/v1/leads',
          headers: admin,
          payload: { email, attributes: { notes: 'n'.repeat(MAX_JSON_STRING + 1) } },
        });
        expect(lead.statusCode).toBe(400);
        expect(json<ErrorJson>(lead).error.message).toBe(
          `body.attributes.notes: must be at most ${MAX_JSON_STRING} characters long`,
        );
        const event = await big.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: admin,
          payload: { type: 'form_submit', email, properties: { answers: [{ text: 't'.repeat(20_000) }] } },
        });
        expect(event.statusCode).toBe(400);
        expect(json<ErrorJson>(event).error.details.problems?.map((p) => p.path)).toEqual([
          'body.properties.answers[0].text',
        ]);
        expect(await env.app.ctx.store.leads.count()).toBe(leads);
        const fits = await big.inject({
          method: 'POST',
          url: '/api/v1/leads',
          headers: admin,
          payload: { email, attributes: { notes: 'n'.repeat(MAX_JSON_STRING) } },
        });
        expect(fits.statusCode).toBe(201);
      } finally {
        await big.close();
      }
    });

    it('bounds every string a request may carry: each has a maximum length, a format, an enum or a fixed pattern', async () => {
      await server.ready();
      const doc = server.swagger() as {
        paths: Record<string, Record<string, Operation>>;
        components?: { schemas?: Record<string, Schema> };
      };
      type Schema = Record<string, unknown>;
      type Operation = {
        parameters?: { in: string; name: string; schema: Schema }[];
        requestBody?: { content?: Record<string, { schema: Schema }> };
      };
      const unbounded: string[] = [];
      let strings = 0;
      const walk = (schema: Schema | undefined, at: string, seen: Set<Schema>): void => {
        if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
        const ref = schema.$ref as string | undefined;
        if (ref) {
          walk(doc.components?.schemas?.[ref.split('/').pop() as string], at, new Set([...seen, schema]));
          return;
        }
        if (schema.type === 'string') {
          strings += 1;
          const pattern = schema.pattern as string | undefined;
          const fixedPattern =
            pattern !== undefined && /^\^[^*+]*\$$/.test(pattern) && !/\{\d+,\}/.test(pattern);
          const bounded =
            typeof schema.maxLength === 'number' ||
            schema.format !== undefined ||
            schema.enum !== undefined ||
            schema.const !== undefined ||
            fixedPattern;
          if (!bounded) unbounded.push(at);
        }
        for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
          for (const item of (schema[key] as Schema[] | undefined) ?? []) walk(item, at, seen);
        }
        for (const [name, item] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
          walk(item, `${at}.${name}`, seen);
        }
        walk(schema.items as Schema | undefined, `${at}[]`, seen);
        if (typeof schema.additionalProperties === 'object') {
          walk(schema.additionalProperties as Schema, `${at}.*`, seen);
        }
        // Free JSON values (attributes, properties) are bounded by MAX_JSON_STRING, tested above.
        if (schema.propertyNames) walk(schema.propertyNames as Schema, `${at}{key}`, seen);
      };
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const where = `${method.toUpperCase()} ${path}`;
          for (const parameter of operation.parameters ?? []) {
            walk(parameter.schema, `${where} ${parameter.in}.${parameter.name}`, new Set());
          }
          for (const content of Object.values(operation.requestBody?.content ?? {})) {
            walk(content.schema, `${where} body`, new Set());
          }
        }
      }
      console.info(`request strings checked for a length bound: ${strings}`);
      expect(strings).toBeGreaterThan(50);
      expect(unbounded).toEqual([]);
    });
  });

  describe('slow clients', () => {
    let server: FastifyInstance;
    let port: number;
    beforeAll(async () => {
      server = await testServer(env.app, {
        // Short, but not so short that a loaded machine trips them on a normal request.
        HEARTH_REQUEST_TIMEOUT_MS: '1000',
        HEARTH_IDLE_TIMEOUT_MS: '1000',
      });
      await server.listen({ port: 0, host: '127.0.0.1' });
      port = (server.server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await server.close();
    });

    it('answers 408 and disconnects a client that trickles a request slower than HEARTH_REQUEST_TIMEOUT_MS', async () => {
      const { authorization } = await bearer(env.app, 'ingest');
      const received = await rawClient(
        port,
        `POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
        ' ',
      );
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('answers 408 and disconnects a client that never finishes its headers', async () => {
      const received = await rawClient(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 'X');
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('disconnects a client that connects and says nothing', async () => {
      // Closed by the idle timeout (no answer) or by the header timeout (408), whichever Node checks first.
      expect(await rawClient(port, '', null)).toMatch(/^(|HTTP\/1\.1 408[\s\S]*)$/);
    });

    it('still serves a client that sends its request at once', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
    });
  });

  describe('a scoring model with a pathological regex', () => {
    let server: FastifyInstance;
    beforeAll(async () => {
      server = await testServer(env.app);
    });
    afterAll(async () => {
      await server.close();
    });

    it('refuses nested quantifiers and lookaround with the path of the rule', async () => {
      const admin = await bearer(env.app, 'admin');
      for (const regex of ['^(a+)+$', '(\\w*)*x', '^(?=a)a', '(a)\\1']) {
        const response = await server.inject({
          method: 'PUT',
          url: '/api/v1/model/draft',
          headers: admin,
          payload: {
            ...b2bModel,
            interest: b2bModel.interest.map((rule, i) =>
              i === 0 ? { ...rule, where: { url: { regex } } } : rule,
            ),
          },
        });
        expect(response.statusCode, regex).toBe(400);
        expect(json<ErrorJson>(response).error.message, regex).toMatch(
          /^body\.interest\[0\]\.where\.url: invalid regex/,
        );
      }
    });

    it('matches the patterns it accepts in linear time: an exponential one on a backtracking engine scores at once', async () => {
      // (a|aa)+$ passes the syntactic check, and on V8's engine takes about 1.6^n steps to fail on
      // n a's and a b: at n = 9,000 it would never end. Under RE2JS it is linear.
      const model = {
        ...b2bModel,
        interest: [
          ...b2bModel.interest,
          {
            id: 'aaa_page',
            group: 'engagement',
            type: 'page_view',
            points: 3,
            where: { url: { regex: '(a|aa)+$' } },
          },
        ],
      };
      const { job } = await publishModel(env.app.ctx, adminActor, model);
      await runPublishJob(env.app.ctx, job.id);
      const admin = await bearer(env.app, 'admin');
      const email = uniqueEmail('regex');
      const slow = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: [
          { type: 'page_view', email, properties: { url: `${'a'.repeat(9000)}b` } },
          { type: 'page_view', email, properties: { url: 'a'.repeat(9000) } },
        ],
      });
      expect(slow.statusCode, slow.body).toBe(200);
      const results = json<{ results: { status: string; leadId: string; eventId: number }[] }>(slow).results;
      expect(results.map((r) => r.status)).toEqual(['stored', 'stored']);
      const explanation = await server.inject({
        method: 'GET',
        url: `/api/v1/leads/${results[0]?.leadId}/explanation`,
        headers: admin,
      });
      expect(explanation.statusCode).toBe(200);
      // The rule matched the second URL only.
      const contributions = json<{ interest: { contributions: { ruleId: string; eventId: number }[] } }>(
        explanation,
      ).interest.contributions;
      expect(contributions.filter((c) => c.ruleId === 'aaa_page').map((c) => c.eventId)).toEqual([
        results[1]?.eventId,
      ]);
    });
  });
});
