import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface AuditEntry {
  readonly actorUserId?: string | null;
  readonly actorKeyId?: string | null;
  readonly action: string;
  readonly entity: string;
  readonly entityId?: string | null;
  readonly details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  readonly id: number;
  readonly at: Date;
}

export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  forEntity(entity: string, entityId: string): Promise<AuditRecord[]>;
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
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actorUserId: r.actor_user_id,
        actorKeyId: r.actor_key_id,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        details: r.details,
      }));
    },
  };
}
