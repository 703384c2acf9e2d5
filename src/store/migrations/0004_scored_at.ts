import { type Kysely, sql } from 'kysely';

// The decay sweeper (src/jobs/due-work.ts) applies the transitions that happened by themselves
// since the stored temperature was computed: it needs that instant. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads add column scored_at timestamptz`.execute(db);
  // Rows scored before this column: the stored temperature was exact when it last changed, and no
  // transition happened by itself since without the sweeper noticing, so that instant is safe.
  await sql`update leads set scored_at = coalesce(temperature_since, updated_at) where score_state is not null`.execute(
    db,
  );
}
