import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface BadRequest {
  /** What is wrong, for the test name. */
  readonly what: string;
  readonly method: Method;
  readonly url: string;
  readonly payload?: unknown;
  /** The field the error must name. */
  readonly path: string;
}

interface ErrorJson {
  error: { code: string; message: string; details: { problems?: { path: string; message: string }[] } };
}

// Anything that looks like a stack frame, an internal file or SQL must stay on the server.
const LEAKS = [
  /\bat .+:\d+:\d+/,
  /\.(ts|js):\d+/,
  /node_modules/,
  /"stack"/,
  /\b(select|insert into|update \w+ set|delete from)\b/i,
  /\b(relation|column|constraint|syntax error|duplicate key)\b/i,
];

/** The error shape of SPEC §3, with nothing from inside the server in it. */
function expectCleanError(response: LightMyRequestResponse, status: number, code: string): ErrorJson {
  expect(response.statusCode, response.body).toBe(status);
  const body = json<ErrorJson>(response);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(typeof body.error.details).toBe('object');
  for (const leak of LEAKS) expect(response.body).not.toMatch(leak);
  return body;
}

describeEachDatabase('invalid input on every route', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let existing: { id: string; email: string };

  /** Everything a bad request could have touched: counts, one lead in full, every key's state. */
  const snapshot = async () => {
    const { store } = env.app.ctx;
    return {
      leads: await store.leads.count(),
      events: await store.events.count(),
      users: (await store.users.list()).map((u) => `${u.id} ${u.email} ${u.role}`).sort(),
      keys: (await store.apiKeys.list())
        .map((k) => `${k.id} ${k.name} ${k.role} ${String(k.revokedAt)}`)
        .sort(),
      lead: await store.leads.byId(existing.id),
      leadEvents: (await store.events.forLead(existing.id, { limit: 100 })).length,
    };
  };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    const email = uniqueEmail('existing');
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email, name: 'Eve Existing', company: 'Acme', attributes: { plan: 'pro' } },
    });
    existing = { id: json<{ id: string }>(created).id, email };
    await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { type: 'page_view', leadId: existing.id, occurredAt: '2026-03-01T09:00:00Z' },
    });
  });

  const leadUrl = () => `/api/v1/leads/${existing.id}`;
  const newEmail = () => uniqueEmail('bad');

  const cases = (): BadRequest[] => [
    // POST /api/v1/leads
    {
      what: 'an email that is no address',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: 'not-an-email' },
      path: 'body.email',
    },
    {
      what: 'an email over 254 characters',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: `${'x'.repeat(250)}@example.com` },
      path: 'body.email',
    },
    {
      what: 'a negative company size',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), companySize: -5 },
      path: 'body.companySize',
    },
    {
      what: 'a fractional company size',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), companySize: 2.5 },
      path: 'body.companySize',
    },
    {
      what: 'an unknown status',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), status: 'won' },
      path: 'body.status',
    },
    {
      what: 'an unknown field',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), colour: 'red' },
      path: 'body.colour',
    },
    {
      what: 'a name that is a number',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), name: 42 },
      path: 'body.name',
    },
    {
      what: 'an owner id that is no uuid',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), ownerId: 'bob' },
      path: 'body.ownerId',
    },
    {
      what: 'an owner no user is',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), ownerId: randomUUID() },
      path: 'body.ownerId',
    },
    {
      what: 'attributes that are not an object',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), attributes: 'plan=pro' },
      path: 'body.attributes',
    },
    {
      what: 'a creation time that is no date',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), createdAt: 'yesterday' },
      path: 'body.createdAt',
    },
    {
      what: 'opt-out as a string',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), optedOut: 'yes' },
      path: 'body.optedOut',
    },
    {
      what: 'a NUL character in a name',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), name: 'Ann\u0000Lee' },
      path: 'body.name',
    },
    {
      what: 'a NUL character in an attribute',
      method: 'POST',
      url: '/api/v1/leads',
      payload: { email: newEmail(), attributes: { note: 'a\u0000b' } },
      path: 'body.attributes.note',
    },
    {
      what: 'a body that is an array',
      method: 'POST',
      url: '/api/v1/leads',
      payload: [{ email: newEmail() }],
      path: 'body',
    },
    // PATCH /api/v1/leads/{id}
    {
      what: 'an email that is no address',
      method: 'PATCH',
      url: leadUrl(),
      payload: { email: 'nope@', name: 'Changed' },
      path: 'body.email',
    },
    {
      what: 'an unknown status',
      method: 'PATCH',
      url: leadUrl(),
      payload: { status: 'archived', name: 'Changed' },
      path: 'body.status',
    },
    {
      what: 'a company size that is text',
      method: 'PATCH',
      url: leadUrl(),
      payload: { companySize: '50', name: 'Changed' },
      path: 'body.companySize',
    },
    {
      what: 'an id, which cannot be patched',
      method: 'PATCH',
      url: leadUrl(),
      payload: { id: randomUUID() },
      path: 'body.id',
    },
    {
      what: 'an owner no user is',
      method: 'PATCH',
      url: leadUrl(),
      payload: { ownerId: randomUUID(), name: 'Changed' },
      path: 'body.ownerId',
    },
    {
      what: 'a name over 200 characters',
      method: 'PATCH',
      url: leadUrl(),
      payload: { name: 'n'.repeat(201) },
      path: 'body.name',
    },
    {
      what: 'attributes nested too deep',
      method: 'PATCH',
      url: leadUrl(),
      payload: `{"attributes":{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      path: 'body.attributes.deep',
    },
    {
      what: 'an id that is no uuid',
      method: 'PATCH',
      url: '/api/v1/leads/not-a-uuid',
      payload: { name: 'Changed' },
      path: 'params.id',
    },
    // GET /api/v1/leads
    { what: 'a limit of 0', method: 'GET', url: '/api/v1/leads?limit=0', path: 'query.limit' },
    { what: 'a limit over 500', method: 'GET', url: '/api/v1/leads?limit=501', path: 'query.limit' },
    { what: 'a limit that is text', method: 'GET', url: '/api/v1/leads?limit=ten', path: 'query.limit' },
    { what: 'an unknown sort', method: 'GET', url: '/api/v1/leads?sort=-password', path: 'query.sort' },
    { what: 'an unknown status', method: 'GET', url: '/api/v1/leads?status=won', path: 'query.status' },
    {
      what: 'an owner that is neither uuid nor none',
      method: 'GET',
      url: '/api/v1/leads?owner=bob',
      path: 'query.owner',
    },
    {
      what: 'a search over 200 characters',
      method: 'GET',
      url: `/api/v1/leads?q=${'q'.repeat(201)}`,
      path: 'query.q',
    },
    {
      what: 'a NUL character in the source',
      method: 'GET',
      url: '/api/v1/leads?source=web%00site',
      path: 'query.source',
    },
    {
      what: 'an unknown parameter',
      method: 'GET',
      url: '/api/v1/leads?colour=red',
      path: 'query.colour',
    },
    {
      what: 'a temperature that does not exist',
      method: 'GET',
      url: '/api/v1/leads?temperature=boiling',
      path: 'query.temperature',
    },
    {
      what: 'a cursor this API never returned',
      method: 'GET',
      url: '/api/v1/leads?cursor=abc',
      path: 'query.cursor',
    },
    // GET and DELETE /api/v1/leads/{id}
    { what: 'an id that is no uuid', method: 'GET', url: '/api/v1/leads/42', path: 'params.id' },
    { what: 'an id that is no uuid', method: 'DELETE', url: '/api/v1/leads/not-a-uuid', path: 'params.id' },
    // GET /api/v1/leads/{id}/events
    { what: 'an id that is no uuid', method: 'GET', url: '/api/v1/leads/nope/events', path: 'params.id' },
    { what: 'a limit of 0', method: 'GET', url: `${leadUrl()}/events?limit=0`, path: 'query.limit' },
    {
      what: 'a cursor this API never returned',
      method: 'GET',
      url: `${leadUrl()}/events?cursor=bm9wZQ`,
      path: 'query.cursor',
    },
    {
      what: 'an unknown parameter',
      method: 'GET',
      url: `${leadUrl()}/events?type=page_view`,
      path: 'query.type',
    },
    // POST /api/v1/events (a single event; a batch reports per event, see events-api.test.ts)
    {
      what: 'a time that is no date',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', email: newEmail(), occurredAt: 'yesterday' },
      path: 'body.occurredAt',
    },
    {
      what: 'a time in the future',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', email: newEmail(), occurredAt: '2027-01-01T00:00:00Z' },
      path: 'body.occurredAt',
    },
    {
      what: 'a lead id that is no uuid',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', leadId: 'lead-7' },
      path: 'body.leadId',
    },
    {
      what: 'a lead id no lead has',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', leadId: randomUUID() },
      path: 'body.leadId',
    },
    {
      what: 'an email that is no address',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', email: 'nobody' },
      path: 'body.email',
    },
    {
      what: 'no type',
      method: 'POST',
      url: '/api/v1/events',
      payload: { email: newEmail() },
      path: 'body.type',
    },
    {
      what: 'properties that are a list',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', email: newEmail(), properties: ['a'] },
      path: 'body.properties',
    },
    {
      what: 'a NUL character in a property',
      method: 'POST',
      url: '/api/v1/events',
      payload: { type: 'page_view', email: newEmail(), properties: { url: '/a\u0000' } },
      path: 'body.properties.url',
    },
    { what: 'a body that is a number', method: 'POST', url: '/api/v1/events', payload: 42, path: 'body' },
    // POST /api/v1/users
    {
      what: 'an email that is no address',
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'ann', name: 'Ann', role: 'rep', password: 'long enough pass' },
      path: 'body.email',
    },
    {
      what: 'an unknown role',
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: newEmail(), name: 'Ann', role: 'owner', password: 'long enough pass' },
      path: 'body.role',
    },
    {
      what: 'a short password',
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: newEmail(), name: 'Ann', role: 'rep', password: 'short' },
      path: 'body.password',
    },
    {
      what: 'no password',
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: newEmail(), name: 'Ann', role: 'rep' },
      path: 'body.password',
    },
    {
      what: 'a blank name',
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: newEmail(), name: '  ', role: 'rep', password: 'long enough pass' },
      path: 'body.name',
    },
    {
      what: 'an unknown field',
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: newEmail(), name: 'Ann', role: 'rep', password: 'long enough pass', admin: true },
      path: 'body.admin',
    },
    // POST /api/v1/keys
    {
      what: 'an unknown role',
      method: 'POST',
      url: '/api/v1/keys',
      payload: { name: 'k', role: 'root' },
      path: 'body.role',
    },
    {
      what: 'a blank name',
      method: 'POST',
      url: '/api/v1/keys',
      payload: { name: ' ', role: 'manager' },
      path: 'body.name',
    },
    { what: 'no name', method: 'POST', url: '/api/v1/keys', payload: { role: 'manager' }, path: 'body.name' },
    {
      what: 'an expiry that is no date',
      method: 'POST',
      url: '/api/v1/keys',
      payload: { name: 'k', role: 'manager', expiresAt: 'next week' },
      path: 'body.expiresAt',
    },
    {
      what: 'an expiry in the past',
      method: 'POST',
      url: '/api/v1/keys',
      payload: { name: 'k', role: 'manager', expiresAt: '2020-01-01T00:00:00Z' },
      path: 'body.expiresAt',
    },
    {
      what: 'a rep key without its user',
      method: 'POST',
      url: '/api/v1/keys',
      payload: { name: 'k', role: 'rep' },
      path: 'body.userEmail',
    },
    {
      what: 'a rep key for a user that does not exist',
      method: 'POST',
      url: '/api/v1/keys',
      payload: { name: 'k', role: 'rep', userEmail: uniqueEmail('ghost') },
      path: 'body.userEmail',
    },
    // DELETE /api/v1/keys/{id}
    { what: 'an id that is no uuid', method: 'DELETE', url: '/api/v1/keys/key-1', path: 'params.id' },
  ];

  it('covers every route that takes a body, a query or a path parameter', () => {
    const routes = new Set(
      cases().map(
        (c) => `${c.method} ${c.url.split('?')[0]?.replace(/^(\/api\/v1\/(leads|keys))\/[^/]+/, '$1/{id}')}`,
      ),
    );
    expect([...routes].sort()).toEqual(
      [
        'DELETE /api/v1/keys/{id}',
        'DELETE /api/v1/leads/{id}',
        'GET /api/v1/leads',
        'GET /api/v1/leads/{id}',
        'GET /api/v1/leads/{id}/events',
        'PATCH /api/v1/leads/{id}',
        'POST /api/v1/events',
        'POST /api/v1/keys',
        'POST /api/v1/leads',
        'POST /api/v1/users',
      ].sort(),
    );
  });

  it('answers every bad value with 400 naming the field, and changes nothing', async () => {
    for (const bad of cases()) {
      const label = `${bad.method} ${bad.url.slice(0, 80)} with ${bad.what}`;
      const before = await snapshot();
      const response = await server.inject({
        method: bad.method,
        url: bad.url,
        // A string is sent as it is: JSON too deep for the test's own JSON.stringify.
        headers: typeof bad.payload === 'string' ? { ...admin, 'content-type': 'application/json' } : admin,
        ...(bad.payload !== undefined ? { payload: bad.payload as object } : {}),
      });
      expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBe(400);
      const body = expectCleanError(response, 400, 'invalid');
      // The field itself, or a place inside it (`body.attributes.deep[0][0]…` for JSON nested too deep).
      const paths = body.error.details.problems?.map((p) => p.path) ?? [];
      expect(
        paths.some((p) => p === bad.path || p.startsWith(`${bad.path}[`) || p.startsWith(`${bad.path}.`)),
        `${label}: ${paths.join(', ')}`,
      ).toBe(true);
      expect(await snapshot(), label).toEqual(before);
    }
  });

  it('creates no lead for the email of a POST that fails on another field', async () => {
    const email = uniqueEmail('half');
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email, name: 'Half Written', ownerId: randomUUID() },
    });
    expect(response.statusCode).toBe(400);
    expect(await env.app.ctx.store.leads.byEmail(email)).toBeUndefined();
  });

  it('answers malformed JSON with 400 in the error shape and stores nothing', async () => {
    for (const url of ['/api/v1/leads', '/api/v1/events', '/api/v1/users', '/api/v1/keys', leadUrl()]) {
      const before = await snapshot();
      const response = await server.inject({
        method: url === leadUrl() ? 'PATCH' : 'POST',
        url,
        headers: { ...admin, 'content-type': 'application/json' },
        payload: '{"email": "a@example.com", "name": ',
      });
      const body = expectCleanError(response, 400, 'invalid');
      expect(body.error.message).toMatch(/JSON/);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('answers an empty JSON body with 400', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '',
    });
    expectCleanError(response, 400, 'invalid');
  });

  it('answers a body that is not JSON with 400 or 415 in the error shape and stores nothing', async () => {
    const bodies = [
      {
        'content-type': 'application/x-www-form-urlencoded',
        payload: `email=${encodeURIComponent(newEmail())}`,
      },
      { 'content-type': 'text/plain', payload: `email=${newEmail()}` },
      { 'content-type': 'application/xml', payload: '<lead><email>x@example.com</email></lead>' },
      { 'content-type': 'multipart/form-data; boundary=x', payload: '--x\r\n\r\nemail\r\n--x--' },
    ];
    for (const url of ['/api/v1/leads', '/api/v1/events']) {
      for (const { payload, ...headers } of bodies) {
        const before = await snapshot();
        const response = await server.inject({
          method: 'POST',
          url,
          headers: { ...admin, ...headers },
          payload,
        });
        expect([400, 415], `${url} ${headers['content-type']}: ${response.body}`).toContain(
          response.statusCode,
        );
        expectCleanError(response, response.statusCode, 'invalid');
        expect(await snapshot()).toEqual(before);
      }
    }
  });
});
