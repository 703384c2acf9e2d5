import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

interface OpenApiJson {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { security?: unknown[] }>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
  security: Record<string, unknown[]>[];
}

describeEachDatabase('health, docs and framework errors', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  it('answers GET /healthz with 200 and no key', async () => {
    const response = await server.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ status: 'ok' });
  });

  it('answers GET /readyz with 200 when the database answers', async () => {
    const response = await server.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ status: 'ready' });
  });

  it('serves an OpenAPI 3 document with the lead and event routes and the bearer scheme', async () => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const doc = json<OpenApiJson>(response);
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/v1/leads']).toHaveProperty('post');
    expect(doc.paths['/api/v1/leads']).toHaveProperty('get');
    expect(doc.paths['/api/v1/leads/{id}']).toHaveProperty('patch');
    expect(doc.paths['/api/v1/leads/{id}']).toHaveProperty('delete');
    expect(doc.paths['/api/v1/events']).toHaveProperty('post');
    const schemes = Object.entries(doc.components.securitySchemes);
    const bearer = schemes.find(([, s]) => s.type === 'http' && s.scheme === 'bearer');
    expect(bearer).toBeDefined();
    expect(doc.security).toContainEqual({ [bearer?.[0] as string]: [] });
    // Health checks are open, and say so.
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
  });

  it('serves the API docs as an HTML page', async () => {
    let response = await server.inject({ method: 'GET', url: '/api/docs' });
    for (let hops = 0; hops < 5 && response.statusCode >= 300 && response.statusCode < 400; hops++) {
      const location = new URL(String(response.headers.location), 'http://localhost/api/docs');
      response = await server.inject({ method: 'GET', url: `${location.pathname}${location.search}` });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toMatch(/<html/i);
    expect(response.body).toMatch(/swagger/i);
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/leads/search'],
      ['PUT', '/api/v1/leads'],
      ['GET', '/nothing-here?x=1'],
    ] as const) {
      const response = await server.inject({ method, url, headers: admin });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(json(response)).toMatchObject({
        error: { code: 'not_found', message: expect.any(String), details: expect.any(Object) },
      });
    }
  });

  it('answers a body over the size limit with 413 on POST /api/v1/leads and stores nothing', async () => {
    const small = await testServer(env.app, { HEARTH_BODY_LIMIT: '2048' });
    const email = uniqueEmail('huge');
    const before = await env.app.ctx.store.leads.count();

    const response = await small.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email, attributes: { notes: 'x'.repeat(4096) } },
    });

    expect(response.statusCode).toBe(413);
    expect(json(response)).toMatchObject({ error: { code: 'too_large', message: expect.any(String) } });
    expect(await env.app.ctx.store.leads.count()).toBe(before);
    expect(await env.app.ctx.store.leads.byEmail(email)).toBeUndefined();
    const fits = await small.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email },
    });
    expect(fits.statusCode).toBe(201);
  });

  it('over a real socket: serves health and docs, and refuses an oversized body with 413', async () => {
    const live = await testServer(env.app, { HEARTH_BODY_LIMIT: '2048' });
    await live.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = live.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const docs = await fetch(`${base}/api/docs`, { redirect: 'follow' });
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/text\/html/);

      const email = uniqueEmail('socket');
      const huge = await fetch(`${base}/api/v1/leads`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ email, attributes: { notes: 'x'.repeat(10_000) } }),
      });
      expect(huge.status).toBe(413);
      expect(await huge.json()).toMatchObject({ error: { code: 'too_large' } });
      expect(await env.app.ctx.store.leads.byEmail(email)).toBeUndefined();
    } finally {
      await live.close();
    }
  });
});
