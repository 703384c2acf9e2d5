import { expect, it } from 'vitest';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { rankByInterest } from '../../src/app/scoring/interest-ranking.js';
import { withScores } from '../../src/app/scoring/scoring-service.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';

const DAY = 86_400_000;

describeEachDatabase('ranking leads by current interest', (env) => {
  it('lists the top leads exactly as scoring every lead would, while scoring only some of them', async () => {
    const source = `rank-${Math.random().toString(36).slice(2, 10)}`;
    const start = env.clock().getTime();
    // Engagement (30-day half-life) and intent (14-day) mixed at different ages, so that the two
    // keys disagree about the order and only their sum ranks the leads.
    for (let i = 0; i < 40; i++) {
      const { lead } = await upsertLead(env.app.ctx, adminActor, { email: uniqueEmail('rank'), source });
      const events = [];
      for (let v = 0; v < (i * 7) % 11; v++) {
        events.push({
          type: 'page_view',
          leadId: lead.id,
          occurredAt: new Date(start - ((i * 3 + v) % 40) * DAY).toISOString(),
        });
      }
      if (i % 3 === 0)
        events.push({
          type: 'pricing_page_visit',
          leadId: lead.id,
          occurredAt: new Date(start - (i % 20) * DAY).toISOString(),
        });
      if (i % 4 === 1)
        events.push({
          type: 'demo_request',
          leadId: lead.id,
          occurredAt: new Date(start - (i % 25) * DAY).toISOString(),
        });
      if (i % 5 === 2)
        events.push({
          type: 'email_click',
          leadId: lead.id,
          occurredAt: new Date(start - (i % 9) * DAY).toISOString(),
        });
      if (events.length > 0) await ingestEvents(env.app.ctx, events);
    }
    env.clock.advance(10 * DAY);

    const all = await env.app.ctx.store.leads.list({
      source,
      sort: 'createdAt',
      direction: 'asc',
      limit: 1000,
    });
    const everyone = await withScores(env.app.ctx.store, all.leads, env.clock());
    const expected = everyone
      .sort((a, b) => b.interest - a.interest || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((l) => [l.id, l.interest]);
    expect(new Set(expected.map(([, interest]) => interest)).size).toBeGreaterThan(10);

    const top = await rankByInterest(env.app.ctx, adminActor, { source }, 5, { scanSize: 3 });
    expect(top.leads.map((l) => [l.id, l.interest])).toEqual(expected.slice(0, 5));
    expect(top.scored).toBeLessThan(everyone.length);

    const whole = await rankByInterest(env.app.ctx, adminActor, { source }, 100, { scanSize: 7 });
    expect(whole.leads.map((l) => [l.id, l.interest])).toEqual(expected);
  });
});
