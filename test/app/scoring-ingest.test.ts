import { expect, it } from 'vitest';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { b2bModel, recompute } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';

const DAY = 86_400_000;

describeEachDatabase('scoring in the ingest transaction', (env) => {
  const ctx = () => env.app.ctx;

  it('uses the b2b preset stored by the migration as the active model', async () => {
    expect(await ctx().store.scoring.activeModel()).toEqual(b2bModel);
  });

  it('stores the state and derived columns, equal to a recompute from the stored history', async () => {
    env.clock.set('2026-04-01T12:00:00.000Z');
    const email = uniqueEmail('state');
    const now = env.clock().getTime();
    await ingestEvents(ctx(), [
      { email, type: 'demo_request', occurredAt: new Date(now - 2 * DAY).toISOString() },
      { email, type: 'page_view', occurredAt: new Date(now - DAY).toISOString(), properties: { url: '/a' } },
    ]);
    // Late by 20 days: beyond the allowed lateness, so ingest recomputes from history.
    const summary = await ingestEvents(ctx(), [
      { email, type: 'newsletter_signup', occurredAt: new Date(now - 20 * DAY).toISOString() },
    ]);
    const leadId = summary.results[0]?.leadId as string;
    const lead = await ctx().store.leads.byId(leadId);
    const stored = (await ctx().store.scoring.statesOf([leadId])).get(leadId);
    const events = await ctx().store.scoring.eventsInOrder(leadId);
    expect(events.map((e) => e.type)).toEqual(['newsletter_signup', 'demo_request', 'page_view']);
    const rebuilt = recompute(lead as NonNullable<typeof lead>, events, [], b2bModel, env.clock());
    expect(stored).toEqual(rebuilt.state);

    const row = (await ctx().store.scoring.lockForScoring([leadId])).get(leadId);
    expect(row?.temperature).toBe(rebuilt.reading.temperature);
    const listed = await ctx().store.leads.list({
      temperature: rebuilt.reading.temperature,
      sort: 'createdAt',
      direction: 'desc',
      limit: 500,
    });
    expect(listed.leads.map((l) => l.id)).toContain(leadId);
  });

  it('scores concurrent batches over the same leads without deadlock or lost updates', async () => {
    env.clock.set('2026-04-01T12:00:00.000Z');
    const emails = Array.from({ length: 10 }, () => uniqueEmail('race'));
    const batch = (offset: number, order: string[]) =>
      order.map((email, i) => ({
        email,
        type: 'page_view',
        occurredAt: new Date(env.clock().getTime() - (offset + i) * 60_000).toISOString(),
        properties: { url: `/p/${offset}` },
      }));
    await Promise.all([
      ingestEvents(ctx(), batch(0, emails)),
      ingestEvents(ctx(), batch(100, [...emails].reverse())),
      ingestEvents(ctx(), batch(200, emails)),
    ]);
    for (const email of emails) {
      const lead = await ctx().store.leads.byEmail(email);
      const state = (await ctx().store.scoring.statesOf([lead?.id as string])).get(lead?.id as string);
      // Three page views on one day: three points, each counted once.
      expect(state?.head.caps.page_view?.count).toBe(3);
    }
  });

  it('a lead created as a customer starts warm, with a lead_update transition', async () => {
    env.clock.set('2026-04-01T12:00:00.000Z');
    const { lead } = await upsertLead(ctx(), adminActor, {
      email: uniqueEmail('customer'),
      status: 'customer',
    });
    const transitions = await ctx().store.scoring.transitionsOf(lead.id);
    expect(transitions).toEqual([
      expect.objectContaining({ from: 'cold', to: 'warm', cause: { kind: 'lead_update' }, modelVersion: 1 }),
    ]);
  });
});
