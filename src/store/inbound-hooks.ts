import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DeliveryOutcome, HookProvider, InboundHook } from '../domain/integrations/hook.js';
import type { Lead } from '../domain/lead.js';
import { toLead } from './leads.js';
import type { Database, InboundHookDeliveriesTable, InboundHooksTable } from './schema.js';

/** A hook with its secret: for verifying deliveries, never for answering the API. */
export interface InboundHookWithSecret extends InboundHook {
  readonly secret: string;
}

export interface NewInboundHook {
  readonly provider: HookProvider;
  readonly name: string;
  readonly secret: string;
  readonly config: Record<string, unknown>;
  readonly createdBy: string | null;
}

export interface HookDelivery {
  readonly id: number;
  readonly hookId: string;
  readonly receivedAt: Date;
  readonly outcome: DeliveryOutcome;
  readonly reason: string | null;
  /** The provider's id of what was delivered (`twilio:call:CA…`), when it was read. */
  readonly externalId: string | null;
  readonly leadId: string | null;
  readonly leadCreated: boolean;
  readonly eventIds: number[];
}

export type NewHookDelivery = Omit<HookDelivery, 'id'>;

export interface InboundHookStore {
  create(hook: NewInboundHook, now: Date): Promise<InboundHook>;
  list(): Promise<InboundHook[]>;
  /** Deleted hooks included. */
  byId(id: string): Promise<InboundHookWithSecret | undefined>;
  update(
    id: string,
    changes: { name?: string; secret?: string; config?: Record<string, unknown>; active?: boolean },
    now: Date,
  ): Promise<InboundHook | undefined>;
  /** Sets deleted_at and active = false; undefined when there is no such live hook. */
  softDelete(id: string, now: Date): Promise<InboundHook | undefined>;
  logDelivery(delivery: NewHookDelivery): Promise<HookDelivery>;
  /** Newest first, below `before` when given. */
  deliveries(hookId: string, options: { limit: number; before?: number }): Promise<HookDelivery[]>;
  /** Leads whose phone key (domain/duplicates.ts) is this one, oldest first. */
  leadsByPhoneKey(phoneKey: string, limit: number): Promise<Lead[]>;
  /**
   * Serialises, until the transaction ends, deliveries about one person (`key`: a phone or an
   * email), so that two deliveries from a new caller create one lead.
   */
  lockPerson(key: string): Promise<void>;
  /**
   * Records a one-time token a provider signed (Mailgun's); false when this hook saw it before (a
   * replay). Tokens seen before `expiredBefore` are forgotten first.
   */
  claimNonce(hookId: string, nonce: string, now: Date, expiredBefore: Date): Promise<boolean>;
}

type Db = Kysely<Database> | Transaction<Database>;

function toHook(row: Selectable<InboundHooksTable>): InboundHookWithSecret {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    secret: row.secret,
    config: row.config,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    deletedAt: row.deleted_at,
  };
}

const withoutSecret = ({ secret: _secret, ...hook }: InboundHookWithSecret): InboundHook => hook;

function toDelivery(row: Selectable<InboundHookDeliveriesTable>): HookDelivery {
  return {
    id: row.id,
    hookId: row.hook_id,
    receivedAt: row.received_at,
    outcome: row.outcome,
    reason: row.reason,
    externalId: row.external_id,
    leadId: row.lead_id,
    leadCreated: row.lead_created,
    eventIds: row.event_ids.map(Number),
  };
}

export function inboundHookStore(db: Db): InboundHookStore {
  return {
    create: async (hook, now) => {
      const row = await db
        .insertInto('inbound_hooks')
        .values({
          provider: hook.provider,
          name: hook.name,
          secret: hook.secret,
          config: JSON.stringify(hook.config),
          created_at: now,
          created_by: hook.createdBy,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return withoutSecret(toHook(row));
    },
    list: async () => {
      const rows = await db
        .selectFrom('inbound_hooks')
        .selectAll()
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => withoutSecret(toHook(row)));
    },
    byId: async (id) => {
      const row = await db.selectFrom('inbound_hooks').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toHook(row) : undefined;
    },
    update: async (id, changes, now) => {
      const row = await db
        .updateTable('inbound_hooks')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.secret !== undefined ? { secret: changes.secret } : {}),
          ...(changes.config !== undefined ? { config: JSON.stringify(changes.config) } : {}),
          ...(changes.active !== undefined ? { active: changes.active } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? withoutSecret(toHook(row)) : undefined;
    },
    softDelete: async (id, now) => {
      const row = await db
        .updateTable('inbound_hooks')
        .set({ deleted_at: now, active: false, updated_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? withoutSecret(toHook(row)) : undefined;
    },
    logDelivery: async (delivery) => {
      const row = await db
        .insertInto('inbound_hook_deliveries')
        .values({
          hook_id: delivery.hookId,
          received_at: delivery.receivedAt,
          outcome: delivery.outcome,
          reason: delivery.reason,
          external_id: delivery.externalId,
          lead_id: delivery.leadId,
          lead_created: delivery.leadCreated,
          event_ids: delivery.eventIds,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDelivery(row);
    },
    deliveries: async (hookId, { limit, before }) => {
      let query = db.selectFrom('inbound_hook_deliveries').selectAll().where('hook_id', '=', hookId);
      if (before !== undefined) query = query.where('id', '<', before);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toDelivery);
    },
    leadsByPhoneKey: async (phoneKey, limit) => {
      const rows = await db
        .selectFrom('leads')
        .selectAll()
        .where('phone_key', '=', phoneKey)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toLead);
    },
    claimNonce: async (hookId, nonce, now, expiredBefore) => {
      await db
        .deleteFrom('inbound_hook_nonces')
        .where('hook_id', '=', hookId)
        .where('seen_at', '<', expiredBefore)
        .execute();
      const row = await db
        .insertInto('inbound_hook_nonces')
        .values({ hook_id: hookId, nonce, seen_at: now })
        .onConflict((oc) => oc.columns(['hook_id', 'nonce']).doNothing())
        .returning('nonce')
        .executeTakeFirst();
      return row !== undefined;
    },
    lockPerson: async (key) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`hearth:hook-person:${key}`}, 0))`.execute(
        db,
      );
    },
  };
}
