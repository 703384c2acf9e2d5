// The leads table sorted by fit, temperature and current interest at 100k leads on PostgreSQL
// (GET /api/v1/leads?sort=-fit|-temperature|-interest): EXPLAIN (ANALYZE, BUFFERS) of the first page
// and of a deep page (the cursor after 1,000 leads) of each, with and without migration 0016's
// indexes for fit and temperature; for interest, which is ranked by the threshold algorithm over
// the two interest key indexes (app/scoring/interest-ranking.ts), the whole page through the
// service — statements, rows read, leads scored, wall time — and the plans of its index scans.
// Each measurement is the median of 5 runs. docs/performance.md records the results.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/leads-sort-plans.ts [--leads 100000] [--keep] [--reuse]
//
// It makes a database `hearth_sort_plans` on that server, seeded like bench/leads-list-plans.ts,
// then scores every lead: a few synthetic events per lead (seeded; none for 30%) folded by the
// domain's `recompute` into the stored score state, fit, temperature and interest keys, as ingest
// would store them (the events themselves are not stored: listing reads only the leads table).
// `--keep` leaves the database for `--reuse`, which skips the seeding (generate once, measure often).
import { CompiledQuery as Compiled, type CompiledQuery, type Kysely, type KyselyPlugin, sql } from 'kysely';
import pg from 'pg';
import type { AppContext } from '../src/app/context.js';
import { listLeads, type ScoredLeadPage } from '../src/app/leads/lead-service.js';
import { scoreUpdate } from '../src/app/scoring/scoring-service.js';
import { Wakeup } from '../src/app/wakeup.js';
import type { ActivityEvent } from '../src/domain/event.js';
import { recompute } from '../src/domain/scoring/index.js';
import { openDatabase } from '../src/store/database.js';
import { applyFilters } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import type { Database } from '../src/store/schema.js';
import { createStore } from '../src/store/store.js';
import { seedLeads } from './lib/lead-seed.js';

const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--leads') + 1] ?? 100_000) || 100_000;
const keep = args.includes('--keep') || args.includes('--reuse');
const reuse = args.includes('--reuse');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = 'hearth_sort_plans';
const RUNS = 5;
const PAGE = 50; // the web table asks for 100; the API's default is 50
const DEEP = 1_000; // leads above the deep page
const DAY = 86_400_000;
const NOW = new Date('2026-12-07T12:00:00.000Z');

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

// A small deterministic generator (mulberry32), so that two runs score the same leads alike.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = [
  ['page_view', 0.45],
  ['email_click', 0.2],
  ['pricing_page_visit', 0.12],
  ['newsletter_signup', 0.08],
  ['demo_request', 0.06],
  ['email_unsubscribe', 0.05],
  ['content_download', 0.04],
] as const;

/** Scores every lead from synthetic events, 2,000 leads a statement. */
async function score(db: Kysely<Database>): Promise<void> {
  const store = createStore(db);
  const model = await store.scoring.activeModel();
  const next = random(7);
  let after: string | null = null;
  let eventId = 1;
  for (;;) {
    const leads = await store.leads.batchAfter(after, 2_000);
    if (leads.length === 0) break;
    after = leads.at(-1)?.id ?? null;
    const updates = leads.map((lead) => {
      const events: ActivityEvent[] = [];
      const n = next() < 0.3 ? 0 : 1 + Math.floor(next() * 6);
      for (let i = 0; i < n; i++) {
        const pick = next();
        let cumulative = 0;
        const type =
          TYPES.find(([, p]) => {
            cumulative += p;
            return pick < cumulative;
          })?.[0] ?? 'page_view';
        const occurredAt = new Date(NOW.getTime() - Math.floor(next() * 120 * DAY));
        events.push({
          id: eventId++,
          leadId: lead.id,
          type,
          occurredAt,
          receivedAt: occurredAt,
          externalId: null,
          properties: {},
        });
      }
      events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
      const { state, reading } = recompute(lead, events, [], model, NOW);
      return scoreUpdate(lead, state, reading, model, NOW, { temperature: reading.temperature, since: null });
    });
    await store.scoring.save(updates);
  }
  await sql`analyze leads`.execute(db);
}

