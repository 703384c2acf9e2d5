import { type Kysely, sql } from 'kysely';

// Imports as resumable jobs (issue 17 items 2–3, docs/import.md): the job with its mapping and
// progress, the uploaded file in chunks (in the database, so that any instance can resume it),
// the rows it rejected and the leads it wrote (the leads list's `import` filter). Forward-only;
// times come from the application's clock.
export async function up(db: Kysely<unknown>): Promise<void> {
  // state: uploading (the body is still arriving) → queued → running → done | failed. Progress
  // counts only committed chunks: rows_read is where a resumed run starts reading again.
  await sql`
    create table import_jobs (
      id uuid primary key,
      kind text not null check (kind in ('leads', 'events')),
      format text not null check (format in ('csv', 'ndjson', 'json')),
      file_name text,
      column_map jsonb not null,
      date_order text check (date_order in ('mdy', 'dmy')),
      chunk_rows integer not null check (chunk_rows > 0),
      state text not null check (state in ('uploading', 'queued', 'running', 'done', 'failed')),
      size_bytes bigint not null default 0,
      total_rows integer,
      rows_read integer not null default 0,
      created integer not null default 0,
      updated integer not null default 0,
      skipped integer not null default 0,
      rejected integer not null default 0,
      plan jsonb,
      notes jsonb not null default '[]',
      error text,
      leased_until timestamptz,
      created_by uuid references users (id) on delete set null,
      created_by_key uuid,
      -- The role the job writes with, as its creator had it (a resumed run has no request).
      created_by_role text not null,
      created_at timestamptz not null,
      finished_at timestamptz
    )`.execute(db);
  await sql`create index import_jobs_unfinished on import_jobs (created_at) where state in ('uploading', 'queued', 'running')`.execute(
    db,
  );
  await sql`create index import_jobs_recent on import_jobs (created_at desc)`.execute(db);

  // The upload, kept until the job ends; 1 MB pieces so neither side holds the file in memory.
  await sql`
    create table import_job_chunks (
      job_id uuid not null references import_jobs (id) on delete cascade,
      seq integer not null,
      bytes bytea not null,
      primary key (job_id, seq)
    )`.execute(db);

  // record: the row's cells as read (CSV: column → text; NDJSON: the object), for the download.
  await sql`
    create table import_job_rejects (
      job_id uuid not null references import_jobs (id) on delete cascade,
      row_number integer not null,
      location text not null,
      reason text not null,
      record jsonb,
      primary key (job_id, row_number)
    )`.execute(db);

  await sql`
    create table import_job_leads (
      job_id uuid not null references import_jobs (id) on delete cascade,
      lead_id uuid not null references leads (id) on delete cascade,
      primary key (job_id, lead_id)
    )`.execute(db);
  await sql`create index import_job_leads_lead on import_job_leads (lead_id)`.execute(db);
}
