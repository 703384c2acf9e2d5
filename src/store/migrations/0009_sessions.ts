import { type Kysely, sql } from 'kysely';

// Web app sign-in (SPEC §6: sessions httpOnly, SameSite, CSRF-safe). Forward-only.
// The cookie carries a random token; the table keeps only its SHA-256 digest, as for API keys.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sessions (
      token_hash text primary key,
      user_id uuid not null references users (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index sessions_user on sessions (user_id)`.execute(db);
  await sql`create index sessions_expiry on sessions (expires_at)`.execute(db);
}
