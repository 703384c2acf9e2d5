import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { createSiteKey, type SiteKeyJson } from './tracker-helpers.js';

describeEachDatabase('website tracker: site keys API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    server.inject({
      method,
      url: `/api/v1/integrations/sites${url}`,
      headers: admin,
      ...(payload ? { payload } : {}),
    });

  it('makes a publishable key with normalised origins and the snippet to paste', async () => {
    const key = await createSiteKey(server, admin, {
      name: 'Marketing site',
      allowedOrigins: ['HTTPS://www.Example.com/', 'https://*.example.org', 'https://www.example.com:443'],
    });
    expect(key).toMatchObject({
      name: 'Marketing site',
      allowedOrigins: ['https://www.example.com', 'https://*.example.org'],
      requireConsent: false,
      honourDoNotTrack: true,
      captureForms: false,
      active: true,
      revokedAt: null,
    });
    expect(key.key).toMatch(/^hpk_[A-Za-z0-9_-]{22}$/);
    expect(key.snippet).toContain(
      `<script async src="http://localhost:80/t.js" data-site-key="${key.key}"></script>`,
    );
    expect(key.snippet).toContain(
      'window.hearth=window.hearth||function(){(hearth.q=hearth.q||[]).push(arguments)}',
    );
    const listed = json<{ data: SiteKeyJson[] }>(await call('GET', '')).data;
    expect(listed.find((k) => k.id === key.id)).toEqual(key);
    expect(json(await call('GET', `/${key.id}`))).toEqual(key);
    const audit = await server.inject({ method: 'GET', url: '/api/v1/audit?limit=5', headers: admin });
    expect(audit.body).toContain('integration.site.create');
  });

  it('names each bad origin by its path', async () => {
    const response = await call('POST', '', {
      name: 'Bad',
      allowedOrigins: ['https://ok.example', 'example.com', 'https://x.example/path', 'ftp://x.example'],
    });
    expect(response.statusCode).toBe(400);
    const problems = json<{ error: { details: { problems: { path: string }[] } } }>(response).error.details
      .problems;
    expect(problems.map((p) => p.path)).toEqual([
      'body.allowedOrigins[1]',
      'body.allowedOrigins[2]',
      'body.allowedOrigins[3]',
    ]);
    expect((await call('POST', '', { name: 'None', allowedOrigins: [] })).statusCode).toBe(400);
  });

  it('refuses a wildcard over a top-level domain or a public suffix, naming the entry', async () => {
    const response = await call('POST', '', {
      name: 'Too wide',
      allowedOrigins: [
        'https://*.example.com',
        'https://*.com',
        'https://*.co.uk',
        'http://*.localhost:3000',
      ],
    });
    expect(response.statusCode).toBe(400);
    const problems = json<{ error: { details: { problems: { path: string; message: string }[] } } }>(response)
      .error.details.problems;
    expect(problems.map((p) => p.path)).toEqual([
      'body.allowedOrigins[1]',
      'body.allowedOrigins[2]',
      'body.allowedOrigins[3]',
    ]);
    expect(problems[0]?.message).toContain('"https://*.com" allows every site under "com"');
    expect(problems[1]?.message).toContain('public suffix "co.uk"');
    const fine = await createSiteKey(server, admin, { allowedOrigins: ['https://*.example.co.uk'] });
    expect(fine.allowedOrigins).toEqual(['https://*.example.co.uk']);
  });

  it('changes settings, revokes, and refuses to change a revoked key', async () => {
    const key = await createSiteKey(server, admin);
    const patched = await call('PATCH', `/${key.id}`, {
      requireConsent: true,
      captureForms: true,
      allowedOrigins: ['http://localhost:8080'],
    });
    expect(json(patched)).toMatchObject({
      requireConsent: true,
      captureForms: true,
      allowedOrigins: ['http://localhost:8080'],
    });
    expect((await call('DELETE', `/${key.id}`)).statusCode).toBe(204);
    expect(json(await call('GET', `/${key.id}`))).toMatchObject({
      active: false,
      revokedAt: expect.any(String),
    });
    expect((await call('PATCH', `/${key.id}`, { name: 'again' })).statusCode).toBe(409);
    expect((await call('DELETE', `/${key.id}`)).statusCode).toBe(404);
    expect((await call('GET', '/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('is for admins only', async () => {
    for (const role of ['manager', 'rep', 'ingest'] as const) {
      const headers = await bearer(env.app, role);
      const response = await server.inject({ method: 'GET', url: '/api/v1/integrations/sites', headers });
      expect(response.statusCode, role).toBe(403);
    }
  });
});
