/**
 * Backtest speed: N decided leads with E events each, generated in SQL, then one backtest of a
 * document (so that every lead is scored under two models: the document and the active one).
 *
 *   npx tsx bench/backtest.ts [leads=10000] [eventsPerLead=30]
 *
 * Runs on a fresh in-memory embedded database, or on DATABASE_URL (which it fills with test data:
 * give it an empty database). docs/backtest.md records the figures.
 */
import os from 'node:os';
import { sql } from 'kysely';
import { runBacktest } from '../src/app/backtest/backtest-service.js';
import { loadConfig } from '../src/config.js';
import { b2bModel } from '../src/domain/scoring/index.js';
import { openApp } from '../src/main.js';

const leads = Number(process.argv[2] ?? 10_000);
const perLead = Number(process.argv[3] ?? 30);
const url = process.env.DATABASE_URL;
const app = await openApp(loadConfig({}), {
  target: url ? { kind: 'postgres', url } : { kind: 'embedded', dataDir: null },
});
const { db } = app.database;
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);

let started = performance.now();
// Leads over 60 days from 2025-01-01, each with its events over the 30 days after it appeared and
// a decision 25 days in: about a sixth of each lead's events fall after its decision.
await sql`
  insert into leads (email, company, industry, company_size, job_title, source, created_at, updated_at)
  select 'bench' || i || '@example' || (i % 500) || '.com', 'Company ' || (i % 3000),
    (array['software', 'fintech', 'retail', 'manufacturing'])[1 + i % 4], 10 + (i * 37) % 2000,
    (array['VP Sales', 'Engineer', 'CTO', 'Analyst', 'Head of Growth'])[1 + i % 5],
    (array['website', 'ads', 'referral'])[1 + i % 3],
    timestamptz '2025-01-01' + (i % 60) * interval '1 day', timestamptz '2025-01-01'
  from generate_series(1, ${leads}::int) as i`.execute(db);
await sql`
  insert into events (lead_id, type, occurred_at, properties)
  select l.id,
    (array['page_view', 'page_view', 'page_view', 'email_open', 'email_click', 'content_download',
           'pricing_page_visit', 'demo_request', 'newsletter_signup', 'email_unsubscribe'])[1 + floor(random() * 10)::int],
    l.created_at + random() * interval '30 days',
    jsonb_build_object('url', '/page/' || j)
  from leads l cross join generate_series(1, ${perLead}::int) as j`.execute(db);
await sql`
  insert into lead_status_changes (lead_id, from_status, to_status, at, recorded_at, was_hot, actor)
  select l.id, 'open',
    case when random() < 0.05 + 0.2 * (
      select count(*) from events e
      where e.lead_id = l.id and e.type in ('demo_request', 'pricing_page_visit')
        and e.occurred_at < l.created_at + interval '25 days')
    then 'customer' else 'lost' end,
    l.created_at + interval '25 days', l.created_at + interval '25 days', false, 'bench'
  from leads l`.execute(db);
await sql`analyze`.execute(db);
console.log(`generated ${leads} leads × ${perLead} events in ${seconds(started)} s`);

started = performance.now();
const cpu = process.cpuUsage();
let last = 0;
const report = await runBacktest(
  app.ctx,
  { document: { ...b2bModel, temperature: { ...b2bModel.temperature, warm: 25, hot: 60 } } },
  {
    onProgress: (done, total) => {
      if (done - last >= total / 10 || done === total) {
        last = done;
        console.log(`  ${done}/${total} leads, ${seconds(started)} s`);
      }
    },
  },
);
const used = process.cpuUsage(cpu);
console.log(
  `backtest of ${report.leads} leads (${leads * perLead} events, two models each): ${seconds(started)} s on ${url ? 'PostgreSQL' : 'PGlite'}`,
);
// CPU time of this process (with PGlite: the database's worker thread too), which the machine's
// other load affects far less than the elapsed time.
console.log(
  `CPU: ${((used.user + used.system) / 1e6).toFixed(1)} s; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  JSON.stringify({ byTemperature: report.byTemperature, auc: report.auc, moved: report.changedVsActive }),
);
await app.close();