async function explain(db: Kysely<Database>, query: CompiledQuery): Promise<{ ms: number; plan: string }> {
  const times: number[] = [];
  let plan = '';
  for (let i = 0; i < RUNS; i++) {
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
      Compiled.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]),
    );
    const lines = result.rows.map((r) => r['QUERY PLAN']);
    times.push(Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1]));
    if (i === 0) plan = lines.join('\n');
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(RUNS / 2)] as number, plan };
}

const report = (label: string, ms: number, plan: string) => {
  console.log(`\n## ${label}: median ${ms.toFixed(2)} ms (of ${RUNS})\n`);
  console.log(plan);
};

/** The list query of store/leads.ts for a stored sort, first page or after a cursor. */
function sortQuery(
  db: Kysely<Database>,
  expression: string,
  after?: { value: string; id: string; cast: string },
) {
  let q = applyFilters(db.selectFrom('leads').selectAll(), {});
  if (after)
    q = q.where(
      sql<boolean>`(${sql.raw(expression)}, leads.id) < (cast(${after.value} as ${sql.raw(after.cast)}), ${after.id}::uuid)`,
    );
  return q
    .select(sql<string>`(${sql.raw(expression)})::text`.as('sort_value'))
    .orderBy(sql`${sql.raw(expression)} desc`)
    .orderBy(sql`leads.id desc`)
    .limit(PAGE + 1)
    .compile();
}

const FIT = 'coalesce(leads.fit, -1)';
const TEMPERATURE = `case when leads.status <> 'open' then 0
    else case leads.temperature when 'cold' then 1 when 'cool' then 2 when 'warm' then 3 when 'hot' then 4 end
  end`;

async function storedSort(
  db: Kysely<Database>,
  label: string,
  expression: string,
  cast: string,
  index: string,
) {
  // The last lead above the deep page, as its cursor names it.
  const deep = await db.executeQuery<{ id: string; sort_value: string }>(
    Compiled.raw(
      `select id, (${expression})::text as sort_value from leads order by ${expression} desc, id desc offset ${DEEP - 1} limit 1`,
    ),
  );
  const at = deep.rows[0] as { id: string; sort_value: string };
  const cursor = { value: at.sort_value, id: at.id, cast };
  for (const [which, query] of [
    ['first page', sortQuery(db, expression)],
    [`after ${DEEP} leads`, sortQuery(db, expression, cursor)],
  ] as const) {
    const withIndex = await explain(db, query);
    report(`${label}, ${which}, with ${index}`, withIndex.ms, withIndex.plan);
    // DDL is transactional: the index is gone for this measurement only.
    await db
      .transaction()
      .execute(async (tx) => {
        await sql`drop index ${sql.ref(index)}`.execute(tx);
        const without = await explain(tx as unknown as Kysely<Database>, query);
        report(`${label}, ${which}, without ${index}`, without.ms, without.plan);
        throw new RolledBack();
      })
      .catch((error) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  }
}
class RolledBack extends Error {}

/** Counts the statements the ranking sends and the rows they return. */
function counter() {
  const counts = { statements: 0, rows: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      counts.statements += 1;
      return args.node;
    },
    transformResult: async (args) => {
      counts.rows += args.result.rows.length;
      return args.result;
    },
  };
  return { counts, plugin };
}

