import { type Kysely, sql, type Transaction } from 'kysely';
import type { ActivityEvent } from '../domain/event.js';
import type { Database, EventRow } from './schema.js';

export interface NewEvent {
  readonly leadId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly externalId: string | null;
  readonly properties: Record<string, unknown>;
}

export interface EventPosition {
  readonly occurredAt: Date;
  readonly id: number;
}

export interface EventStore {
  /**
   * Stores the events whose external id is not taken yet (events without one are always new), in
   * a fixed number of statements whatever the batch size. Returns, in input order, the new event
   * id, or `{ duplicateOf }` with the id of the event stored earlier under the same external id.
   */
  append(
    events: readonly NewEvent[],
    receivedAt: Date,
  ): Promise<({ id: number } | { duplicateOf: number })[]>;
  /** A lead's events, newest first; `before` continues after the last event of a previous page. */
  forLead(leadId: string, options: { limit: number; before?: EventPosition }): Promise<ActivityEvent[]>;
  /** A lead's events that occurred at or after `since`, newest first, at most `limit`. */
  forLeadSince(leadId: string, since: Date, limit: number): Promise<ActivityEvent[]>;
  /** Events in id order after `afterId`, for streaming exports. */
  batchAfter(afterId: number, limit: number): Promise<ActivityEvent[]>;
  count(): Promise<number>;
}

export function toEvent(row: EventRow): ActivityEvent {
  return {
    id: row.id,
    leadId: row.lead_id,
    type: row.type,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    externalId: row.external_id,
    properties: row.properties,
  };
}

export function eventStore(db: Kysely<Database> | Transaction<Database>): EventStore {
  return {
    append: async (events, receivedAt) => {
      if (events.length === 0) return [];
      // Ids come first so that each external id can be claimed with the id of its event.
      const allocated = await sql<{ id: number }>`
        select nextval(pg_get_serial_sequence('events', 'id'))::int8 as id
        from generate_series(1, ${events.length}::int)`.execute(db);
      const ids = allocated.rows.map((r) => Number(r.id));
      // The first event with a given external id in the batch is the one that may be stored.
      const firstIndex = new Map<string, number>();
      events.forEach((e, i) => {
        if (e.externalId !== null && !firstIndex.has(e.externalId)) firstIndex.set(e.externalId, i);
      });
      const keyed = [...firstIndex].map(([externalId, i]) => ({ externalId, i }));
      const duplicates = new Map<string, number>();
      if (keyed.length > 0) {
        // Concurrent claims of one key serialise on the primary key; the loser sees a conflict.
        const claimed = await sql<{ external_id: string }>`
          insert into event_keys (external_id, event_id, lead_id)
          select * from unnest(
            ${keyed.map((k) => k.externalId)}::text[],
            ${keyed.map((k) => ids[k.i])}::int8[],
            ${keyed.map((k) => events[k.i]?.leadId)}::uuid[])
          on conflict (external_id) do nothing
          returning external_id`.execute(db);
        const won = new Set(claimed.rows.map((r) => r.external_id));
        const lost = keyed.filter((k) => !won.has(k.externalId)).map((k) => k.externalId);
        if (lost.length > 0) {
          const earlier = await db
            .selectFrom('event_keys')
            .select(['external_id', 'event_id'])
            .where('external_id', 'in', lost)
            .execute();
          for (const row of earlier) duplicates.set(row.external_id, row.event_id);
        }
      }
      const results = events.map((e, i): { id: number } | { duplicateOf: number } => {
        if (e.externalId === null) return { id: ids[i] as number };
        const earlier = duplicates.get(e.externalId);
        if (earlier !== undefined) return { duplicateOf: earlier };
        const first = firstIndex.get(e.externalId) as number;
        return first === i ? { id: ids[i] as number } : { duplicateOf: ids[first] as number };
      });
      const fresh = events.flatMap((e, i) => {
        const result = results[i];
        return result && 'id' in result ? [{ ...e, id: result.id }] : [];
      });
      if (fresh.length > 0) {
        await sql`
          insert into events (id, lead_id, type, occurred_at, external_id, properties, received_at)
          select *, ${receivedAt.toISOString()}::timestamptz from unnest(
            ${fresh.map((e) => e.id)}::int8[],
            ${fresh.map((e) => e.leadId)}::uuid[],
            ${fresh.map((e) => e.type)}::text[],
            ${fresh.map((e) => e.occurredAt.toISOString())}::timestamptz[],
            ${fresh.map((e) => e.externalId)}::text[],
            ${fresh.map((e) => JSON.stringify(e.properties))}::jsonb[])`.execute(db);
      }
      return results;
    },
    forLead: async (leadId, { limit, before }) => {
      let q = db
        .selectFrom('events')
        .selectAll()
        .where('lead_id', '=', leadId)
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (before !== undefined) {
        q = q.where(
          sql<boolean>`(occurred_at, id) < (${before.occurredAt.toISOString()}::timestamptz, ${before.id}::int8)`,
        );
      }
      return (await q.execute()).map(toEvent);
    },
    forLeadSince: async (leadId, since, limit) =>
      (
        await db
          .selectFrom('events')
          .selectAll()
          .where('lead_id', '=', leadId)
          .where('occurred_at', '>=', since)
          .orderBy('occurred_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit)
          .execute()
      ).map(toEvent),
    batchAfter: async (afterId, limit) =>
      (
        await db
          .selectFrom('events')
          .selectAll()
          .where('id', '>', afterId)
          .orderBy('id')
          .limit(limit)
          .execute()
      ).map(toEvent),
    count: async () => {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
