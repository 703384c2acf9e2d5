import { type Kysely, sql, type Transaction } from 'kysely';
import { MERGED_LEAD_TABLES, type MergedLeadTable } from './lead-merge.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One stored row as the database holds it: its columns by name, timestamps as ISO 8601 text. */
export type StoredRow = Record<string, unknown>;

/**
 * Every row Hearth holds about one lead (SPEC §6, "export everything about one lead"): the lead's
 * own row, each table with a `lead_id` (the same list a merge moves, so a new table is exported
 * the moment a merge would move it), the attempts of its webhook deliveries and the audit entries
 * about it or naming it.
 */
export interface LeadRecords {
  readonly lead: StoredRow;
  readonly rows: Readonly<Record<MergedLeadTable, StoredRow[]>>;
  readonly webhookAttempts: StoredRow[];
  readonly audit: StoredRow[];
}

export interface LeadRecordStore {
  /**
   * All rows about the lead, each table in the order they were written; undefined for no lead.
   *
   * @example const records = await store.leadRecords.of(id); records?.rows.events.length
   */
  of(id: string): Promise<LeadRecords | undefined>;
  /**
   * Deletes what erasing the lead's row does not cascade to: its announcements in the outbox
   * (`signals`, whose payloads carry the lead's data and which have no foreign key, so that a
   * signal outlives nothing it announces). Call in the transaction that deletes the lead.
   */
  eraseTraces(id: string): Promise<void>;
}

// Within a table: the order rows were written, by the first column that says so.
const ORDER: Record<MergedLeadTable, string> = {
  events: 'id',
  event_keys: 'event_id',
  lead_transitions: 'id',
  tasks: 'created_at',
  first_touch_timers: 'started_at',
  lead_status_changes: 'at',
  signals: 'id',
  webhook_deliveries: 'id',
  automation_runs: 'id',
  inbound_hook_deliveries: 'id',
  tracker_visitors: 'first_seen_at',
  form_submissions: 'id',
  notifications: 'id',
};

export function leadRecordStore(db: Db): LeadRecordStore {
  const rowsOf = async (query: ReturnType<typeof sql<{ row: StoredRow }>>) =>
    (await query.execute(db)).rows.map((r) => r.row);
  return {
    of: async (id) => {
      // The text search vector and the scoring keys are derived from the row: not data about the
      // person beyond what the other columns say.
      const [lead] = await rowsOf(
        sql<{ row: StoredRow }>`select to_jsonb(l) - 'search' as row from leads l where l.id = ${id}::uuid`,
      );
      if (!lead) return undefined;
      const rows = {} as Record<MergedLeadTable, StoredRow[]>;
      for (const table of MERGED_LEAD_TABLES) {
        rows[table] = await rowsOf(sql<{ row: StoredRow }>`
          select to_jsonb(t) as row from ${sql.table(table)} t
          where t.lead_id = ${id}::uuid order by ${sql.ref(`t.${ORDER[table]}`)}`);
      }
      const webhookAttempts = await rowsOf(sql<{ row: StoredRow }>`
        select to_jsonb(a) as row from webhook_attempts a
        join webhook_deliveries d on d.id = a.delivery_id
        where d.lead_id = ${id}::uuid order by a.id`);
      // Entries about the lead, and entries about its tasks and the like that name it in details.
      const audit = await rowsOf(sql<{ row: StoredRow }>`
        select to_jsonb(a) as row from audit_log a
        where (a.entity = 'lead' and a.entity_id = ${id})
           or a.details->>'leadId' = ${id}
        order by a.id`);
      return { lead, rows, webhookAttempts, audit };
    },
    eraseTraces: async (id) => {
      await db.deleteFrom('signals').where('lead_id', '=', id).execute();
    },
  };
}
