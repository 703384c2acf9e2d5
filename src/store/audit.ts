import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AuditLogTable, Database } from './schema.js';

export interface AuditEntry {
  readonly actorUserId?: string | null;
  readonly actorKeyId?: string | null;
  readonly action: string;
  readonly entity: string;
  readonly entityId?: string | null;
  readonly details?: Record<string, unknown>;
}

/** A stored entry: every field present (null where the entry had none). */
export interface AuditRecord extends Required<AuditEntry> {
  readonly id: number;
  readonly at: Date;
}

/** Filters of the audit log; all optional, combined with and. */
export interface AuditQuery {
  readonly entity?: string | undefined;
  readonly entityId?: string | undefined;
  readonly action?: string | undefined;
  readonly actorUserId?: string | undefined;
  /** Entries at or after this instant. */
  readonly since?: Date | undefined;
  /** Entries before this instant. */
  readonly until?: Date | undefined;
  readonly limit: number;
  /** Continue with entries older than this id (the `next` of the previous page). */
  readonly beforeId?: number | undefined;
}

export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  forEntity(entity: string, entityId: string): Promise<AuditRecord[]>;
  /**
   * One page of the log, newest first (by id, the order entries were written), and the id to
   * continue before, or null on the last page.
   *
   * @example await store.audit.list({ entity: 'lead', entityId: id, limit: 50 })
   */
  list(query: AuditQuery): Promise<{ entries: AuditRecord[]; next: number | null }>;
}

function toRecord(r: Selectable<AuditLogTable>): AuditRecord {
  return {
    id: Number(r.id),
    at: r.at,
    actorUserId: r.actor_user_id,
    actorKeyId: r.actor_key_id,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    details: r.details,
  };
}

export function auditStore(db: Kysely<Database> | Transaction<Database>): AuditStore {
  return {
    record: async (entry) => {
      await db
        .insertInto('audit_log')
        .values({
          actor_user_id: entry.actorUserId ?? null,
          actor_key_id: entry.actorKeyId ?? null,
          action: entry.action,
          entity: entry.entity,
          entity_id: entry.entityId ?? null,
          details: JSON.stringify(entry.details ?? {}),
        })
        .execute();
    },
    forEntity: async (entity, entityId) => {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity', '=', entity)
        .where('entity_id', '=', entityId)
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
    list: async (query) => {
      let q = db.selectFrom('audit_log').selectAll();
      if (query.entity !== undefined) q = q.where('entity', '=', query.entity);
      if (query.entityId !== undefined) q = q.where('entity_id', '=', query.entityId);
      if (query.action !== undefined) q = q.where('action', '=', query.action);
      if (query.actorUserId !== undefined) q = q.where('actor_user_id', '=', query.actorUserId);
      if (query.since !== undefined) q = q.where('at', '>=', query.since);
      if (query.until !== undefined) q = q.where('at', '<', query.until);
      if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const entries = rows.slice(0, query.limit).map(toRecord);
      const last = entries.at(-1);
      return { entries, next: rows.length > query.limit && last ? last.id : null };
    },
  };
}
