import { expect, it } from 'vitest';
import { demoCounts } from '../../src/app/demo/demo-counts.js';
import { DEMO_PASSWORD, type DemoSummary, loadDemo } from '../../src/app/demo/load-demo.js';
import { hotQueue } from '../../src/app/desk/queue.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { conversionByTemperature, speedToLead } from '../../src/app/stats/stats-service.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';

// Seed 1 with 200 leads over 56 days: a sample small enough for a quick test in which decided
// leads already convert cold < warm < hot (0/16, 4/23, 2/3); not every seed shows it on so few
// decisions — the default load (2,000 leads, 120 days) does for any seed we tried.
const REQUEST = { seed: 1, leads: 200, days: 56 };
const NOW = '2026-06-01T12:00:00.000Z';

describeEachDatabase(
  'hearth demo: the loader',
  (env) => {
    let summary: DemoSummary;
    const counts = async () => ({
      users: await env.app.ctx.store.users.count(),
      leads: await env.app.ctx.store.leads.count(),
      events: await env.app.ctx.store.events.count(),
    });
    const window = () => ({ from: summary.start.toISOString(), to: NOW });

    it('loads users, leads and every planned event, resuming a load that stopped half-way', async () => {
      let days = 0;
      await expect(
        loadDemo(env.app.ctx, adminActor, REQUEST, () => {
          days++;
          if (days === 20) throw new Error('simulated crash');
        }),
      ).rejects.toThrow('simulated crash');
      summary = await loadDemo(env.app.ctx, adminActor, REQUEST);
      expect(summary.alreadyLoaded).toBe(false);
      expect(summary.end.toISOString()).toBe(NOW);
      expect(await counts()).toEqual({ users: 5, leads: 200, events: summary.eventsPlanned });
      const rep = await env.app.ctx.store.users.byEmail('alex.kim@demo.hearth.example');
      expect(rep?.role).toBe('rep');
      expect(DEMO_PASSWORD).toBe('hearth-demo');
    }, 120_000);

    it('changes nothing when run again', async () => {
      const before = await demoCounts(env.app.ctx);
      const again = await loadDemo(env.app.ctx, adminActor, { ...REQUEST, seed: 99 });
      expect(again.alreadyLoaded).toBe(true);
      expect(again.seed).toBe(1);
      expect(await demoCounts(env.app.ctx)).toEqual(before);
    });

    it('turns leads hot at historical instants and routes them to the reps', async () => {
      const { leads } = await env.app.ctx.store.leads.list({
        sort: 'createdAt',
        direction: 'asc',
        limit: 500,
      });
      const hotAt: number[] = [];
      for (const lead of leads) {
        for (const t of await env.app.ctx.store.scoring.transitionsOf(lead.id)) {
          expect(t.at.getTime()).toBeLessThanOrEqual(Date.parse(NOW));
          if (t.to === 'hot') hotAt.push(t.at.getTime());
        }
      }
      expect(hotAt.length).toBeGreaterThanOrEqual(3);
      expect(Math.min(...hotAt)).toBeLessThan(Date.parse(NOW) - 14 * 86_400_000);
      const owners = new Set(leads.flatMap((l) => (l.ownerId === null ? [] : [l.ownerId])));
      expect(owners.size).toBeGreaterThanOrEqual(2);
    });

    it('has contact-now tasks and speed-to-lead timers both met and breached', async () => {
      const tasks = await env.app.ctx.store.tasks.list({ now: env.clock(), limit: 1000 });
      expect(tasks.some((t) => t.origin === 'speed_to_lead' && t.doneAt !== null)).toBe(true);
      const speed = await speedToLead(env.app.ctx, window());
      expect(speed.total.met).toBeGreaterThan(0);
      expect(speed.total.breached).toBeGreaterThan(0);
    });

    it('ends on a live morning: leads of two reps or more under Now, their clocks running', async () => {
      const queue = await hotQueue(env.app.ctx, adminActor, { limit: 100, timeZone: 'UTC' });
      const now = queue.cards.filter((c) => c.section === 'now');
      expect(now.length).toBeGreaterThanOrEqual(4);
      for (const card of now) {
        expect(card.sla?.state).toBe('running');
        // Asked 5–40 minutes before the end: an hour's clock runs 20–55 minutes on.
        expect(card.sla?.msLeft).toBeGreaterThanOrEqual(15 * 60_000);
      }
      expect(new Set(now.map((c) => c.lead.ownerId)).size).toBeGreaterThanOrEqual(2);
      expect(now.every((c) => c.lead.ownerId !== null)).toBe(true);
    });

    it('has customers and lost leads, and converts hot better than warm and warm better than cold', async () => {
      const counts = await demoCounts(env.app.ctx);
      expect(counts.customers).toBeGreaterThan(0);
      expect(counts.lost).toBeGreaterThan(0);
      const report = await conversionByTemperature(env.app.ctx, window());
      const rate = (temperature: string) => {
        const row = report.byTemperature.find((r) => r.temperature === temperature);
        return (row?.won ?? 0) / Math.max(1, (row?.won ?? 0) + (row?.lost ?? 0));
      };
      expect(rate('hot')).toBeGreaterThan(rate('warm'));
      expect(rate('warm')).toBeGreaterThan(rate('cold'));
    });
  },
  { clock: NOW },
);

describeEachDatabase('hearth demo: a database with leads of its own', (env) => {
  it('is refused, and left as it was', async () => {
    await upsertLead(env.app.ctx, adminActor, { email: 'real.customer@acme.example' });
    await expect(loadDemo(env.app.ctx, adminActor, REQUEST)).rejects.toThrow(/holds 1 leads already/);
    expect(await env.app.ctx.store.leads.count()).toBe(1);
    expect(await env.app.ctx.store.users.count()).toBe(0);
  });
});
