import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';

const DAY = 86_400_000;

interface Series {
  leadId: string;
  modelVersion: number;
  now: string;
  warm: number;
  hot: number;
  points: { at: string; interest: number; projected: boolean }[];
  belowHotAt: string | null;
  belowWarmAt: string | null;
}

describeEachDatabase('GET /leads/{id}/interest-series', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let ingest: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    ingest = await bearer(env.app, 'ingest');
  });

  const series = (id: string, headers: { authorization: string }, query = '') =>
    server.inject({ method: 'GET', url: `/api/v1/leads/${id}/interest-series${query}`, headers });

  it('shows the interest a lead had, the decay ahead and when it falls below warm', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const posted = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: ingest,
      payload: { email: uniqueEmail('series'), type: 'demo_request', occurredAt: '2026-02-20T09:00:00.000Z' },
    });
    const leadId = json<{ results: { leadId: string }[] }>(posted).results[0]?.leadId as string;
    env.clock.set('2026-02-27T09:00:00.000Z');

    const response = await series(leadId, admin);
    expect(response.statusCode).toBe(200);
    const body = json<Series>(response);
    expect(body).toMatchObject({ leadId, modelVersion: 1, warm: 30, hot: 70, belowHotAt: null });
    const at = (iso: string) => body.points.find((p) => p.at === iso);
    expect(at('2026-02-19T09:00:00.000Z')).toMatchObject({ interest: 0, projected: false });
    expect(at('2026-02-20T09:00:00.000Z')).toMatchObject({ interest: 50, projected: false });
    // Intent halves every 14 days: 50 → 35.36 a week later (now), 25 two weeks after, then 12.5.
    expect(at('2026-02-27T09:00:00.000Z')).toMatchObject({ interest: 35.36, projected: false });
    expect(at('2026-03-06T09:00:00.000Z')).toMatchObject({ interest: 25, projected: true });
    expect(at('2026-03-20T09:00:00.000Z')).toMatchObject({ interest: 12.5, projected: true });
    // Now agrees with the lead's own interest.
    const lead = json<{ interest: number }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${leadId}`, headers: admin }),
    );
    expect(lead.interest).toBe(35.36);
    const crossing = Date.parse(body.belowWarmAt as string);
    expect(crossing).toBeGreaterThan(Date.parse('2026-02-27T09:00:00.000Z'));
    expect(crossing).toBeLessThan(Date.parse('2026-03-06T09:00:00.000Z'));
    expect(body.points.at(-1)?.at).toBe(new Date(Date.parse(body.now) + 30 * DAY).toISOString());
  });

  it('takes a shorter window', async () => {
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email: uniqueEmail('window') },
    });
    const id = json<{ id: string }>(created).id;
    const body = json<Series>(await series(id, admin, '?pastDays=7&futureDays=0'));
    expect(body.points).toHaveLength(7 * 4 + 1);
    expect(body.points.every((p) => !p.projected && p.interest === 0)).toBe(true);
    expect((await series(id, admin, '?pastDays=0')).statusCode).toBe(400);
  });

  it('is not found for a rep when the lead belongs to another rep, as the lead itself is', async () => {
    const other = await keyFor(env.app, 'rep');
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email: uniqueEmail('owned'), ownerId: other.userId },
    });
    const id = json<{ id: string }>(created).id;
    const rep = await bearer(env.app, 'rep');
    expect((await series(id, rep)).statusCode).toBe(404);
    expect((await series(id, { authorization: `Bearer ${other.key}` })).statusCode).toBe(200);
    expect((await series(id, ingest)).statusCode).toBe(403);
  });
});
