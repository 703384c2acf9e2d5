import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

interface IngestBody {
  results: {
    index: number;
    status: string;
    eventId?: number;
    leadId?: string;
    leadCreated?: boolean;
    problems?: { path: string; message: string }[];
  }[];
  stored: number;
  duplicates: number;
  rejected: number;
}

describeEachDatabase('POST /api/v1/events', (env) => {
  let server: FastifyInstance;
  let auth: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    auth = await bearer(env.app, 'ingest');
  });

  it('stores a batch of 1,000 events for 100 leads exactly once, and a re-post stores none', async () => {
    const emails = Array.from({ length: 100 }, () => uniqueEmail('batch'));
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      id: `${emails[0]}-evt-${i}`,
      type: i % 3 === 0 ? 'page_view' : 'email_open',
      email: emails[i % 100],
      occurredAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString(),
      properties: { url: `/docs/${i}` },
    }));
    const eventsBefore = await env.app.ctx.store.events.count();

    const first = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: batch,
    });
    expect(first.statusCode).toBe(200);
    const body = json<IngestBody>(first);
    expect(body.stored).toBe(1000);
    expect(body.duplicates).toBe(0);
    expect(new Set(body.results.map((r) => r.leadId)).size).toBe(100);
    expect(body.results.filter((r) => r.leadCreated)).toHaveLength(100);
    expect(await env.app.ctx.store.events.count()).toBe(eventsBefore + 1000);

    const again = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: batch,
    });
    const repeat = json<IngestBody>(again);
    expect(repeat.stored).toBe(0);
    expect(repeat.duplicates).toBe(1000);
    expect(repeat.results[5]?.eventId).toBe(body.results[5]?.eventId);
    expect(await env.app.ctx.store.events.count()).toBe(eventsBefore + 1000);
  });

  it('creates the lead for an unknown email and records its last activity', async () => {
    const email = uniqueEmail('new');
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: {
        type: 'newsletter_signup',
        email: `  ${email.toUpperCase()} `,
        occurredAt: '2026-03-01T10:00:00Z',
      },
    });
    expect(response.statusCode).toBe(200);
    const result = json<IngestBody>(response).results[0];
    expect(result).toMatchObject({ status: 'stored', leadCreated: true });
    const lead = await env.app.ctx.store.leads.byEmail(email);
    expect(lead?.id).toBe(result?.leadId);
    expect(lead?.lastActivityAt?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('treats a repeated external id inside one batch as a duplicate of the first', async () => {
    const email = uniqueEmail('dup');
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: [
        { id: `${email}-x`, type: 'page_view', email },
        { id: `${email}-x`, type: 'page_view', email },
      ],
    });
    const body = json<IngestBody>(response);
    expect(body.results.map((r) => r.status)).toEqual(['stored', 'duplicate']);
    expect(body.results[1]?.eventId).toBe(body.results[0]?.eventId);
  });

  it('keeps the good events of a batch and rejects each bad one with the field at fault', async () => {
    const email = uniqueEmail('mixed');
    const before = await env.app.ctx.store.events.count();
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: [
        { type: 'page_view', email },
        { type: 'page_view' },
        { type: 42, email },
        { type: 'page_view', email: 'not-an-email' },
        { type: 'page_view', leadId: '00000000-0000-4000-8000-000000000000' },
        { type: 'page_view', email, occurredAt: '2099-01-01T00:00:00Z' },
        { type: 'page_view', email, colour: 'red' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = json<IngestBody>(response);
    expect(body.stored).toBe(1);
    expect(body.rejected).toBe(6);
    const paths = body.results.slice(1).map((r) => r.problems?.[0]?.path);
    expect(paths).toEqual([
      'body[1].leadId',
      'body[2].type',
      'body[3].email',
      'body[4].leadId',
      'body[5].occurredAt',
      'body[6].colour',
    ]);
    expect(await env.app.ctx.store.events.count()).toBe(before + 1);
    expect(await env.app.ctx.store.leads.byEmail('not-an-email')).toBeUndefined();
  });

  it('answers 400 naming the field for a single bad event, and stores nothing', async () => {
    const before = await env.app.ctx.store.events.count();
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: { type: '', email: uniqueEmail() },
    });
    expect(response.statusCode).toBe(400);
    expect(json(response)).toMatchObject({
      error: { code: 'invalid', details: { problems: [{ path: 'body.type' }] } },
    });
    expect(await env.app.ctx.store.events.count()).toBe(before);
  });

  it('refuses a batch over the limit with 413 and a body over the size limit with 413', async () => {
    const small = await testServer(env.app, { HEARTH_MAX_BATCH: '10', HEARTH_BODY_LIMIT: '2048' });
    const tooMany = Array.from({ length: 11 }, () => ({ type: 'page_view', email: 'a@example.com' }));
    const batch = await small.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: tooMany,
    });
    expect(batch.statusCode).toBe(413);
    expect(json(batch)).toMatchObject({ error: { code: 'too_large' } });
    const huge = { type: 'page_view', email: 'a@example.com', properties: { blob: 'x'.repeat(4096) } };
    const body = await small.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: huge });
    expect(body.statusCode).toBe(413);
    expect(json(body)).toMatchObject({ error: { code: 'too_large' } });
  });
});
