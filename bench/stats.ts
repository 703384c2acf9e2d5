/**
 * Analytics speed: N leads over a year, generated in SQL, with transitions (about 2.4 per lead),
 * outcomes and first-touch timers; then each report over the last quarter and over the year.
 *
 *   npx tsx bench/stats.ts [leads=100000]
 *
 * Runs on a fresh in-memory embedded database, or on DATABASE_URL (which it fills with test data:
 * give it an empty database). docs/analytics.md records the figures.
 */
import { sql } from 'kysely';
import {
  byOwner,
  bySource,
  conversionByTemperature,
  funnel,
  speedToLead,
  temperaturesOverTime,
} from '../src/app/stats/stats-service.js';
import { loadConfig } from '../src/config.js';
import { openApp } from '../src/main.js';

const leads = Number(process.argv[2] ?? 100_000);
const url = process.env.DATABASE_URL;
const app = await openApp(loadConfig({}), {
  target: url ? { kind: 'postgres', url } : { kind: 'embedded', dataDir: null },
});
const { db } = app.database;
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(2);

let started = performance.now();
// A database already filled by an earlier run is reused: only the reports run again.
const existing = await sql<{ n: number }>`select count(*)::int as n from leads`.execute(db);
if (Number(existing.rows[0]?.n ?? 0) === 0) {
  await sql`
    insert into users (email, name, role, password_hash)
    select 'rep' || i || '@example.com', 'Rep ' || i, 'rep', 'x' from generate_series(1, 20) i`.execute(db);
  // Leads spread over 2025; a lead i turns warm a day after creation when i % 2 = 0, hot a day
  // later when i % 5 = 0, and cools 20 days after that when i % 3 = 0.
  await sql`
    insert into leads (email, source, owner_id, created_at, updated_at)
    select 'bench' || i || '@example.com',
      (array['website', 'ads', 'referral', 'event', 'import'])[1 + i % 5],
      case when i % 5 = 0 then (select id from users order by id offset (i % 20) limit 1) end,
      timestamptz '2025-01-01' + (i::float8 / ${leads}) * interval '365 days',
      timestamptz '2025-01-01' + (i::float8 / ${leads}) * interval '365 days'
    from generate_series(1, ${leads}) i`.execute(db);
  await sql`
    with numbered as (select id, created_at, owner_id, row_number() over (order by created_at) as i from leads)
    insert into lead_transitions (lead_id, from_temperature, to_temperature, at, cause, model_version)
    select id, 'cold', 'warm', created_at + interval '1 day', '{}'::jsonb, 1 from numbered where i % 2 = 0
    union all
    select id, 'warm', 'hot', created_at + interval '2 days', '{}'::jsonb, 1 from numbered where i % 10 = 0
    union all
    select id, 'cold', 'hot', created_at + interval '2 days', '{}'::jsonb, 1 from numbered where i % 10 = 5
    union all
    select id, 'hot', 'cool', created_at + interval '22 days', '{}'::jsonb, 1 from numbered where i % 15 = 0`.execute(
    db,
  );
  await sql`
    with numbered as (select id, created_at, row_number() over (order by created_at) as i from leads)
    insert into lead_status_changes (lead_id, from_status, to_status, at, recorded_at, was_hot)
    select id, 'open', case when i % 4 = 0 then 'customer' else 'lost' end,
      created_at + interval '10 days', created_at + interval '10 days', i % 5 = 0
    from numbered where i % 2 = 0`.execute(db);
  await sql`
    insert into first_touch_timers (lead_id, transition_id, started_at, due_at, owner_id, touched_at, elapsed_ms)
    select t.lead_id, t.id, t.at, t.at + interval '1 hour', l.owner_id,
      case when t.id % 7 <> 0 then t.at + (t.id % 120) * interval '1 minute' end,
      case when t.id % 7 <> 0 then (t.id % 120) * 60000 end
    from lead_transitions t join leads l on l.id = t.lead_id where t.to_temperature = 'hot'`.execute(db);
  await sql`analyze`.execute(db);
  const counts = await sql<{ leads: number; transitions: number }>`
    select (select count(*)::int from leads) as leads, (select count(*)::int from lead_transitions) as transitions`.execute(
    db,
  );
  console.log(`generated ${JSON.stringify(counts.rows[0])} in ${seconds(started)} s`);
}

const ctx = { ...app.ctx, clock: () => new Date('2026-01-01T00:00:00Z') };
const windows = {
  quarter: { from: '2025-10-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
  year: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
};
for (const [name, window] of Object.entries(windows)) {
  const reports = {
    'temperatures (day)': () => temperaturesOverTime(ctx, { ...window, interval: 'day' }),
    funnel: () => funnel(ctx, window),
    'conversion-by-temperature': () => conversionByTemperature(ctx, window),
    'speed-to-lead': () => speedToLead(ctx, window),
    sources: () => bySource(ctx, window),
    owners: () => byOwner(ctx, window),
  };
  for (const [report, run] of Object.entries(reports)) {
    await run(); // warm the cache: the figure is a report on a running server
    started = performance.now();
    await run();
    console.log(`${name.padEnd(8)} ${report.padEnd(26)} ${seconds(started)} s`);
  }
}
await app.close();
