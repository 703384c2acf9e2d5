import { type Kysely, sql, type Transaction } from 'kysely';
import type { NewSignal, Signal, SignalType } from '../domain/desk/signal.js';
import type { Database } from './schema.js';

export interface SignalStore {
  /** Appends to the outbox; call inside the transaction that makes the change. */
  emit(signals: readonly NewSignal[], now: Date): Promise<void>;
  /**
   * Takes the dispatch lock until the transaction ends (an advisory lock): false when another
   * instance holds it. One dispatcher at a time keeps each lead's signals in commit order
   * across instances; a crashed holder's lock goes with its connection.
   */
  tryDispatchLock(): Promise<boolean>;
  /** The oldest signals not yet dispatched, in id order. */
  undispatched(limit: number): Promise<Signal[]>;
  markDispatched(ids: readonly number[], now: Date): Promise<void>;
  /**
   * Records a failed dispatch of one signal; after `maxAttempts` it is set aside as dispatched
   * with its error kept, so one bad signal cannot hold up the others for ever.
   */
  recordFailure(id: number, error: string, now: Date, maxAttempts: number): Promise<void>;
  /** Deletes signals dispatched before `before`; returns how many. */
  prune(before: Date): Promise<number>;
  /** A lead's signals, oldest first. */
  forLead(leadId: string): Promise<Signal[]>;
}

// Any fixed number: it names the lock in pg_locks. ('hrth' in ASCII.)
const DISPATCH_LOCK = 0x68727468;

export function signalStore(db: Kysely<Database> | Transaction<Database>): SignalStore {
  const toSignal = (r: {
    id: number;
    type: string;
    lead_id: string | null;
    payload: Record<string, unknown>;
    occurred_at: Date;
    created_at: Date;
  }): Signal => ({
    id: r.id,
    type: r.type as SignalType,
    leadId: r.lead_id,
    payload: r.payload,
    occurredAt: r.occurred_at,
    recordedAt: r.created_at,
  });
  return {
    emit: async (signals, now) => {
      if (signals.length === 0) return;
      await db
        .insertInto('signals')
        .values(
          signals.map((s) => ({
            type: s.type,
            lead_id: s.leadId,
            payload: JSON.stringify(s.payload),
            occurred_at: s.occurredAt,
            created_at: now,
          })),
        )
        .execute();
    },
    tryDispatchLock: async () => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${DISPATCH_LOCK}) as locked`.execute(db);
      return rows[0]?.locked === true;
    },
    undispatched: async (limit) =>
      (
        await db
          .selectFrom('signals')
          .select(['id', 'type', 'lead_id', 'payload', 'occurred_at', 'created_at'])
          .where('dispatched_at', 'is', null)
          .orderBy('id')
          .limit(limit)
          .execute()
      ).map(toSignal),
    markDispatched: async (ids, now) => {
      if (ids.length === 0) return;
      await db
        .updateTable('signals')
        .set({ dispatched_at: now })
        .where('id', 'in', [...ids])
        .execute();
    },
    recordFailure: async (id, error, now, maxAttempts) => {
      await db
        .updateTable('signals')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 2000),
          dispatched_at: sql<Date | null>`case when attempts + 1 >= ${maxAttempts} then ${now.toISOString()}::timestamptz end`,
        }))
        .where('id', '=', id)
        .execute();
    },
    prune: async (before) => {
      const result = await db.deleteFrom('signals').where('dispatched_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    forLead: async (leadId) =>
      (
        await db
          .selectFrom('signals')
          .select(['id', 'type', 'lead_id', 'payload', 'occurred_at', 'created_at'])
          .where('lead_id', '=', leadId)
          .orderBy('id')
          .execute()
      ).map(toSignal),
  };
}
