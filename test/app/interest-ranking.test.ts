import { expect, it } from 'vitest';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { rankByInterest } from '../../src/app/scoring/interest-ranking.js';
import { type ScoredLead, withScores } from '../../src/app/scoring/scoring-service.js';
import { rankingInterest } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';

const DAY = 86_400_000;

describeEachDatabase('ranking leads by current interest', (env) => {
  /**
   * [id, reported interest] of every lead in the ranking's order, found by scoring each one:
   * interest before rounding and clamping, highest first, then id, descending.
   */
  const rankedByScoringEveryone = async (leads: readonly ScoredLead[], at: Date) => {
    const model = await env.app.ctx.store.scoring.activeModel();
    const states = await env.app.ctx.store.scoring.statesOf(leads.map((l) => l.id));
    const value = (lead: ScoredLead) => {
      const state = states.get(lead.id);
      return state ? rankingInterest(state, model, at.getTime()) : 0;
    };
    return [...leads]
      .sort((a, b) => value(b) - value(a) || (a.id > b.id ? -1 : a.id < b.id ? 1 : 0))
      .map((l) => [l.id, l.interest]);
  };

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
    const expected = await rankedByScoringEveryone(everyone, env.clock());
    expect(new Set(expected.map(([, interest]) => interest)).size).toBeGreaterThan(10);

    const top = await rankByInterest(env.app.ctx, adminActor, { source }, 5, { scanSize: 3 });
    expect(top.leads.map((l) => [l.id, l.interest])).toEqual(expected.slice(0, 5));
    expect(top.scored).toBeLessThan(everyone.length);

    const whole = await rankByInterest(env.app.ctx, adminActor, { source }, 100, { scanSize: 7 });
    expect(whole.leads.map((l) => [l.id, l.interest])).toEqual(expected);
  });

  it('pages through the whole ranking at one instant without skipping or repeating a lead', async () => {
    const source = `rank-pages-${Math.random().toString(36).slice(2, 10)}`;
    const start = env.clock().getTime();
    const at = (daysAgo: number) => new Date(start - daysAgo * DAY).toISOString();
    for (let i = 0; i < 23; i++) {
      const { lead } = await upsertLead(env.app.ctx, adminActor, { email: uniqueEmail('page'), source });
      const events = [];
      // Ties: leads 0–5 get the same newsletter at the same instant (lead 4 more, below).
      if (i < 6) events.push({ type: 'newsletter_signup', leadId: lead.id, occurredAt: at(2) });
      else if (i % 3 === 0) events.push({ type: 'demo_request', leadId: lead.id, occurredAt: at(i) });
      else if (i % 3 === 1) events.push({ type: 'page_view', leadId: lead.id, occurredAt: at(i % 7) });
      // Points that an unsubscribe cancels: keyed, yet interest 0, among the leads with none.
      if (i % 5 === 4) {
        events.push({ type: 'email_click', leadId: lead.id, occurredAt: at(3) });
        events.push({ type: 'email_unsubscribe', leadId: lead.id, occurredAt: at(1) });
      }
      if (events.length > 0) await ingestEvents(env.app.ctx, events);
    }
    const asOf = env.clock();
    env.clock.advance(3 * DAY); // pages are ranked at asOf, whatever the clock says now
    const all = await env.app.ctx.store.leads.list({
      source,
      sort: 'createdAt',
      direction: 'asc',
      limit: 100,
    });
    const expected = await rankedByScoringEveryone(
      await withScores(env.app.ctx.store, all.leads, asOf),
      asOf,
    );
    const positive = expected.map(([, interest]) => interest).filter((interest) => interest !== 0);
    expect(Math.max(...positive.map((v) => positive.filter((w) => w === v).length))).toBeGreaterThanOrEqual(
      5,
    );
    expect(expected.filter(([, interest]) => interest === 0).length).toBeGreaterThan(3);

    for (const limit of [1, 4, 7]) {
      const walked: (string | number)[][] = [];
      let after: { value: number; id: string } | undefined;
      for (let page = 0; page < 30; page++) {
        const ranking = await rankByInterest(env.app.ctx, adminActor, { source }, limit, {
          scanSize: 3,
          asOf,
          ...(after ? { after } : {}),
        });
        walked.push(...ranking.leads.map((l) => [l.id, l.interest]));
        if (!ranking.next) break;
        after = ranking.next;
      }
      expect(walked, `pages of ${limit}`).toEqual(expected);
    }
  });
});
