import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { type BacktestReport, runBacktest } from '../../src/app/backtest/backtest-service.js';
import { loadDemo } from '../../src/app/demo/load-demo.js';
import { TEMPERATURES } from '../../src/domain/scoring/model.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';

// The demo's plan through the demo's loader, at the size test/app/demo.test.ts uses (seed 1, 200
// leads over 56 days: about a minute); the default load (2,000 leads, 120 days) takes two.
const REQUEST = { seed: 1, leads: 200, days: 56 };
const NOW = '2026-06-01T12:00:00.000Z';

describeEachDatabase(
  'backtest on the demo data',
  (env) => {
    let report: BacktestReport;

    beforeAll(async () => {
      await loadDemo(env.app.ctx, adminActor, REQUEST);
      // The active model (version 1): the one the simulation scored live with.
      report = await runBacktest(env.app.ctx, { version: 1 });
    }, 180_000);

    it('reports conversion rising cold < warm < hot', () => {
      const { cold, warm, hot } = report.byTemperature;
      expect(hot.leads).toBeGreaterThan(0);
      expect(cold.conversionRate as number).toBeLessThan(warm.conversionRate as number);
      expect(warm.conversionRate as number).toBeLessThan(hot.conversionRate as number);
      expect(report.hotLift as number).toBeGreaterThan(1);
    });

    it('counts leads and conversions per temperature exactly as SQL does over the stored history', async () => {
      // Written apart from the backtest: each lead's latest decision from the status history, and
      // its temperature then from the transitions live scoring stored (the latest strictly before
      // the decision; cold before any), grouped in SQL.
      const { rows } = await sql<{ temperature: string; leads: number; won: number; rate: number }>`
        with decisions as (
          select distinct on (lead_id) lead_id, at, to_status
          from lead_status_changes
          where to_status in ('customer', 'lost')
          order by lead_id, at desc, id desc
        ),
        at_decision as (
          select d.to_status,
            coalesce((
              select t.to_temperature from lead_transitions t
              where t.lead_id = d.lead_id and t.at < d.at
              order by t.at desc, t.id desc limit 1
            ), 'cold') as temperature
          from decisions d
        )
        select temperature, count(*)::int as leads,
          (count(*) filter (where to_status = 'customer'))::int as won,
          (count(*) filter (where to_status = 'customer'))::float8 / count(*) as rate
        from at_decision
        group by temperature`.execute(env.app.database.db);
      const expected = Object.fromEntries(
        TEMPERATURES.map((t) => {
          const row = rows.find((r) => r.temperature === t);
          return [
            t,
            row
              ? { leads: row.leads, won: row.won, conversionRate: Number(row.rate) }
              : { leads: 0, won: 0, conversionRate: null },
          ];
        }),
      );
      expect(report.byTemperature).toEqual(expected);
      const decided = rows.reduce((n, r) => n + r.leads, 0);
      expect(decided).toBeGreaterThan(30);
      expect(report.leads).toBe(decided);
      expect(report.won).toBe(rows.reduce((n, r) => n + r.won, 0));
    });
  },
  { clock: NOW },
);
