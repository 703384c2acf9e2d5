import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { FirstTouch, SiteKey, Visitor, VisitorEvent } from '../domain/tracking/site-key.js';
import type { Database, TrackerSiteKeysTable, TrackerVisitorsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewSiteKey {
  readonly key: string;
  readonly name: string;
  readonly allowedOrigins: readonly string[];
  readonly requireConsent: boolean;
  readonly honourDoNotTrack: boolean;
  readonly captureForms: boolean;
  readonly createdBy: string | null;
}

export type SiteKeyChanges = Partial<
  Pick<NewSiteKey, 'name' | 'allowedOrigins' | 'requireConsent' | 'honourDoNotTrack' | 'captureForms'>
>;

/**
 * Site keys of the website tracker, its visitors and their anonymous history (docs/integrations.md,
 * "Website tracker").
 *
 * @example
 * await tx.tracking.lockVisitor(id);
 * const visitor = (await tx.tracking.visitor(id)) ?? (await tx.tracking.createVisitor({ ... }, now));
 */
export interface TrackingStore {
  createSiteKey(key: NewSiteKey, now: Date): Promise<SiteKey>;
  /** Every key, revoked ones included, oldest first. */
  siteKeys(): Promise<SiteKey[]>;
  siteKeyById(id: string): Promise<SiteKey | undefined>;
  /** By the publishable `hpk_…` value; revoked ones included (the caller refuses them). */
  siteKeyByKey(key: string): Promise<SiteKey | undefined>;
  /** Undefined when there is no such key or it was revoked. */
  updateSiteKey(id: string, changes: SiteKeyChanges, now: Date): Promise<SiteKey | undefined>;
  /** Sets revoked_at; undefined when there is no such live key. */
  revokeSiteKey(id: string, now: Date): Promise<SiteKey | undefined>;

  /** Serialises, until the transaction ends, all writes about one visitor. */
  lockVisitor(id: string): Promise<void>;
  visitor(id: string): Promise<Visitor | undefined>;
  /** Creates the visitor unless it exists (then it is left as it is); returns the stored one. */
  createVisitor(
    visitor: { id: string; siteKeyId: string; firstTouch: FirstTouch },
    now: Date,
  ): Promise<Visitor>;
  /** Moves last_seen_at forward to `at` (never back). */
  seeVisitor(id: string, at: Date): Promise<void>;
  /** Keeps these events of an anonymous visitor; returns the ids that were new (others: duplicates). */
  addVisitorEvents(visitorId: string, events: readonly VisitorEvent[], now: Date): Promise<Set<string>>;
  /** How many events of the visitor are kept (to cap an anonymous history). */
  visitorEventCount(visitorId: string): Promise<number>;
  /** The visitor's kept events in the order they happened. */
  visitorEvents(visitorId: string): Promise<VisitorEvent[]>;
  /** The event ids among these that the visitor's kept history already holds. */
  keptEventIds(visitorId: string, eventIds: readonly string[]): Promise<Set<string>>;
  clearVisitorEvents(visitorId: string): Promise<void>;
  /** Links the visitor to the lead; its later events go straight to the lead. */
  identifyVisitor(id: string, leadId: string, now: Date): Promise<void>;
  /** The visitors identified as this lead, first seen first. */
  visitorsOfLead(leadId: string): Promise<Visitor[]>;
  /**
   * Deletes up to `limit` never-identified visitors last seen before `cutoff`, with their events;
   * returns how many. A visitor being collected (its lock held) or seen again meanwhile is kept.
   */
  deleteAnonymousVisitors(cutoff: Date, limit: number): Promise<number>;
}

function toSiteKey(row: Selectable<TrackerSiteKeysTable>): SiteKey {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    allowedOrigins: row.allowed_origins,
    requireConsent: row.require_consent,
    honourDoNotTrack: row.honour_do_not_track,
    captureForms: row.capture_forms,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    revokedAt: row.revoked_at,
  };
}

function toVisitor(row: Selectable<TrackerVisitorsTable>): Visitor {
  return {
    id: row.id,
    siteKeyId: row.site_key_id,
    leadId: row.lead_id,
    firstTouch: row.first_touch,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    identifiedAt: row.identified_at,
  };
}

