import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { type BacktestReport, runBacktest } from '../../src/app/backtest/backtest-service.js';
import { recordOutcome } from '../../src/app/desk/outcomes.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { setQualification } from '../../src/app/scoring/lead-scoring.js';
import { saveDraft } from '../../src/app/scoring/model-lifecycle.js';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Profile = 'hot' | 'warm' | 'cold';

// What each profile does under the b2b preset: hot = fit 62 + demo request (+50, need) + a budget
// form (+50, budget): interest ≥ 70 and all five criteria yes; warm = a newsletter signup (+50),
// unqualified; cold = one email open (+1).
const ACTIVITY: Record<Profile, { type: string; properties?: Record<string, unknown> }[]> = {
  hot: [
    { type: 'demo_request' },
    { type: 'form_submit', properties: { form: 'budget survey', answers: { budget: 'approved' } } },
  ],
  warm: [{ type: 'newsletter_signup' }],
  cold: [{ type: 'email_open' }],
};

const stripTiming = ({ elapsedMs: _, ...rest }: BacktestReport) => rest;

describeEachDatabase(
  'backtest: scores decided leads as of their decision time',
  (env) => {
    const ctx = () => env.app.ctx;

    /**
     * A lead's history through the real services, on the test clock: created, its activity a
     * minute later (each event stored at its own time, so transitions are stamped then), and the
     * decision half an hour after that. Returns the lead id and its decision time.
     */
    async function history(profile: Profile, won: boolean): Promise<{ id: string; decidedAt: Date }> {
      env.clock.advance(6 * HOUR);
      const now = env.clock();
      const payload = profile === 'hot' ? fitLeadPayload(now) : { email: uniqueEmail(profile) };
      const { lead } = await upsertLead(ctx(), adminActor, payload as LeadInput);
      for (const event of ACTIVITY[profile]) {
        env.clock.advance(MINUTE);
        const stored = await ingestEvents(ctx(), [
          { leadId: lead.id, occurredAt: env.clock().toISOString(), ...event },
        ]);
        expect(stored.results[0]?.status).toBe('stored');
      }
      env.clock.advance(30 * MINUTE);
      const decidedAt = env.clock();
      await recordOutcome(ctx(), adminActor, lead.id, {
        status: won ? 'customer' : 'lost',
        at: decidedAt.toISOString(),
      });
      return { id: lead.id, decidedAt };
    }

    it('reports conversion rising cold < warm < hot, equal to a direct SQL computation', async () => {
      const plan: [Profile, number, number][] = [
        ['hot', 4, 1],
        ['warm', 2, 3],
        ['cold', 1, 5],
      ];
      for (const [profile, won, lost] of plan) {
        for (let i = 0; i < won; i += 1) await history(profile, true);
        for (let i = 0; i < lost; i += 1) await history(profile, false);
      }
      // A later re-open and win: the latest decision counts.
      const reopened = await history('cold', false);
      env.clock.advance(HOUR);
      await recordOutcome(ctx(), adminActor, reopened.id, { status: 'open' });
      env.clock.advance(HOUR);
      await recordOutcome(ctx(), adminActor, reopened.id, { status: 'customer' });
      env.clock.advance(HOUR);

      const report = await runBacktest(ctx(), { version: 1, k: [5] });

      // The temperature the live (incremental) scoring stored just before each latest decision.
      const direct = await sql<{ temperature: string; leads: number; won: number }>`
        with decided as (
          select distinct on (lead_id) lead_id, at, to_status from lead_status_changes
          where to_status in ('customer', 'lost') order by lead_id, at desc, id desc
        ), temperatures as (
          select d.to_status, coalesce((
            select t.to_temperature from lead_transitions t
            where t.lead_id = d.lead_id and t.at < d.at order by t.at desc, t.id desc limit 1
          ), 'cold') as temperature
          from decided d
        )
        select temperature, count(*)::int as leads, (count(*) filter (where to_status = 'customer'))::int as won
        from temperatures group by temperature`.execute(env.app.database.db);
      const expected = Object.fromEntries(
        ['cold', 'cool', 'warm', 'hot'].map((t) => {
          const row = direct.rows.find((r) => r.temperature === t);
          const leads = row?.leads ?? 0;
          const won = row?.won ?? 0;
          return [t, { leads, won, conversionRate: leads === 0 ? null : won / leads }];
        }),
      );
      expect(report.byTemperature).toEqual(expected);
      expect(report.leads).toBe(direct.rows.reduce((n, r) => n + r.leads, 0));

      const { hot, warm, cold } = report.byTemperature;
      expect(hot.leads).toBeGreaterThanOrEqual(5);
      expect(cold.conversionRate as number).toBeLessThan(warm.conversionRate as number);
      expect(warm.conversionRate as number).toBeLessThan(hot.conversionRate as number);
      expect(report.hotLift).toBeCloseTo((hot.conversionRate as number) / (report.baseRate as number));
      expect(report.auc.temperature as number).toBeGreaterThan(0.7);
      // The same model as the active one: nothing moves.
      expect(report.changedVsActive).toEqual({ leads: 0, moved: {} });
      expect(report.precisionAtK).toEqual([{ k: 5, precision: 0.8 }]);
      expect(report.suggestions.hot?.precision).toBeGreaterThanOrEqual(0.5);
    });

    it('ignores activity after the decision time: the report does not change', async () => {
      const lead = await history('cold', false);
      const before = await runBacktest(ctx(), { version: 1 });
      // After the loss the lead asks for a demo, fills the budget form and signs up: none of it
      // may reach the lead's backtest score.
      for (const event of [...ACTIVITY.hot, ...ACTIVITY.warm]) {
        env.clock.advance(MINUTE);
        await ingestEvents(ctx(), [{ leadId: lead.id, occurredAt: env.clock().toISOString(), ...event }]);
      }
      const after = await runBacktest(ctx(), { version: 1 });
      expect(stripTiming(after)).toEqual(stripTiming(before));
    });

    it('ignores a criterion a rep set after the decision time', async () => {
      // Demo request and newsletter: interest 100, every criterion yes but budget: warm.
      env.clock.advance(6 * HOUR);
      const { lead } = await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput);
      for (const type of ['demo_request', 'newsletter_signup']) {
        env.clock.advance(MINUTE);
        await ingestEvents(ctx(), [{ leadId: lead.id, type, occurredAt: env.clock().toISOString() }]);
      }
      env.clock.advance(MINUTE);
      await recordOutcome(ctx(), adminActor, lead.id, { status: 'lost', at: env.clock().toISOString() });
      const before = await runBacktest(ctx(), { version: 1 });
      env.clock.advance(HOUR);
      await setQualification(ctx(), adminActor, lead.id, { budget: { value: 'yes' } });
      const after = await runBacktest(ctx(), { version: 1 });
      expect(stripTiming(after)).toEqual(stripTiming(before));
    });

    it('compares a draft with the active model at each decision time and counts the moves', async () => {
      await history('warm', true);
      // Warm at 60 instead of 30: the newsletter leads (interest ≈ 50) are cold under the draft.
      await saveDraft(ctx(), adminActor, {
        ...b2bModel,
        temperature: { ...b2bModel.temperature, warm: 60, hot: 70 },
      });
      const report = await runBacktest(ctx(), {});
      expect(report.model.source).toBe('draft');
      expect(report.changedVsActive.moved['warm→cold']).toBeGreaterThanOrEqual(1);
      // Only the warm threshold changed: no other move is possible.
      expect(Object.keys(report.changedVsActive.moved)).toEqual(['warm→cold']);
    });

    it('refuses a bad document with the path of each problem', async () => {
      const bad = { ...b2bModel, halfLifeDays: { engagement: 30, intent: 14, negative: 7 } };
      await expect(runBacktest(ctx(), { document: bad })).rejects.toMatchObject({
        code: 'invalid',
        details: { problems: [expect.objectContaining({ path: 'document.halfLifeDays.negative' })] },
      });
    });
  },
  { clock: '2026-01-05T09:00:00.000Z' },
);
