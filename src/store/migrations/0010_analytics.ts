import { type Kysely, sql } from 'kysely';

// Analytics (SPEC §5; docs/analytics.md). Forward-only. Indexes only: every report is computed
// from the tables the desk and the scorer already keep.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The funnel and the breakdowns ask "when did this lead first turn hot / warm" for each lead of
  // a cohort: a small partial index answers from the index alone.
  await sql`create index lead_transitions_hot on lead_transitions (lead_id, at) where to_temperature = 'hot'`.execute(
    db,
  );
  await sql`create index lead_transitions_warm on lead_transitions (lead_id, at) where to_temperature in ('warm', 'hot')`.execute(
    db,
  );
  // "When was this lead first won": the funnel and the breakdowns, per lead.
  await sql`create index lead_status_changes_won on lead_status_changes (lead_id, at) where to_status = 'customer'`.execute(
    db,
  );
  // Speed to lead: the timers started in a window.
  await sql`create index first_touch_timers_started on first_touch_timers (started_at)`.execute(db);
}
