import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { publishModel, runPublishJob } from '../../src/app/scoring/model-lifecycle.js';
import { withScores } from '../../src/app/scoring/scoring-service.js';
import type { Lead } from '../../src/domain/lead.js';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';

const DAY = 86_400_000;

describeEachDatabase('scores read between a publish and its rescore', (env) => {
  it('are the new model’s, the same before the rescore reaches the leads as after', async () => {
    env.clock.set('2026-05-01T12:00:00.000Z');
    const ctx = env.app.ctx;
    const now = env.clock().getTime();
    const types = ['page_view', 'pricing_page_view', 'demo_request', 'webinar_attended'];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const email = uniqueEmail(`stale-${i}`);
      const summary = await ingestEvents(
        ctx,
        types.slice(0, 1 + (i % types.length)).map((type, j) => ({
          email,
          type,
          occurredAt: new Date(now - (i + j + 1) * DAY).toISOString(),
          properties: { url: '/pricing' },
        })),
      );
      ids.push(summary.results[0]?.leadId as string);
    }
    const leads = (await Promise.all(ids.map((id) => ctx.store.leads.byId(id)))) as Lead[];
    const underOld = await withScores(ctx.store, leads, env.clock());

    // Every interest point doubled: each lead with events reads higher under the new model.
    const doubled = {
      ...b2bModel,
      interest: b2bModel.interest.map((rule) => ({ ...rule, points: rule.points * 2 })),
    };
    const { job } = await publishModel(ctx, adminActor, doubled);
    const stale = await withScores(ctx.store, leads, env.clock());
    await runPublishJob(ctx, job.id);
    const rescored = await withScores(ctx.store, leads, env.clock());

    expect(stale).toEqual(rescored);
    expect(stale.every((lead) => lead.modelVersion === job.version)).toBe(true);
    for (const [i, lead] of stale.entries()) {
      expect(lead.interest).toBeGreaterThan(underOld[i]?.interest ?? Number.NaN);
    }
  });

  it('rescores the hot leads first: the desk reads them on the new model after the first chunks', async () => {
    const ctx = env.app.ctx;
    const { db } = env.app.database;
    const { rows: made } = await sql<{ id: string }>`
      insert into leads (email) select 'first' || i || '@example.com' from generate_series(1, 6) as i
      returning id`.execute(db);
    // Stored hot, whatever their events say: the rescore picks by what the desk reads.
    const hot = made.slice(2, 4).map((r) => r.id);
    await sql`update leads set temperature = 'hot' where id = any(${hot}::uuid[])`.execute(db);
    const { job } = await publishModel(ctx, adminActor, b2bModel);
    const { rows: hotBelow } = await sql<{ n: string }>`
      select count(*) as n from leads where temperature = 'hot'`.execute(db);
    const partial = await runPublishJob(ctx, job.id, { chunk: 1, stopAfter: Number(hotBelow[0]?.n) });
    expect(partial.state).toBe('running');
    const { rows } = await sql<{ id: string; temperature: string; model_version: number | null }>`
      select id, temperature, model_version from leads`.execute(db);
    const rescored = rows.filter((r) => r.model_version === job.version);
    // A lead rescored may have cooled under the new model: compare ids, not temperatures now.
    expect(rescored.map((r) => r.id).sort()).toEqual(expect.arrayContaining(hot.sort()));
    expect(rescored).toHaveLength(Number(hotBelow[0]?.n));
    expect((await runPublishJob(ctx, job.id)).state).toBe('done');
  });
});
