import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { batch, collect, createSiteKey, newVisitorId, pageView, SITE } from './tracker-helpers.js';

describeEachDatabase('website tracker: collect', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const kept = (visitorId: string) => env.app.ctx.store.tracking.visitorEvents(visitorId);

  it('keeps an anonymous visitor’s page view, once', async () => {
    const key = await createSiteKey(server, admin);
    const vid = newVisitorId();
    const body = batch(key.key, vid, [pageView(env.clock(), `${SITE}/pricing?utm_source=ads`)]);
    const first = await collect(server, body);
    expect(first.statusCode, first.body).toBe(200);
    expect(json(first)).toEqual({ outcome: 'stored', stored: 1, duplicates: 0, dropped: 0 });
    expect(first.headers['access-control-allow-origin']).toBe(SITE);
    const again = await collect(server, body);
    expect(json(again)).toEqual({ outcome: 'stored', stored: 0, duplicates: 1, dropped: 0 });
    const events = await kept(vid);
    expect(events).toHaveLength(1);
    expect(events[0]?.properties).toMatchObject({ path: '/pricing', utm_source: 'ads' });
  });
});

describeEachDatabase('website tracker: what collect refuses', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app, {
      HEARTH_TRACKER_VISITOR_RATE_LIMIT: '3',
      HEARTH_TRACKER_SITE_RATE_LIMIT: '0',
    });
    admin = await bearer(env.app, 'admin');
  });
  const visitor = (id: string) => env.app.ctx.store.tracking.visitor(id);
  const oneView = (key: string, vid: string, extra = {}) =>
    batch(key, vid, [pageView(env.clock(), `${SITE}/`)], extra);

  it('stores nothing from a wrong origin, without an origin, or with an unknown or revoked key: 403', async () => {
    const key = await createSiteKey(server, admin, { allowedOrigins: [SITE, 'https://*.example.org'] });
    const vid = newVisitorId();
    for (const origin of ['https://evil.example', 'http://www.example.com', 'https://example.org', null]) {
      const response = await collect(server, oneView(key.key, vid), { origin });
      expect(response.statusCode, `${origin}`).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect((await collect(server, oneView('hpk_unknown', vid))).statusCode).toBe(403);
    expect(await visitor(vid)).toBeUndefined();
    const sub = await collect(server, oneView(key.key, vid), { origin: 'https://shop.example.org' });
    expect(json(sub)).toMatchObject({ outcome: 'stored', stored: 1 });

    const revoke = await server.inject({
      method: 'DELETE',
      url: `/api/v1/integrations/sites/${key.id}`,
      headers: admin,
    });
    expect(revoke.statusCode).toBe(204);
    const later = newVisitorId();
    expect((await collect(server, oneView(key.key, later))).statusCode).toBe(403);
    expect(await visitor(later)).toBeUndefined();
  });

  it('stores nothing without consent when the key requires it, nor for DNT, GPC or a bot', async () => {
    const strict = await createSiteKey(server, admin, { requireConsent: true });
    const vid = newVisitorId();
    expect(json(await collect(server, oneView(strict.key, vid)))).toEqual({
      outcome: 'ignored',
      reason: 'no_consent',
    });
    expect(json(await collect(server, oneView(strict.key, vid, { consent: false })))).toMatchObject({
      outcome: 'ignored',
    });
    expect(await visitor(vid)).toBeUndefined();
    expect(json(await collect(server, oneView(strict.key, vid, { consent: true })))).toMatchObject({
      stored: 1,
    });

    const plain = await createSiteKey(server, admin);
    const other = newVisitorId();
    for (const headers of [{ dnt: '1' }, { 'sec-gpc': '1' }] as Record<string, string>[]) {
      expect(json(await collect(server, oneView(plain.key, other), { headers }))).toEqual({
        outcome: 'ignored',
        reason: 'do_not_track',
      });
    }
    for (const ua of ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'curl/8.5.0', '']) {
      expect(
        json(await collect(server, oneView(plain.key, other), { headers: { 'user-agent': ua } })),
      ).toEqual({
        outcome: 'ignored',
        reason: 'bot',
      });
    }
    expect(await visitor(other)).toBeUndefined();
    const ignoring = await createSiteKey(server, admin, { honourDoNotTrack: false });
    expect(
      json(await collect(server, oneView(ignoring.key, other), { headers: { dnt: '1' } })),
    ).toMatchObject({
      stored: 1,
    });
  });

  it('answers 400 naming the field for bad JSON and bad fields, 413 for a large body, 415-like 400 for other types', async () => {
    const key = await createSiteKey(server, admin);
    const vid = newVisitorId();
    const bad = async (body: unknown, path: string, options = {}) => {
      const response = await collect(server, body, options);
      expect(response.statusCode, response.body).toBe(400);
      const problems = json<{ error: { details: { problems?: { path: string }[] } } }>(response).error.details
        .problems;
      expect(problems?.map((p) => p.path)).toContain(path);
    };
    await bad('{"v":1,', 'body');
    await bad('', 'body');
    await bad(oneView(key.key, 'short'), 'body.visitorId');
    await bad({ ...oneView(key.key, vid), v: 2 }, 'body.v');
    await bad({ ...oneView(key.key, vid), extra: 1 }, 'body.extra');
    await bad(batch(key.key, vid, [{ id: 'e1', type: '  ', at: 1 }]), 'body.events[0].type');
    await bad(batch(key.key, vid, [{ id: 'bad id', type: 'x', at: 1 }]), 'body.events[0].id');
    await bad(oneView(key.key, vid, { identify: { email: 'not-an-email' } }), 'body.identify.email');
    const many = batch(
      key.key,
      vid,
      Array.from({ length: 21 }, () => pageView(env.clock(), `${SITE}/`)),
    );
    await bad(many, 'body.events');
    const huge = batch(key.key, vid, [pageView(env.clock(), `${SITE}/`, { title: 'x'.repeat(17_000) })]);
    expect((await collect(server, huge)).statusCode).toBe(413);
    expect(
      (await collect(server, oneView(key.key, vid), { contentType: 'application/x-www-form-urlencoded' }))
        .statusCode,
    ).toBe(400);
    expect(await visitor(vid)).toBeUndefined();
    // application/json (fetch) is taken too.
    expect(
      json(await collect(server, oneView(key.key, vid), { contentType: 'application/json' })),
    ).toMatchObject({
      stored: 1,
    });
  });

  it('limits requests per visitor: 429 with Retry-After', async () => {
    const key = await createSiteKey(server, admin);
    const vid = newVisitorId();
    for (let i = 0; i < 3; i++) expect((await collect(server, oneView(key.key, vid))).statusCode).toBe(200);
    const refused = await collect(server, oneView(key.key, vid));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await collect(server, oneView(key.key, newVisitorId()))).statusCode).toBe(200);
    env.clock.advance(60_000);
    expect((await collect(server, oneView(key.key, vid))).statusCode).toBe(200);
  });

  it('never keeps password or card fields of a form', async () => {
    const key = await createSiteKey(server, admin);
    const vid = newVisitorId();
    const form = {
      id: 'f1',
      type: 'form_submit',
      at: env.clock().getTime(),
      properties: {
        password: 'x',
        fields: { email: 'a@b.co', card_number: '4242', cvc: '123', 'new-password': 'y', plan: 'pro' },
      },
    };
    await collect(server, batch(key.key, vid, [form]));
    const [kept] = await env.app.ctx.store.tracking.visitorEvents(vid);
    expect(kept?.properties).toEqual({ fields: { email: 'a@b.co', plan: 'pro' } });
  });
});

