// The query plans of the leads table's list query (GET /api/v1/leads) at 100k leads on PostgreSQL:
// EXPLAIN (ANALYZE, BUFFERS) of the queries the web app's table sends — the default sort, the
// temperature filter, a rep's scope, the next page — each run 5 times, the median execution time
// printed with the first plan. docs/performance.md records the results.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/leads-list-plans.ts [--leads 100000] [--keep]
//
// It makes (and, without --keep, drops) a database `hearth_plans` on that server, migrated to the
// latest schema, with seeded leads: a year of creation dates, 5 reps owning two thirds of them,
// temperatures about 2% hot, 10% warm, 18% cool, 70% cold (a desk's usual shape: few hot leads).
import { CompiledQuery, type Kysely, sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/store/database.js';
import { applyFilters, type LeadFilter } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import type { Database } from '../src/store/schema.js';
import { seedLeads } from './lib/lead-seed.js';

const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--leads') + 1] ?? 100_000) || 100_000;
const keep = args.includes('--keep');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = 'hearth_plans';
const RUNS = 5;

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

/** The list query as store/leads.ts builds it for the default sort (-createdAt) and `limit`. */
function listQuery(db: Kysely<Database>, filter: LeadFilter, after?: { value: string; id: string }) {
  let q = applyFilters(db.selectFrom('leads').selectAll(), filter);
  if (after)
    q = q.where(
      sql<boolean>`(leads.created_at, leads.id) < (${after.value}::timestamptz, ${after.id}::uuid)`,
    );
  return q
    .select(sql<string>`(leads.created_at)::text`.as('sort_value'))
    .orderBy(sql`leads.created_at desc`)
    .orderBy(sql`leads.id desc`)
    .limit(101)
    .compile();
}

async function explain(db: Kysely<Database>, label: string, query: CompiledQuery): Promise<void> {
  const times: number[] = [];
  let plan = '';
  for (let i = 0; i < RUNS; i++) {
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]),
    );
    const lines = result.rows.map((r) => r['QUERY PLAN']);
    const time = Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1]);
    times.push(time);
    if (i === 0) plan = lines.join('\n');
  }
  times.sort((a, b) => a - b);
  console.log(`\n## ${label}: median ${times[Math.floor(RUNS / 2)]?.toFixed(2)} ms (of ${RUNS})\n`);
  console.log(plan);
}

await admin(`drop database if exists ${NAME} with (force)`);
await admin(`create database ${NAME}`);
const url = new URL(serverUrl);
url.pathname = `/${NAME}`;
const handle = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 2 });
try {
  const { db } = handle;
  await migrateToLatest(db);
  const started = Date.now();
  const rep = await seedLeads(db, count);
  const counts = await sql<{ temperature: string; n: number }>`
    select temperature, count(*)::int as n from leads group by 1 order by 1`.execute(db);
  console.log(`seeded ${count} leads in ${Date.now() - started} ms:`, counts.rows);
  const hotPage = await db.executeQuery<{ id: string; sort_value: string }>(
    listQuery(db, { temperature: 'hot' }),
  );
  const last = hotPage.rows.at(-1) as { id: string; sort_value: string };
  await explain(db, 'default sort (-createdAt), first page', listQuery(db, {}));
  await explain(db, 'temperature=hot, -createdAt', listQuery(db, { temperature: 'hot' }));
  await explain(
    db,
    'temperature=hot, -createdAt, second page',
    listQuery(db, { temperature: 'hot' }, { value: last.sort_value, id: last.id }),
  );
  await explain(db, 'temperature=warm, -createdAt', listQuery(db, { temperature: 'warm' }));
  await explain(db, 'temperature=cold, -createdAt', listQuery(db, { temperature: 'cold' }));
  await explain(db, "a rep's scope, -createdAt", listQuery(db, { visibleTo: rep }));
  await explain(
    db,
    "a rep's scope, temperature=hot, -createdAt",
    listQuery(db, { visibleTo: rep, temperature: 'hot' }),
  );
} finally {
  await handle.close();
  if (!keep) await admin(`drop database if exists ${NAME} with (force)`);
}
