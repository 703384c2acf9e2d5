import { type Kysely, sql } from 'kysely';

// The leads table filtered by temperature in its default order (GET /api/v1/leads?temperature=hot,
// newest first). Without this index PostgreSQL walks leads_created backwards and drops every lead
// of another temperature: about 5,000 rows read per page of 100 hot leads at 100k leads (2% hot),
// 10,000 in a rep's scope. With it a page reads its own rows. Measured in docs/performance.md
// (bench/leads-list-plans.ts). Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index leads_temperature_created on leads (temperature, created_at, id)`.execute(db);
}
