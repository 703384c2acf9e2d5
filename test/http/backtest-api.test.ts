import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordOutcome } from '../../src/app/desk/outcomes.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

describeEachDatabase('POST /api/v1/model/backtest', (env) => {
  let server: FastifyInstance;
  let manager: { authorization: string };
  let rep: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    manager = await bearer(env.app, 'manager');
    rep = await bearer(env.app, 'rep');
    // One hot lead that was won, one cold lead that was lost.
    for (const hot of [true, false]) {
      const { lead } = await upsertLead(env.app.ctx, adminActor, fitLeadPayload(env.clock()) as LeadInput);
      if (hot) {
        await ingestEvents(env.app.ctx, [
          { leadId: lead.id, type: 'form_submit', properties: { form: 'Contact sales' } },
        ]);
      }
      env.clock.advance(60_000);
      await recordOutcome(env.app.ctx, adminActor, lead.id, { status: hot ? 'customer' : 'lost' });
    }
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (headers: { authorization: string }, payload: unknown) =>
    server.inject({ method: 'POST', url: '/api/v1/model/backtest', headers, payload: payload as object });

  it('reports on a published version for a manager', async () => {
    const response = await post(manager, { version: 1, k: [1], targetPrecision: 0.9 });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({
      model: { source: 'version', version: 1, name: 'b2b' },
      activeVersion: 1,
      leads: 2,
      won: 1,
      byTemperature: { hot: { leads: 1, won: 1, conversionRate: 1 }, warm: { leads: 0 } },
      hotLift: 2,
      auc: { temperature: 1 },
      precisionAtK: [{ k: 1, precision: 1 }],
      changedVsActive: { leads: 0, moved: {} },
      suggestions: { targetPrecision: 0.9, hot: { precision: 1 } },
    });
  });

  it('tests a document and names each of its problems', async () => {
    const ok = await post(manager, {
      document: { ...b2bModel, temperature: { ...b2bModel.temperature, hot: 100 } },
    });
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toMatchObject({ model: { source: 'document' }, changedVsActive: { leads: 0 } });

    const bad = await post(manager, {
      document: { ...b2bModel, halfLifeDays: { engagement: 30, intent: 14, negative: 7 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({
      error: {
        code: 'invalid',
        details: { problems: [expect.objectContaining({ path: 'body.document.halfLifeDays.negative' })] },
      },
    });
  });

  it('answers 404 for an unknown version or no draft, 400 for a bad k', async () => {
    expect((await post(manager, { version: 99 })).statusCode).toBe(404);
    expect((await post(manager, {})).statusCode).toBe(404);
    const badK = await post(manager, { version: 1, k: [0] });
    expect(badK.statusCode).toBe(400);
    expect(JSON.stringify(json(badK))).toContain('body.k');
  });

  it('is refused to reps', async () => {
    expect((await post(rep, { version: 1 })).statusCode).toBe(403);
  });
});
