import { type Kysely, sql } from 'kysely';

// Inbound adapters for email tools, forms and meetings (issue 16 item 3, docs/integrations.md):
// the provider check gains sendgrid, mailgun, postmark, typeform and calendly, and a table keeps
// the one-time tokens a provider signs (Mailgun's), so that a captured delivery replayed inside
// its timestamp window is refused. Forward-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table inbound_hooks drop constraint inbound_hooks_provider_check`.execute(db);
  await sql`
    alter table inbound_hooks add constraint inbound_hooks_provider_check check (provider in
      ('twilio', 'callrail', 'aircall', 'sendgrid', 'mailgun', 'postmark', 'typeform', 'calendly', 'generic'))
  `.execute(db);

  // Rows older than the provider's window are deleted as new ones arrive (receive.ts): a token
  // that old is refused by its timestamp anyway.
  await sql`
    create table inbound_hook_nonces (
      hook_id uuid not null references inbound_hooks (id),
      nonce text not null,
      seen_at timestamptz not null,
      primary key (hook_id, nonce)
    )`.execute(db);
  await sql`create index inbound_hook_nonces_age on inbound_hook_nonces (hook_id, seen_at)`.execute(db);
}
