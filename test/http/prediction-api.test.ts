import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { plantedHistory } from '../../src/domain/prediction/planted-history.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { importHistory } from '../support/planted.js';

describeEachDatabase('the predictive score over HTTP', (env) => {
  let server: FastifyInstance;
  let manager: { authorization: string };
  let openLeadId: string;

  beforeAll(async () => {
    server = await testServer(env.app);
    manager = await bearer(env.app, 'manager');
    const history = plantedHistory({ count: 300, seed: 9, until: new Date('2026-02-01T00:00:00Z') });
    await importHistory(env.app.ctx, history, (h) => h.events.filter((e) => e.occurredAt < h.decidedAt));
    const { lead } = await upsertLead(env.app.ctx, adminActor, {
      email: 'open@acme.example',
      industry: 'software',
    });
    openLeadId = lead.id;
    await upsertLead(env.app.ctx, adminActor, {
      email: 'other@gmail.com',
      industry: 'retail',
      companySize: 3,
      jobTitle: 'Analyst',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('names the field of a bad training request', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/prediction/train',
      headers: manager,
      payload: { exclude: 'Converted' },
    });
    expect(response.statusCode).toBe(400);
    expect(json(response).error).toMatchObject({ message: expect.stringContaining('exclude') });
  });

  it('trains in the background, reports quality, and serves each lead’s probability and factors', async () => {
    const before = await server.inject({ url: `/api/v1/leads/${openLeadId}/prediction`, headers: manager });
    expect(json(before)).toEqual({ prediction: null });

    const started = await server.inject({
      method: 'POST',
      url: '/api/v1/prediction/train',
      headers: manager,
      payload: { exclude: ['favouriteColour'] },
    });
    expect(started.statusCode).toBe(202);
    const run = json<{ id: number; state: string }>(started);
    expect(run.state).toBe('running');

    // A second request while the first runs is refused.
    const second = await server.inject({
      method: 'POST',
      url: '/api/v1/prediction/train',
      headers: manager,
      payload: {},
    });
    expect(second.statusCode).toBe(409);

    let finished: { state: string; modelId: number | null; error: string | null } = {
      state: 'running',
      modelId: null,
      error: null,
    };
    for (let i = 0; i < 600 && finished.state === 'running'; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      finished = json(await server.inject({ url: `/api/v1/prediction/runs/${run.id}`, headers: manager }));
      if (finished.state === 'running') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(finished).toMatchObject({ state: 'done', error: null });

    const status = json<{ model: { id: number; exclude: string[]; report: { quality: { auc: number } } } }>(
      await server.inject({ url: '/api/v1/prediction', headers: manager }),
    );
    expect(status.model).toMatchObject({ id: finished.modelId, exclude: ['favouriteColour'] });
    expect(status.model.report.quality.auc).toBeGreaterThan(0.5);

    const lead = json<{ probability: number }>(
      await server.inject({ url: `/api/v1/leads/${openLeadId}`, headers: manager }),
    );
    const prediction = json<{
      prediction: { probability: number; modelId: number; positive: unknown[]; negative: unknown[] };
    }>(await server.inject({ url: `/api/v1/leads/${openLeadId}/prediction`, headers: manager })).prediction;
    expect(prediction).toMatchObject({ probability: lead.probability, modelId: finished.modelId });
    expect(lead.probability).toBeGreaterThan(0);
    expect(lead.probability).toBeLessThan(1);
  });

  it('sorts the leads table by probability, page by page, leads without one last', async () => {
    const seen: (number | null)[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const url: string = `/api/v1/leads?sort=-probability&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = json<{ data: { probability: number | null }[]; nextCursor: string | null }>(
        await server.inject({ url, headers: manager }),
      );
      seen.push(...body.data.map((l) => l.probability));
      cursor = body.nextCursor;
    }
    expect(seen[0]).toBeGreaterThan(seen[1] as number);
    expect(seen[1]).toBeGreaterThan(0);
    expect(seen[2]).toBeNull();

    // A threshold on the probability: only the leads at or above it.
    const above = json<{ data: { probability: number }[] }>(
      await server.inject({ url: `/api/v1/leads?minProbability=${seen[0]}`, headers: manager }),
    );
    expect(above.data.map((l) => l.probability)).toEqual([seen[0]]);
    const refused = await server.inject({ url: '/api/v1/leads?minProbability=2', headers: manager });
    expect(refused.statusCode).toBe(400);
    expect(json(refused).error).toMatchObject({ message: expect.stringContaining('minProbability') });
  });
});
