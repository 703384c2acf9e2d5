import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/access/access-service.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { json, keyFor, testServer, uniqueEmail } from '../support/http.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Headers = { authorization: string };

interface LeadJson {
  id: string;
  email: string | null;
  name: string | null;
  ownerId: string | null;
}

const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });

function expectError(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(json(response)).toMatchObject({ error: { code, message: expect.any(String) } });
}

describeEachDatabase('roles and keys', (env) => {
  let server: FastifyInstance;
  let admin: Headers;
  let manager: Headers;
  let ingest: Headers;
  let repA: { headers: Headers; userId: string };
  let repB: { headers: Headers; userId: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = bearer((await keyFor(env.app, 'admin')).key);
    manager = bearer((await keyFor(env.app, 'manager')).key);
    ingest = bearer((await keyFor(env.app, 'ingest')).key);
    const a = await keyFor(env.app, 'rep');
    const b = await keyFor(env.app, 'rep');
    repA = { headers: bearer(a.key), userId: a.userId as string };
    repB = { headers: bearer(b.key), userId: b.userId as string };
  });

  const call = (method: Method, url: string, headers: Partial<Headers> = {}, payload?: unknown) =>
    server.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const createLead = async (fields: Record<string, unknown>): Promise<LeadJson> => {
    const response = await call('POST', '/api/v1/leads', admin, { email: uniqueEmail('lead'), ...fields });
    expect(response.statusCode, response.body).toBe(201);
    return json<LeadJson>(response);
  };

  /** Every API route with a sample request; the ids need not exist, authentication comes first. */
  const everyRoute = (): [Method, string, unknown?][] => [
    ['POST', '/api/v1/leads', { email: uniqueEmail('anon') }],
    ['GET', '/api/v1/leads'],
    ['GET', `/api/v1/leads/${randomUUID()}`],
    ['PATCH', `/api/v1/leads/${randomUUID()}`, { name: 'x' }],
    ['DELETE', `/api/v1/leads/${randomUUID()}`],
    ['GET', `/api/v1/leads/${randomUUID()}/events`],
    ['POST', '/api/v1/events', { type: 'page_view', email: uniqueEmail('anon') }],
    ['GET', '/api/v1/users'],
    [
      'POST',
      '/api/v1/users',
      { email: uniqueEmail('anon'), name: 'Anon', role: 'admin', password: 'long enough pass' },
    ],
    ['GET', '/api/v1/keys'],
    ['POST', '/api/v1/keys', { name: 'anon', role: 'admin' }],
    ['DELETE', `/api/v1/keys/${randomUUID()}`],
  ];

  describe('authentication', () => {
    it('answers 401 on every API route without a key, and stores nothing', async () => {
      const leads = await env.app.ctx.store.leads.count();
      const users = await env.app.ctx.store.users.count();
      for (const [method, url, payload] of everyRoute()) {
        expectError(await call(method, url, {}, payload), 401, 'unauthenticated');
      }
      expect(await env.app.ctx.store.leads.count()).toBe(leads);
      expect(await env.app.ctx.store.users.count()).toBe(users);
    });

    it('answers 401 to a key that does not exist or a header that is not a bearer key', async () => {
      const headers = [
        'Bearer hearth_not_a_real_key',
        'Bearer ',
        'Bearer',
        'Basic YWRtaW46YWRtaW4=',
        `Token ${admin.authorization.slice('Bearer '.length)}`,
        `${admin.authorization} extra`,
      ];
      for (const authorization of headers) {
        const response = await call('GET', '/api/v1/leads', { authorization });
        expect(response.statusCode, authorization).toBe(401);
        expect(json(response)).toMatchObject({ error: { code: 'unauthenticated' } });
      }
      expect((await call('GET', '/api/v1/leads', admin)).statusCode).toBe(200);
    });

    it('answers 401 to a key once it is revoked through DELETE /api/v1/keys/{id}', async () => {
      const created = await call('POST', '/api/v1/keys', admin, { name: 'short-lived', role: 'manager' });
      expect(created.statusCode).toBe(201);
      const { key, apiKey } = json<{ key: string; apiKey: { id: string } }>(created);
      expect((await call('GET', '/api/v1/leads', bearer(key))).statusCode).toBe(200);

      const revoked = await call('DELETE', `/api/v1/keys/${apiKey.id}`, admin);

      expect(revoked.statusCode).toBe(204);
      expectError(await call('GET', '/api/v1/leads', bearer(key)), 401, 'unauthenticated');
      expectError(
        await call('POST', '/api/v1/events', bearer(key), { type: 'x', email: uniqueEmail() }),
        401,
        'unauthenticated',
      );
      expectError(await call('DELETE', `/api/v1/keys/${apiKey.id}`, admin), 404, 'not_found');
    });

    it('answers 401 to a key once the clock passes its expiry', async () => {
      const { secret } = await createApiKey(env.app.ctx, adminActor, {
        name: 'expiring',
        role: 'manager',
        expiresAt: new Date(env.clock().getTime() + 1000),
      });
      expect((await call('GET', '/api/v1/leads', bearer(secret))).statusCode).toBe(200);

      env.clock.advance(1000);

      expectError(await call('GET', '/api/v1/leads', bearer(secret)), 401, 'unauthenticated');
      expect((await call('GET', '/api/v1/leads', admin)).statusCode).toBe(200);
    });
  });

  describe('admin routes', () => {
    it('lets an admin list and manage users and keys', async () => {
      expect((await call('GET', '/api/v1/users', admin)).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/keys', admin)).statusCode).toBe(200);
      const user = await call('POST', '/api/v1/users', admin, {
        email: uniqueEmail('new-rep'),
        name: 'New Rep',
        role: 'rep',
        password: 'long enough pass',
      });
      expect(user.statusCode).toBe(201);
      const keys = json<{ data: { id: string; name: string }[] }>(
        await call('GET', '/api/v1/keys', admin),
      ).data;
      expect(keys.length).toBeGreaterThan(0);
      expect(JSON.stringify(keys)).not.toMatch(/hash/i);
    });

    for (const role of ['rep', 'manager'] as const) {
      it(`refuses a ${role} key every users and keys route with 403, and changes nothing`, async () => {
        const headers = role === 'rep' ? repA.headers : manager;
        const target = await createApiKey(env.app.ctx, adminActor, { name: 'target', role: 'manager' });
        const users = await env.app.ctx.store.users.count();
        const keys = (await env.app.ctx.store.apiKeys.list()).length;
        const requests: [Method, string, unknown?][] = [
          ['GET', '/api/v1/users'],
          [
            'POST',
            '/api/v1/users',
            { email: uniqueEmail('sneaky'), name: 'Sneaky', role: 'admin', password: 'long enough pass' },
          ],
          ['GET', '/api/v1/keys'],
          ['POST', '/api/v1/keys', { name: 'sneaky', role: 'admin' }],
          ['DELETE', `/api/v1/keys/${target.apiKey.id}`],
        ];
        for (const [method, url, payload] of requests) {
          expectError(await call(method, url, headers, payload), 403, 'forbidden');
        }
        expect(await env.app.ctx.store.users.count()).toBe(users);
        expect((await env.app.ctx.store.apiKeys.list()).length).toBe(keys);
        expect((await call('GET', '/api/v1/leads', bearer(target.secret))).statusCode).toBe(200);
      });
    }

    it('refuses a rep DELETE /api/v1/leads/{id} with 403, even for their own lead, and keeps the lead', async () => {
      const lead = await createLead({ ownerId: repA.userId });
      expectError(await call('DELETE', `/api/v1/leads/${lead.id}`, repA.headers), 403, 'forbidden');
      expect(await env.app.ctx.store.leads.byId(lead.id)).toBeDefined();
    });

    it('refuses an ingest key every read with 403', async () => {
      const lead = await createLead({});
      for (const url of [
        '/api/v1/leads',
        `/api/v1/leads/${lead.id}`,
        `/api/v1/leads/${lead.id}/events`,
        '/api/v1/users',
        '/api/v1/keys',
      ]) {
        expectError(await call('GET', url, ingest), 403, 'forbidden');
      }
      expectError(await call('DELETE', `/api/v1/leads/${lead.id}`, ingest), 403, 'forbidden');
      expect(await env.app.ctx.store.leads.byId(lead.id)).toBeDefined();
    });

    it('does not let an ingest key read a lead through PATCH', async () => {
      const lead = await createLead({ name: 'Private Person' });
      const response = await call('PATCH', `/api/v1/leads/${lead.id}`, ingest, { company: 'Changed' });
      expect([403, 404]).toContain(response.statusCode);
      expect(response.body).not.toContain('Private Person');
      expect((await env.app.ctx.store.leads.byId(lead.id))?.company).toBeNull();
    });
  });

  describe('which leads a rep sees', () => {
    let source: string;
    let ownA: LeadJson;
    let ownB: LeadJson;
    let unassigned: LeadJson;

    beforeAll(async () => {
      source = `reps-${randomUUID().slice(0, 8)}`;
      // One second apart on the app's clock, so that the default newest-first order is fixed.
      ownA = await createLead({ source, name: 'Owned By A', ownerId: repA.userId });
      env.clock.advance(1000);
      ownB = await createLead({ source, name: 'Owned By B', ownerId: repB.userId });
      env.clock.advance(1000);
      unassigned = await createLead({ source, name: 'Nobody Owns' });
    });

    const ids = async (headers: Headers, query: Record<string, string> = {}) => {
      const response = await server.inject({
        method: 'GET',
        url: '/api/v1/leads',
        headers,
        query: { source, sort: 'createdAt', ...query },
      });
      expect(response.statusCode).toBe(200);
      return json<{ data: LeadJson[] }>(response).data.map((l) => l.id);
    };

    it('lists only their own and unassigned leads', async () => {
      expect(await ids(repA.headers)).toEqual([ownA.id, unassigned.id]);
      expect(await ids(repB.headers)).toEqual([ownB.id, unassigned.id]);
      expect(await ids(repA.headers, { owner: repB.userId })).toEqual([]);
      expect(await ids(repA.headers, { q: 'owned' })).toEqual([ownA.id]);
    });

    it('lets a manager and an admin list every lead', async () => {
      expect(await ids(manager)).toEqual([ownA.id, ownB.id, unassigned.id]);
      expect(await ids(admin)).toEqual([ownA.id, ownB.id, unassigned.id]);
      const got = await call('GET', `/api/v1/leads/${ownB.id}`, manager);
      expect(got.statusCode).toBe(200);
      expect(json<LeadJson>(got).name).toBe('Owned By B');
    });

    it("answers 404 to a rep reading another rep's lead or its events, as if it did not exist", async () => {
      const lead = await call('GET', `/api/v1/leads/${ownB.id}`, repA.headers);
      const missing = await call('GET', `/api/v1/leads/${randomUUID()}`, repA.headers);
      expectError(lead, 404, 'not_found');
      expect(lead.body).not.toContain('Owned By B');
      expect(json<{ error: { message: string } }>(lead).error.message).toMatch(/No lead/);
      expect(json<{ error: { message: string } }>(missing).error.message).toMatch(/No lead/);
      expectError(await call('GET', `/api/v1/leads/${ownB.id}/events`, repA.headers), 404, 'not_found');
      expect((await call('GET', `/api/v1/leads/${ownA.id}`, repA.headers)).statusCode).toBe(200);
      expect((await call('GET', `/api/v1/leads/${unassigned.id}`, repA.headers)).statusCode).toBe(200);
    });

    it("refuses a rep changing another rep's lead by PATCH or by POST with its email, and keeps it", async () => {
      const patched = await call('PATCH', `/api/v1/leads/${ownB.id}`, repA.headers, {
        name: 'Stolen',
        ownerId: repA.userId,
      });
      expect([403, 404]).toContain(patched.statusCode);
      const posted = await call('POST', '/api/v1/leads', repA.headers, { email: ownB.email, name: 'Stolen' });
      expect([403, 404]).toContain(posted.statusCode);
      expect(posted.body).not.toContain('Owned By B');
      expect(await env.app.ctx.store.leads.byId(ownB.id)).toMatchObject({
        name: 'Owned By B',
        ownerId: repB.userId,
      });
    });

    it('lets a rep change their own lead and an unassigned one', async () => {
      const own = await call('PATCH', `/api/v1/leads/${ownA.id}`, repA.headers, { jobTitle: 'Buyer' });
      expect(own.statusCode).toBe(200);
      expect(json<{ jobTitle: string }>(own).jobTitle).toBe('Buyer');
      const free = await call('PATCH', `/api/v1/leads/${unassigned.id}`, repA.headers, {
        industry: 'Retail',
      });
      expect(free.statusCode).toBe(200);
    });
  });
});
