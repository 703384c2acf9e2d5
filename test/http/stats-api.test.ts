import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const ROUTES = ['temperatures', 'funnel', 'conversion-by-temperature', 'speed-to-lead', 'sources', 'owners'];

describeEachDatabase(
  'analytics API',
  (env) => {
    let server: FastifyInstance;
    let manager: { authorization: string };

    beforeAll(async () => {
      server = await testServer(env.app);
      manager = await bearer(env.app, 'manager');
      const admin = await bearer(env.app, 'admin');
      // One lead that turns hot an hour after it is created.
      const created = await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: fitLeadPayload(env.clock()),
      });
      expect(created.statusCode, created.body).toBe(201);
      env.clock.advance(3_600_000);
      const events = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: {
          leadId: json<{ id: string }>(created).id,
          type: 'form_submit',
          properties: { form: 'contact-sales' },
        },
      });
      expect(events.statusCode, events.body).toBe(200);
      env.clock.advance(3_600_000);
    });
    afterAll(async () => {
      await server?.close();
    });

    const get = (path: string, query: Record<string, string> = {}, headers = manager) =>
      server.inject({ method: 'GET', url: `/api/v1/stats/${path}`, headers, query });

    it('answers every report for a manager, over the last 90 days by default', async () => {
      for (const path of ROUTES) {
        const response = await get(path);
        expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
        const body = json<{ from: string; to: string }>(response);
        expect(body.to).toBe(env.clock().toISOString());
        expect(Date.parse(body.to) - Date.parse(body.from)).toBe(90 * 86_400_000);
      }
    });

    it('temperatures: one point per day, the lead hot at the end', async () => {
      const response = await get('temperatures', {
        from: '2026-03-01T00:00:00Z',
        to: '2026-03-03T00:00:00Z',
        interval: 'day',
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(json(response)).toEqual({
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-03T00:00:00.000Z',
        interval: 'day',
        points: [
          {
            start: '2026-03-01T00:00:00.000Z',
            end: '2026-03-02T00:00:00.000Z',
            cold: 0,
            cool: 0,
            warm: 0,
            hot: 0,
            total: 0,
          },
          {
            start: '2026-03-02T00:00:00.000Z',
            end: '2026-03-03T00:00:00.000Z',
            cold: 0,
            cool: 0,
            warm: 0,
            hot: 1,
            total: 1,
          },
        ],
      });
    });

    it('funnel over the wire: rates null where nothing was reached, times in ms', async () => {
      const response = await get('funnel', { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' });
      const body = json<{ steps: { stage: string; leads: number; medianMsFromPrevious: number | null }[] }>(
        response,
      );
      expect(body.steps.map((s) => [s.stage, s.leads, s.medianMsFromPrevious])).toEqual([
        ['cold', 1, null],
        ['warm', 1, 3_600_000],
        ['hot', 1, 0],
        ['customer', 0, null],
      ]);
    });

    it('is for managers and admins: a rep gets 403, an ingest key 403, no key 401', async () => {
      expect((await get('funnel', {}, await bearer(env.app, 'admin'))).statusCode).toBe(200);
      for (const role of ['rep', 'ingest'] as const) {
        const response = await get('funnel', {}, await bearer(env.app, role));
        expect(response.statusCode).toBe(403);
        expect(json<{ error: { code: string } }>(response).error.code).toBe('forbidden');
      }
      expect((await server.inject({ method: 'GET', url: '/api/v1/stats/funnel' })).statusCode).toBe(401);
    });

    it('400 naming the field: from not before to, a window over 1,100 days, a bad interval or date', async () => {
      const cases: [string, Record<string, string>, string][] = [
        ['funnel', { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'query.from'],
        ['sources', { from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' }, 'query.from'],
        ['speed-to-lead', { from: '2020-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'query.from'],
        ['temperatures', { interval: 'hour' }, 'query.interval'],
        ['owners', { to: 'yesterday' }, 'query.to'],
        ['conversion-by-temperature', { since: '2026-03-01T00:00:00Z' }, 'query.since'],
      ];
      for (const [path, query, field] of cases) {
        const response = await get(path, query);
        expect(response.statusCode, `${path} ${JSON.stringify(query)}: ${response.body}`).toBe(400);
        const body = json<{ error: { code: string; details: { problems: { path: string }[] } } }>(response);
        expect(body.error.code).toBe('invalid');
        expect(body.error.details.problems.map((p) => p.path)).toContain(field);
      }
    });
  },
  { clock: '2026-03-02T09:00:00Z' },
);