async function interest(db: Kysely<Database>): Promise<void> {
  const { counts, plugin } = counter();
  const ctx: AppContext = {
    store: createStore(db.withPlugin(plugin)),
    clock: () => NOW,
    limits: { maxBatchSize: 1000 },
    wakeup: new Wakeup(),
  };
  const actor = { role: 'admin' as const, userId: null, keyId: null };
  const page = async (after?: ScoredLeadPage['next']) =>
    listLeads(ctx, actor, { filter: {}, sort: '-interest', limit: PAGE, ...(after ? { after } : {}) });
  // The cursor of the page that ends after DEEP leads.
  let deepCursor: ScoredLeadPage['next'] = null;
  for (let seen = 0; seen < DEEP; seen += PAGE) deepCursor = (await page(deepCursor ?? undefined)).next;
  const zero = await db.executeQuery<{ n: number }>(
    Compiled.raw(
      'select count(*)::int as n from leads where interest_key_engagement is null and interest_key_intent is null',
    ),
  );
  console.log(`\nleads without interest keys (interest 0): ${zero.rows[0]?.n}`);
  for (const [label, after] of [
    ['first page', undefined],
    [`after ${DEEP} leads`, deepCursor ?? undefined],
  ] as const) {
    const walls: number[] = [];
    let last = { statements: 0, rows: 0, interest: [0, 0] };
    for (let i = 0; i < RUNS; i++) {
      counts.statements = 0;
      counts.rows = 0;
      const started = performance.now();
      const result = await page(after);
      walls.push(performance.now() - started);
      last = {
        statements: counts.statements,
        rows: counts.rows,
        interest: [result.leads[0]?.interest ?? 0, result.leads.at(-1)?.interest ?? 0],
      };
    }
    walls.sort((a, b) => a - b);
    console.log(
      `\n## -interest, ${label}, through listLeads: median ${walls[Math.floor(RUNS / 2)]?.toFixed(1)} ms wall (of ${RUNS}); ${last.statements} statements, ${last.rows} rows returned; interest ${last.interest[0]} … ${last.interest[1]}`,
    );
  }
  // The ranking's statements: the scan of each key index from the top, and a continuation.
  for (const column of ['interest_key_engagement', 'interest_key_intent'] as const) {
    const scan = (position?: { key: number; id: string }) => {
      let q = db.selectFrom('leads').selectAll().where(column, 'is not', null);
      if (position)
        q = q
          .where(column, '<=', position.key)
          .where((eb) => eb.or([eb(column, '<', position.key), eb('id', '>', position.id)]));
      return q
        .orderBy(sql`${sql.ref(column)} desc nulls last`)
        .orderBy('id')
        .limit(100)
        .compile();
    };
    const first = await explain(db, scan());
    report(`-interest: ${column} scan, first 100`, first.ms, first.plan);
    const at = await db.executeQuery<{ id: string; key: number }>(
      Compiled.raw(
        `select id, ${column} as key from leads where ${column} is not null order by ${column} desc nulls last, id offset ${DEEP - 1} limit 1`,
      ),
    );
    const position = at.rows[0] as { id: string; key: number };
    const deeper = await explain(db, scan(position));
    report(`-interest: ${column} scan, 100 after ${DEEP}`, deeper.ms, deeper.plan);
  }
}

if (!reuse) {
  await admin(`drop database if exists ${NAME} with (force)`);
  await admin(`create database ${NAME}`);
}
const url = new URL(serverUrl);
url.pathname = `/${NAME}`;
const handle = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 2 });
try {
  const { db } = handle;
  await migrateToLatest(db);
  if (!reuse) {
    const started = Date.now();
    await seedLeads(db, count);
    const seeded = Date.now() - started;
    await score(db);
    console.log(`seeded ${count} leads in ${seeded} ms, scored them in ${Date.now() - started - seeded} ms`);
  }
  const shape = await sql<{ temperature: string; status: string; n: number }>`
    select temperature, status, count(*)::int as n from leads group by 1, 2 order by 1, 2`.execute(db);
  console.log('leads by temperature and status:', JSON.stringify(shape.rows));
  const version = await sql<{ v: string }>`select version() as v`.execute(db);
  console.log(version.rows[0]?.v);
  await storedSort(db, '-fit', FIT, 'numeric', 'leads_fit');
  await storedSort(db, '-temperature', TEMPERATURE, 'int4', 'leads_temperature_rank');
  await interest(db);
} finally {
  await handle.close();
  if (!keep) await admin(`drop database if exists ${NAME} with (force)`);
}
