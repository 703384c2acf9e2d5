import { type Kysely, sql } from 'kysely';

// A lead's speed-to-lead timers (GET /queue reads the latest of each hot lead's on every request,
// the lead page all of a lead's). Only the running timer per lead was indexed (partial), so each
// of those reads scanned every timer ever started, one per lead that ever turned hot: 6,000 timers
// were 4.7 ms a queue read on PGlite, 1.2 ms with this index (docs/performance.md). It also keeps
// the cascade of a lead's deletion from scanning the table. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index first_touch_timers_lead on first_touch_timers (lead_id, id)`.execute(db);
}
