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
});
