import { type Kysely, sql, type Transaction } from 'kysely';
import { HearthError } from '../domain/errors.js';
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
  /**
   * The events already stored under these external ids, in event id order: how an adapter or a
   * form tells a re-delivery before it creates anything.
   */
  byExternalIds(externalIds: readonly string[]): Promise<StoredEventKey[]>;
}

/** An external id that is taken, with the event and lead it names. */
export interface StoredEventKey {
  readonly externalId: string;
  readonly eventId: number;
  readonly leadId: string;
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
      // The first event with a given external id in the batch is the one that may be stored.
      const firstIndex = new Map<string, number>();
      events.forEach((e, i) => {
        if (e.externalId !== null && !firstIndex.has(e.externalId)) firstIndex.set(e.externalId, i);
      });
      // One statement (one round trip): number every event, claim the external ids of the first
      // of each with that id, store the events without an id or whose claim won. Concurrent claims
      // of one key serialise on the primary key of event_keys; the loser sees a conflict. The
      // final select reads event_keys as of the statement's start, so it names the earlier event
      // of a key stored before (a re-import) but not one a concurrent batch committed while this
      // statement waited for it: those few are read after.
      const { rows } = await sql<{ id: string | number; won: boolean; earlier: string | number | null }>`
        with input as materialized (
          select u.*, nextval(pg_get_serial_sequence('events', 'id'))::int8 as id
          from unnest(
            ${events.map((e) => e.leadId)}::uuid[],
            ${events.map((e) => e.type)}::text[],
            ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[],
            ${events.map((e) => e.externalId)}::text[],
            ${events.map((e) => JSON.stringify(e.properties))}::jsonb[],
            ${events.map((e, i) => e.externalId !== null && firstIndex.get(e.externalId) === i)}::bool[]
          ) with ordinality as u(lead_id, type, occurred_at, external_id, properties, first, ord)
        ),
        claimed as (
          insert into event_keys (external_id, event_id, lead_id)
          select external_id, id, lead_id from input where first
          on conflict (external_id) do nothing
          returning external_id
        ),
        stored as (
          insert into events (id, lead_id, type, occurred_at, external_id, properties, received_at)
          select id, lead_id, type, occurred_at, external_id, properties, ${receivedAt.toISOString()}::timestamptz
          from input
          where external_id is null or (first and external_id in (select external_id from claimed))
        )
        select i.id, (i.external_id is null or c.external_id is not null) as won, k.event_id as earlier
        from input i
        left join claimed c on i.first and c.external_id = i.external_id
        left join event_keys k on i.first and c.external_id is null and k.external_id = i.external_id
        order by i.ord`.execute(db);
      const ids = rows.map((r) => Number(r.id));
      const duplicates = new Map<string, number>();
      const unseen: string[] = [];
      rows.forEach((r, i) => {
        const externalId = events[i]?.externalId ?? null;
        if (externalId === null || r.won || firstIndex.get(externalId) !== i) return;
        if (r.earlier === null) unseen.push(externalId);
        else duplicates.set(externalId, Number(r.earlier));
      });
      if (unseen.length > 0) {
        const earlier = await db
          .selectFrom('event_keys')
          .select(['external_id', 'event_id'])
          .where('external_id', 'in', unseen)
          .execute();
        for (const row of earlier) duplicates.set(row.external_id, Number(row.event_id));
        const gone = unseen.find((k) => !duplicates.has(k));
        // Claimed by a batch that committed, then deleted with its lead before this read: nothing
        // is stored under the id now, so the same batch sent again stores the event.
        if (gone !== undefined) {
          throw new HearthError(
            'conflict',
            `Another batch stored an event with the id ${gone} while this one ran, and its lead was erased before this batch could tell; send the batch again (its events stored already come back as duplicates)`,
            { externalId: gone },
          );
        }
      }
      return events.map((e, i): { id: number } | { duplicateOf: number } => {
        if (e.externalId === null) return { id: ids[i] as number };
        const earlier = duplicates.get(e.externalId);
        if (earlier !== undefined) return { duplicateOf: earlier };
        const first = firstIndex.get(e.externalId) as number;
        return first === i ? { id: ids[i] as number } : { duplicateOf: ids[first] as number };
      });
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
    byExternalIds: async (externalIds) => {
      if (externalIds.length === 0) return [];
      const rows = await db
        .selectFrom('event_keys')
        .select(['external_id', 'event_id', 'lead_id'])
        .where('external_id', 'in', [...externalIds])
        .orderBy('event_id')
        .execute();
      return rows.map((r) => ({ externalId: r.external_id, eventId: Number(r.event_id), leadId: r.lead_id }));
    },
  };
}