export function trackingStore(db: Db): TrackingStore {
  const store: TrackingStore = {
    createSiteKey: async (key, now) => {
      const row = await db
        .insertInto('tracker_site_keys')
        .values({
          key: key.key,
          name: key.name,
          allowed_origins: [...key.allowedOrigins],
          require_consent: key.requireConsent,
          honour_do_not_track: key.honourDoNotTrack,
          capture_forms: key.captureForms,
          created_at: now,
          created_by: key.createdBy,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSiteKey(row);
    },
    siteKeys: async () => {
      const rows = await db
        .selectFrom('tracker_site_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toSiteKey);
    },
    siteKeyById: async (id) => {
      const row = await db
        .selectFrom('tracker_site_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toSiteKey(row);
    },
    siteKeyByKey: async (key) => {
      const row = await db
        .selectFrom('tracker_site_keys')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toSiteKey(row);
    },
    updateSiteKey: async (id, changes, now) => {
      const row = await db
        .updateTable('tracker_site_keys')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.allowedOrigins !== undefined ? { allowed_origins: [...changes.allowedOrigins] } : {}),
          ...(changes.requireConsent !== undefined ? { require_consent: changes.requireConsent } : {}),
          ...(changes.honourDoNotTrack !== undefined
            ? { honour_do_not_track: changes.honourDoNotTrack }
            : {}),
          ...(changes.captureForms !== undefined ? { capture_forms: changes.captureForms } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toSiteKey(row);
    },
    revokeSiteKey: async (id, now) => {
      const row = await db
        .updateTable('tracker_site_keys')
        .set({ revoked_at: now, updated_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toSiteKey(row);
    },

    lockVisitor: async (id) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`hearth:tracker-visitor:${id}`}, 0))`.execute(
        db,
      );
    },
    visitor: async (id) => {
      const row = await db.selectFrom('tracker_visitors').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toVisitor(row);
    },
    createVisitor: async (visitor, now) => {
      await db
        .insertInto('tracker_visitors')
        .values({
          id: visitor.id,
          site_key_id: visitor.siteKeyId,
          first_touch: JSON.stringify(visitor.firstTouch),
          first_seen_at: now,
          last_seen_at: now,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return (await store.visitor(visitor.id)) as Visitor;
    },
    seeVisitor: async (id, at) => {
      await db
        .updateTable('tracker_visitors')
        .set({ last_seen_at: sql`greatest(last_seen_at, ${at})` })
        .where('id', '=', id)
        .execute();
    },
    addVisitorEvents: async (visitorId, events, now) => {
      if (events.length === 0) return new Set();
      const rows = await db
        .insertInto('tracker_visitor_events')
        .values(
          events.map((e) => ({
            visitor_id: visitorId,
            event_id: e.eventId,
            type: e.type,
            occurred_at: e.occurredAt,
            received_at: now,
            properties: JSON.stringify(e.properties),
          })),
        )
        .onConflict((oc) => oc.columns(['visitor_id', 'event_id']).doNothing())
        .returning('event_id')
        .execute();
      return new Set(rows.map((r) => r.event_id));
    },
    visitorEventCount: async (visitorId) => {
      const row = await db
        .selectFrom('tracker_visitor_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('visitor_id', '=', visitorId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    visitorEvents: async (visitorId) => {
      const rows = await db
        .selectFrom('tracker_visitor_events')
        .selectAll()
        .where('visitor_id', '=', visitorId)
        .orderBy('occurred_at')
        .orderBy('event_id')
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        type: r.type,
        occurredAt: r.occurred_at,
        properties: r.properties,
      }));
    },
    keptEventIds: async (visitorId, eventIds) => {
      if (eventIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('tracker_visitor_events')
        .select('event_id')
        .where('visitor_id', '=', visitorId)
        .where('event_id', 'in', [...eventIds])
        .execute();
      return new Set(rows.map((r) => r.event_id));
    },
    clearVisitorEvents: async (visitorId) => {
      await db.deleteFrom('tracker_visitor_events').where('visitor_id', '=', visitorId).execute();
    },
    identifyVisitor: async (id, leadId, now) => {
      await db
        .updateTable('tracker_visitors')
        .set({ lead_id: leadId, identified_at: now })
        .where('id', '=', id)
        .execute();
    },
    visitorsOfLead: async (leadId) => {
      const rows = await db
        .selectFrom('tracker_visitors')
        .selectAll()
        .where('lead_id', '=', leadId)
        .orderBy('first_seen_at')
        .orderBy('id')
        .execute();
      return rows.map(toVisitor);
    },
    deleteAnonymousVisitors: async (cutoff, limit) => {
      // Each candidate's visitor lock is tried (collect holds it while it writes): one being
      // collected now is skipped, and a collect arriving meanwhile waits, then finds no visitor and
      // starts a new one. The outer conditions are rechecked against a row updated since.
      const result = await sql<{ id: string }>`
        with candidates as (
          select id from tracker_visitors
          where lead_id is null and last_seen_at < ${cutoff}
          limit ${limit}
        ), locked as (
          select id from candidates
          where pg_try_advisory_xact_lock(hashtextextended('hearth:tracker-visitor:' || id, 0))
        )
        delete from tracker_visitors
        where id in (select id from locked) and lead_id is null and last_seen_at < ${cutoff}
        returning id`.execute(db);
      return result.rows.length;
    },
  };
  return store;
}
