import { type Kysely, sql } from 'kysely';

// The leads table sorted by fit or by temperature (GET /api/v1/leads?sort=-fit, ?sort=-temperature),
// keyset-paged on the same expressions as store/leads.ts SORT_EXPRESSIONS. Without these, each page
// of either sort read and sorted every lead the filters keep (a sequential scan and a top-N sort
// of 100,000 rows; docs/performance.md, bench/leads-sort-plans.ts); with them a page reads its own
// rows. Temperature sorts hot > warm > cool > cold with closed leads (customer, lost, disqualified)
// below cold: the table shows their status, not a live temperature. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index leads_fit on leads ((coalesce(fit, -1)), id)`.execute(db);
  await sql`
    create index leads_temperature_rank on leads ((
      case when status <> 'open' then 0
        else case temperature when 'cold' then 1 when 'cool' then 2 when 'warm' then 3 when 'hot' then 4 end
      end), id)`.execute(db);
}
