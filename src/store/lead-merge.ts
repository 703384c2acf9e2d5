import { type Kysely, sql, type Transaction } from 'kysely';
import type { MatchKeys } from '../domain/duplicates.js';
import type { Lead } from '../domain/lead.js';
import { toLead } from './leads.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Every table whose rows belong to a lead (a `lead_id` column), moved by a merge in this order.
 * A table added with a `lead_id` must be added here too — or, if its rows should go with the
 * duplicate, listed in `LEFT_WITH_DUPLICATE` — else deleting the duplicate would silently cascade
 * them away; test/http/merge-api.test.ts fails until it is.
 */
export const MERGED_LEAD_TABLES = [
  'events',
  'event_keys',
  'lead_transitions',
  'tasks',
  'first_touch_timers',
  'lead_status_changes',
  // Announcements and what was sent about them keep their payloads (which name the duplicate's
  // id, as it was then); they now belong to the survivor's history.
  'signals',
  'webhook_deliveries',
  // Runs of automation rules: the loop guard counts a rule's recent runs per lead, so they follow
  // the person.
  'automation_runs',
  // What a call tracker or another inbound adapter delivered for the person (docs/integrations.md).
  'inbound_hook_deliveries',
  // The website tracker's browsers identified as the person: their later visits follow the lead.
  'tracker_visitors',
  // What hosted forms logged about the person's posts (docs/integrations.md).
  'form_submissions',
  // What reps were told about the person: the bell's links then open the survivor.
  'notifications',
] as const;
export type MergedLeadTable = (typeof MERGED_LEAD_TABLES)[number];

/**
 * Tables with a `lead_id` whose rows go with the deleted duplicate. An import job's list of its
 * leads is keyed by (job, lead), so moving a row could collide with the survivor's own: `mergeInto`
 * adds the survivor to the duplicate's jobs instead, and the duplicate's rows cascade away.
 */
export const LEFT_WITH_DUPLICATE: readonly string[] = ['import_job_leads'];

/** How many rows of each table a merge moved. */
export type MovedRows = Record<MergedLeadTable, number>;

/**
 * Leads sharing a match key with a lead (its phone key or its account key), except the lead
 * itself, at most `limit`. The domain decides which of them are duplicates.
 */
export async function duplicateCandidates(
  db: Db,
  exceptId: string,
  keys: MatchKeys,
  limit: number,
): Promise<Lead[]> {
  if (keys.phoneKey === null && keys.accountKey === null) return [];
  const rows = await db
    .selectFrom('leads')
    .selectAll()
    .where('id', '!=', exceptId)
    .where((eb) =>
      eb.or([
        ...(keys.phoneKey !== null ? [eb('phone_key', '=', keys.phoneKey)] : []),
        ...(keys.accountKey !== null ? [eb('account_key', '=', keys.accountKey)] : []),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toLead);
}

/**
 * Moves everything that belongs to the duplicate onto the survivor, then deletes the duplicate.
 * Must run inside a transaction, with both leads locked, after the duplicate's running timer and
 * open tasks were closed (`merged`): a lead runs one clock, and the survivor keeps its own.
 *
 * @example await tx.leads.mergeInto(survivor.id, duplicate.id)
 */
export async function mergeInto(db: Db, survivorId: string, duplicateId: string): Promise<MovedRows> {
  const moved = {} as MovedRows;
  // One statement per table, named in the code rather than looked up, so that a reader sees
  // exactly what a merge touches.
  for (const table of MERGED_LEAD_TABLES) {
    const result = await db
      .updateTable(table)
      .set({ lead_id: survivorId })
      .where('lead_id', '=', duplicateId)
      .executeTakeFirst();
    moved[table] = Number(result.numUpdatedRows);
  }
  await sql`
    insert into import_job_leads (job_id, lead_id)
    select job_id, ${survivorId}::uuid from import_job_leads where lead_id = ${duplicateId}::uuid
    on conflict do nothing`.execute(db);
  await db.deleteFrom('leads').where('id', '=', duplicateId).execute();
  return moved;
}
