import { type Kysely, sql } from 'kysely';

// The website tracker (issue 16 item 1, docs/integrations.md "Website tracker"): site keys, the
// anonymous visitors they report, and each visitor's history until it is identified.
// Forward-only; times come from the application's clock.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A site key is publishable (it sits in every page of the site), so it is kept in clear: it only
  // lets a browser on an allowed origin send tracker events. Revoking sets revoked_at; the row stays
  // because visitors name it.
  await sql`
    create table tracker_site_keys (
      id uuid primary key default gen_random_uuid(),
      key text not null unique,
      name text not null,
      allowed_origins text[] not null,
      require_consent boolean not null default false,
      honour_do_not_track boolean not null default true,
      capture_forms boolean not null default false,
      created_at timestamptz not null,
      created_by text,
      updated_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);

  // One row per browser: the id is the one the tracker made and keeps in the site's storage. No IP
  // address and no user agent are kept. first_touch holds the UTM parameters and referrer host of
  // the first page view (the lead's source and campaign when the tracker creates it). Erasing the
  // lead erases its visitors.
  await sql`
    create table tracker_visitors (
      id text primary key,
      site_key_id uuid not null references tracker_site_keys (id),
      lead_id uuid references leads (id) on delete cascade,
      first_touch jsonb not null default '{}'::jsonb,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      identified_at timestamptz
    )`.execute(db);
  await sql`create index tracker_visitors_lead on tracker_visitors (lead_id) where lead_id is not null`.execute(
    db,
  );

  // What an anonymous visitor did, until it is identified: then these rows become the lead's events
  // (at their original times) and are deleted. The event id is the tracker's, so a retried beacon
  // is a duplicate.
  await sql`
    create table tracker_visitor_events (
      visitor_id text not null references tracker_visitors (id) on delete cascade,
      event_id text not null,
      type text not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      properties jsonb not null default '{}'::jsonb,
      primary key (visitor_id, event_id)
    )`.execute(db);
}
