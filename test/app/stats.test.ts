import { beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { recordOutcome } from '../../src/app/desk/outcomes.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import {
  byOwner,
  bySource,
  conversionByTemperature,
  funnel,
  speedToLead,
  temperaturesOverTime,
} from '../../src/app/stats/stats-service.js';
import type { Temperature } from '../../src/domain/scoring/model.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// A small history with every number known in advance (all times UTC):
//   H  event     created Mar 1 12:00, newsletter 13:00 → warm            (before the funnel's window)
//   A  website   created Mar 2 09:00, contact form 10:00 → hot, call 10:10 (touch 10 min), won Mar 4 09:00
//   B  website   created Mar 2 09:00, contact form 11:00 → hot, call 12:30 (touch 90 min, late), lost Mar 4 09:00
//   C  ads       created Mar 2 09:00 (not fit), newsletter 12:00 → warm, won Mar 4 09:00
//   D  referral  created Mar 2 09:00, nothing, lost Mar 4 09:00
//   G  referral  created Mar 2 09:00, nothing, won Mar 4 09:00 (winning makes it warm at that instant)
//   E  website   created Mar 3 10:00, contact form 11:00 → hot, never touched (breached, still running)
//   F  ads       created Mar 3 12:00, newsletter 12:30 → warm, contact form 14:00 → hot, call 14:30
//                (touch 30 min), won Mar 4 10:00
// The clock ends at Mar 4 12:00.
describeEachDatabase(
  'analytics: temperatures, funnel, conversion, speed to lead, sources, owners',
  (env) => {
    const ids: Record<string, string> = {};
    const ctx = () => env.app.ctx;
    const at = (iso: string) => env.clock.set(iso);
    const lead = async (name: string, payload: Record<string, unknown>) => {
      ids[name] = (await upsertLead(ctx(), adminActor, payload as never)).lead.id;
    };
    const plain = (source: string) => ({ email: uniqueEmail('plain'), source });
    const event = async (name: string, type: string, properties: Record<string, unknown> = {}) => {
      await ingestEvents(ctx(), [{ leadId: ids[name], type, properties }]);
      await runDeskWork(ctx());
    };
    const contactSales = (name: string) => event(name, 'form_submit', { form: 'contact-sales' });
    const outcome = (name: string, status: 'customer' | 'lost') =>
      recordOutcome(ctx(), adminActor, ids[name] as string, { status });

    beforeAll(async () => {
      for (const name of ['Ann', 'Bob']) {
        await createUser(ctx(), adminActor, {
          email: uniqueEmail(name),
          name,
          role: 'rep',
          password: 'correct horse battery',
        });
      }
      at('2026-03-01T12:00:00Z');
      await lead('H', plain('event'));
      at('2026-03-01T13:00:00Z');
      await event('H', 'newsletter_signup');

      at('2026-03-02T09:00:00Z');
      await lead('A', fitLeadPayload(env.clock()));
      await lead('B', fitLeadPayload(env.clock()));
      await lead('C', plain('ads'));
      await lead('D', plain('referral'));
      await lead('G', plain('referral'));
      at('2026-03-02T10:00:00Z');
      await contactSales('A');
      at('2026-03-02T10:10:00Z');
      await event('A', 'call');
      at('2026-03-02T11:00:00Z');
      await contactSales('B');
      at('2026-03-02T12:00:00Z');
      await event('C', 'newsletter_signup');
      at('2026-03-02T12:30:00Z');
      await event('B', 'call');

      at('2026-03-03T10:00:00Z');
      await lead('E', fitLeadPayload(env.clock()));
      at('2026-03-03T11:00:00Z');
      await contactSales('E');
      at('2026-03-03T12:00:00Z');
      await lead('F', fitLeadPayload(env.clock(), { source: 'ads' }));
      at('2026-03-03T12:30:00Z');
      await event('F', 'newsletter_signup');
      at('2026-03-03T14:00:00Z');
      await contactSales('F');
      at('2026-03-03T14:30:00Z');
      await event('F', 'call');

      at('2026-03-04T09:00:00Z');
      for (const name of ['A', 'C', 'G']) await outcome(name, 'customer');
      for (const name of ['B', 'D']) await outcome(name, 'lost');
      at('2026-03-04T10:00:00Z');
      await outcome('F', 'customer');
      await runDeskWork(ctx());
      at('2026-03-04T12:00:00Z');
    });

    it('the history is what the comment says (the fixture itself)', async () => {
      const current = async (name: string) =>
        (await ctx().store.scoring.transitionsOf(ids[name] as string)).at(-1)?.to ?? 'cold';
      expect(await Promise.all(['A', 'B', 'E', 'F'].map(current))).toEqual(['hot', 'hot', 'hot', 'hot']);
      expect(await Promise.all(['C', 'H', 'G'].map(current))).toEqual(['warm', 'warm', 'warm']);
      expect(await current('D')).toBe('cold');
    });

    it('counts leads per temperature at the end of each day, as the transitions replayed one by one say', async () => {
      const report = await temperaturesOverTime(ctx(), {
        from: '2026-03-01T00:00:00Z',
        to: '2026-03-05T00:00:00Z',
        interval: 'day',
      });
      const counts = report.points.map(({ cold, cool, warm, hot, total }) => ({
        cold,
        cool,
        warm,
        hot,
        total,
      }));
      expect(counts).toEqual([
        { cold: 0, cool: 0, warm: 1, hot: 0, total: 1 },
        { cold: 2, cool: 0, warm: 2, hot: 2, total: 6 },
        { cold: 2, cool: 0, warm: 2, hot: 4, total: 8 },
        { cold: 1, cool: 0, warm: 3, hot: 4, total: 8 },
      ]);
      expect(report.points.map((p) => p.end.toISOString())).toEqual([
        '2026-03-02T00:00:00.000Z',
        '2026-03-03T00:00:00.000Z',
        '2026-03-04T00:00:00.000Z',
        '2026-03-05T00:00:00.000Z',
      ]);

      // The same, counted directly: each lead's latest transition before the instant, else cold.
      const direct = async (instant: Date) => {
        const result: Record<Temperature, number> = { cold: 0, cool: 0, warm: 0, hot: 0 };
        for (const id of Object.values(ids)) {
          const row = await ctx().store.leads.byId(id);
          if (!row || row.createdAt >= instant) continue;
          const before = (await ctx().store.scoring.transitionsOf(id)).filter((t) => t.at < instant);
          result[before.at(-1)?.to ?? 'cold'] += 1;
        }
        return result;
      };
      const hourly = await temperaturesOverTime(ctx(), {
        from: '2026-03-02T08:30:00Z',
        to: '2026-03-02T12:45:00Z',
        interval: 'day',
      });
      expect(hourly.points).toHaveLength(1);
      for (const point of [...report.points, ...hourly.points]) {
        const { cold, cool, warm, hot } = point;
        expect({ cold, cool, warm, hot }).toEqual(await direct(point.end));
      }
    });

    it('a window cut inside a day starts and ends with partial intervals', async () => {
      const report = await temperaturesOverTime(ctx(), {
        from: '2026-03-02T10:30:00Z',
        to: '2026-03-03T11:30:00Z',
      });
      expect(report.interval).toBe('day');
      expect(report.points.map((p) => [p.start.toISOString(), p.end.toISOString(), p.hot])).toEqual([
        ['2026-03-02T10:30:00.000Z', '2026-03-03T00:00:00.000Z', 2],
        ['2026-03-03T00:00:00.000Z', '2026-03-03T11:30:00.000Z', 3],
      ]);
    });

    it('the funnel of the leads created in the window: stages, rates and median times', async () => {
      const report = await funnel(ctx(), { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z' });
      expect(report.steps).toEqual([
        { stage: 'cold', leads: 7, rateFromPrevious: null, rateFromStart: 1, medianMsFromPrevious: null },
        // A 1 h, B 2 h, C 3 h, E 1 h, F 0.5 h: median 1 h. G turned warm only by being won.
        {
          stage: 'warm',
          leads: 5,
          rateFromPrevious: 5 / 7,
          rateFromStart: 5 / 7,
          medianMsFromPrevious: HOUR,
        },
        // A, B, E: at once (the contact form); F 1.5 h: median of 0, 0, 0, 1.5 h.
        { stage: 'hot', leads: 4, rateFromPrevious: 4 / 5, rateFromStart: 4 / 7, medianMsFromPrevious: 0 },
        // A 47 h, F 20 h after turning hot.
        {
          stage: 'customer',
          leads: 2,
          rateFromPrevious: 2 / 4,
          rateFromStart: 2 / 7,
          medianMsFromPrevious: 33.5 * HOUR,
        },
      ]);
      expect(report.overallRate).toBe(2 / 7);
      expect(report.medianCreatedToCustomerMs).toBe(35 * HOUR); // A 48 h, F 22 h
      expect(report.wonWithoutHot).toBe(2); // C and G
    });

    it('a funnel window with no leads has counts of 0 and no rates', async () => {
      const report = await funnel(ctx(), { from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z' });
      expect(report.steps.map((s) => [s.leads, s.rateFromPrevious, s.medianMsFromPrevious])).toEqual([
        [0, null, null],
        [0, null, null],
        [0, null, null],
        [0, null, null],
      ]);
      expect(report.overallRate).toBeNull();
    });

    it('conversion by temperature just before the outcome: hot 2 of 3, warm 1 of 1, cold 1 of 2', async () => {
      const report = await conversionByTemperature(ctx(), {
        from: '2026-03-04T00:00:00Z',
        to: '2026-03-05T00:00:00Z',
      });
      expect(report.byTemperature).toEqual([
        { temperature: 'cold', won: 1, lost: 1, outcomes: 2, rate: 0.5, lift: 0.5 / (4 / 6) },
        { temperature: 'cool', won: 0, lost: 0, outcomes: 0, rate: null, lift: null },
        { temperature: 'warm', won: 1, lost: 0, outcomes: 1, rate: 1, lift: 1 / (4 / 6) },
        { temperature: 'hot', won: 2, lost: 1, outcomes: 3, rate: 2 / 3, lift: 2 / 3 / (4 / 6) },
      ]);
      expect(report.total).toEqual({ won: 4, lost: 2, outcomes: 6, rate: 4 / 6 });
      const before = await conversionByTemperature(ctx(), {
        from: '2026-03-01T00:00:00Z',
        to: '2026-03-04T09:00:00Z',
      });
      expect(before.total.outcomes).toBe(0);
    });

    it('speed to lead: median and p90 of hot-to-touch, breaches (late, or still waiting), running, by owner', async () => {
      const report = await speedToLead(ctx(), { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z' });
      // Touches after 10, 90 and 30 minutes; E never touched. p90 of 10, 30, 90 (linear): 30 + 0.8 × 60.
      expect(report.total).toEqual({
        timers: 4,
        touched: 3,
        met: 2,
        breached: 2,
        running: 1,
        medianMs: 30 * MINUTE,
        p90Ms: 78 * MINUTE,
        breachRate: 0.5,
      });

      // By owner, against the timers as the desk stored them.
      const timers = (
        await Promise.all(['A', 'B', 'E', 'F'].map((n) => ctx().store.desk.timersOf(ids[n] as string)))
      ).flat();
      expect(timers).toHaveLength(4);
      const owners = [...new Set(timers.map((t) => t.ownerId))];
      expect(report.byOwner.map((o) => o.ownerId).sort()).toEqual([...owners].sort());
      for (const row of report.byOwner) {
        const mine = timers.filter((t) => t.ownerId === row.ownerId);
        const touched = mine.filter((t) => t.touchedAt !== null);
        const now = env.clock();
        expect(row.timers).toBe(mine.length);
        expect(row.touched).toBe(touched.length);
        expect(row.met).toBe(touched.filter((t) => (t.touchedAt as Date) <= t.dueAt).length);
        expect(row.breached).toBe(mine.filter((t) => (t.touchedAt ?? t.closedAt ?? now) > t.dueAt).length);
        expect(row.running).toBe(mine.filter((t) => t.touchedAt === null && t.closedAt === null).length);
        const elapsed = touched.map((t) => t.elapsedMs as number).sort((a, b) => a - b);
        const median =
          elapsed.length === 0
            ? null
            : elapsed.length % 2 === 1
              ? elapsed[(elapsed.length - 1) / 2]
              : ((elapsed[elapsed.length / 2 - 1] as number) + (elapsed[elapsed.length / 2] as number)) / 2;
        expect(row.medianMs).toBe(median);
      }
    });

    it('by source: leads, ever hot, ever won, conversion, median speed to lead', async () => {
      const report = await bySource(ctx(), { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z' });
      expect(report.sources).toEqual([
        {
          source: 'website',
          leads: 3,
          hot: 3,
          customers: 1,
          hotRate: 1,
          conversionRate: 1 / 3,
          medianSpeedMs: 50 * MINUTE, // A 10, B 90
        },
        {
          source: 'ads',
          leads: 2,
          hot: 1,
          customers: 2,
          hotRate: 0.5,
          conversionRate: 1,
          medianSpeedMs: 30 * MINUTE,
        },
        {
          source: 'referral',
          leads: 2,
          hot: 0,
          customers: 1,
          hotRate: 0,
          conversionRate: 0.5,
          medianSpeedMs: null,
        },
      ]);
    });

    it('by owner: the same figures for each current owner, unassigned leads together', async () => {
      const report = await byOwner(ctx(), { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z' });
      const cohort = ['A', 'B', 'C', 'D', 'G', 'E', 'F'];
      const leads = await Promise.all(
        cohort.map(async (n) => ({ n, lead: await ctx().store.leads.byId(ids[n] as string) })),
      );
      const won = new Set(['A', 'C', 'G', 'F']);
      const hot = new Set(['A', 'B', 'E', 'F']);
      const touchMinutes: Record<string, number> = { A: 10, B: 90, F: 30 };
      const byKey = new Map<string | null, string[]>();
      for (const { n, lead } of leads) {
        const key = lead?.ownerId ?? null;
        byKey.set(key, [...(byKey.get(key) ?? []), n]);
      }
      expect(report.owners).toHaveLength(byKey.size);
      for (const row of report.owners) {
        const names = byKey.get(row.ownerId) ?? [];
        expect(row.leads).toBe(names.length);
        expect(row.hot).toBe(names.filter((n) => hot.has(n)).length);
        expect(row.customers).toBe(names.filter((n) => won.has(n)).length);
        expect(row.conversionRate).toBe(names.filter((n) => won.has(n)).length / names.length);
        const speeds = names.flatMap((n) =>
          touchMinutes[n] === undefined ? [] : [touchMinutes[n] * MINUTE],
        );
        const sorted = speeds.sort((a, b) => a - b);
        const median =
          sorted.length === 0
            ? null
            : sorted.length % 2 === 1
              ? sorted[(sorted.length - 1) / 2]
              : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
        expect(row.medianSpeedMs).toBe(median);
        if (row.ownerId !== null) expect(['Ann', 'Bob']).toContain(row.ownerName);
      }
      // C, D and G never turned hot, so nobody was assigned to them.
      expect(report.owners.find((o) => o.ownerId === null)?.leads).toBe(3);
    });

    it('refuses a window that is empty, backwards or longer than 1,100 days, naming from', async () => {
      await expect(
        funnel(ctx(), { from: '2026-03-05T00:00:00Z', to: '2026-03-05T00:00:00Z' }),
      ).rejects.toMatchObject({ code: 'invalid', details: { problems: [{ path: 'from' }] } });
      await expect(
        speedToLead(ctx(), { from: '2020-01-01T00:00:00Z', to: '2026-03-05T00:00:00Z' }),
      ).rejects.toMatchObject({ code: 'invalid', details: { problems: [{ path: 'from' }] } });
    });
  },
  { clock: '2026-03-01T12:00:00Z' },
);
