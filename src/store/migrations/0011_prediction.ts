import { type Kysely, sql } from 'kysely';

// The predictive score (SPEC §5; docs/prediction.md). Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every trained model is kept: the latest is the one in use, the rest are its history.
  await sql`
    create table prediction_models (
      id serial primary key,
      trained_at timestamptz not null,
      trained_by uuid references users (id) on delete set null,
      trigger text not null check (trigger in ('manual', 'schedule')),
      exclude jsonb not null default '[]',
      predictor jsonb not null,
      report jsonb not null
    )`.execute(db);
  // A training run, for progress and for the schedule. At most one runs at a time across
  // instances: the partial unique index makes a second start fail instead of racing.
  await sql`
    create table prediction_runs (
      id serial primary key,
      state text not null check (state in ('running', 'done', 'failed')),
      trigger text not null check (trigger in ('manual', 'schedule')),
      requested_by uuid references users (id) on delete set null,
      exclude jsonb not null default '[]',
      started_at timestamptz not null,
      heartbeat_at timestamptz not null,
      finished_at timestamptz,
      progress jsonb not null default '{}',
      error text,
      model_id integer references prediction_models (id)
    )`.execute(db);
  await sql`create unique index prediction_runs_one_running on prediction_runs ((true)) where state = 'running'`.execute(
    db,
  );
  // Stored on the lead (SPEC §5): read with it in lists and exports, sorted on in the table.
  await sql`
    alter table leads
      add column probability double precision,
      add column prediction jsonb,
      add column predicted_at timestamptz,
      add column prediction_model_id integer`.execute(db);
  // The leads table sorts on it (store/leads.ts: leads without one sort below every probability).
  await sql`create index leads_probability on leads ((coalesce(probability, -1)), id)`.execute(db);
  // The leads whose probability is out of date: open and never predicted, closed with one, or
  // changed since (an edit, an event, a rescore). Small, so the re-prediction every few minutes reads only them.
  await sql`
    create index leads_prediction_due on leads (id)
    where (predicted_at is null and status = 'open') or (status <> 'open' and probability is not null)
      or predicted_at < updated_at or predicted_at < last_activity_at or predicted_at < scored_at`.execute(
    db,
  );
}
