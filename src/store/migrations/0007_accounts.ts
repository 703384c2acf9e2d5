import { type Kysely, sql } from 'kysely';
import { matchKeys } from '../../domain/duplicates.js';

// Accounts and duplicates (SPEC §2 Company, Duplicates and merge). Forward-only.
//
// Both keys are derived by the domain (domain/account.ts, domain/duplicates.ts) and written with
// every lead write; they are columns so that an account's leads and a lead's possible duplicates
// are found by index. If the rules change, a new migration backfills again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads add column account_key text, add column phone_key text`.execute(db);
  await sql`create index leads_account_key on leads (account_key, id) where account_key is not null`.execute(
    db,
  );
  await sql`create index leads_phone_key on leads (phone_key) where phone_key is not null`.execute(db);

  // Backfill in id order, a thousand leads per statement, so that a large table never sits in memory.
  let after: string | null = null;
  for (;;) {
    const page: {
      rows: { id: string; email: string | null; company: string | null; phone: string | null }[];
    } = await sql<{ id: string; email: string | null; company: string | null; phone: string | null }>`
        select id, email, company, phone from leads
        where ${after === null ? sql`true` : sql`id > ${after}::uuid`}
        order by id limit 1000`.execute(db);
    if (page.rows.length === 0) break;
    const keys = page.rows.map((row) => matchKeys(row));
    await sql`
      update leads set account_key = v.account_key, phone_key = v.phone_key
      from unnest(
        ${page.rows.map((r) => r.id)}::uuid[],
        ${keys.map((k) => k.accountKey)}::text[],
        ${keys.map((k) => k.phoneKey)}::text[]
      ) as v(id, account_key, phone_key)
      where leads.id = v.id`.execute(db);
    after = (page.rows.at(-1) as { id: string }).id;
  }
}