describeEachDatabase('website tracker: the script and its settings', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  it('serves /t.js small, gzipped, cacheable, with an ETag', async () => {
    const plain = await server.inject({ method: 'GET', url: '/t.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=3600');
    expect(plain.body).toContain('data-site-key');
    const gzipped = await server.inject({
      method: 'GET',
      url: '/t.js?v=1',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(5 * 1024);
    const etag = plain.headers.etag as string;
    const again = await server.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('gives a page its key’s settings only from an allowed origin', async () => {
    const key = await createSiteKey(server, admin, { requireConsent: true });
    const allowed = await server.inject({
      method: 'GET',
      url: `/t/config?siteKey=${key.key}`,
      headers: { origin: SITE },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(SITE);
    expect(json(allowed)).toEqual({
      v: 1,
      requireConsent: true,
      honourDoNotTrack: true,
      captureForms: false,
    });
    const wrong = await server.inject({
      method: 'GET',
      url: `/t/config?siteKey=${key.key}`,
      headers: { origin: 'https://evil.example' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await server.inject({
      method: 'OPTIONS',
      url: '/t/collect',
      headers: { origin: SITE },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SITE);
  });
});

describeEachDatabase('website tracker: CORS preflight', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app, { HEARTH_INGEST_RATE_LIMIT: '3' });
    admin = await bearer(env.app, 'admin');
  });
  const preflight = (origin: string) =>
    server.inject({ method: 'OPTIONS', url: '/t/collect', headers: { origin } });

  it('follows key changes at once and counts against the ingest limit', async () => {
    const other = 'https://shop.example.net';
    const key = await createSiteKey(server, admin);
    expect((await preflight(other)).headers['access-control-allow-origin']).toBeUndefined();
    const patched = await server.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/sites/${key.id}`,
      headers: admin,
      payload: { allowedOrigins: [other] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await preflight(other)).headers['access-control-allow-origin']).toBe(other);
    const revoked = await server.inject({
      method: 'DELETE',
      url: `/api/v1/integrations/sites/${key.id}`,
      headers: admin,
    });
    expect(revoked.statusCode).toBe(204);
    const after = await preflight(other);
    expect(after.statusCode).toBe(204);
    expect(after.headers['access-control-allow-origin']).toBeUndefined();
    const limited = await preflight(other);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
