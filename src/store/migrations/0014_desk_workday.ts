import { type Kysely, sql } from 'kysely';

// The rep's day (docs/lead-desk.md): a task records why it closed and what the rep logged when
// completing it, and each user keeps named views of the leads table. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  // closed_reason: null while open; `completed` by a person or a touch, or the lead's fate that
  // closed it (`customer`, `lost`, `disqualified`, `merged`, `cooled`). Tasks done before this
  // migration were all completed by hand or by a touch.
  await sql`alter table tasks add column closed_reason text`.execute(db);
  await sql`alter table tasks add column outcome text`.execute(db);
  await sql`update tasks set closed_reason = 'completed' where done_at is not null`.execute(db);

  await sql`
    create table saved_views (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      name text not null,
      view jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (user_id, name)
    )`.execute(db);
}
