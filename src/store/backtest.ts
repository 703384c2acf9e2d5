import { type Kysely, sql, type Transaction } from 'kysely';
import type { Lead, LeadStatus } from '../domain/lead.js';
import type { ScorableEvent, ScoreState, UserCriterion } from '../domain/scoring/index.js';
import { toLead } from './leads.js';
import type { Database, LeadRow } from './schema.js';

/** A lead with a known outcome: its latest decision (a status change to customer or lost). */
export interface DecidedLead {
  readonly lead: Lead;
  readonly outcome: 'customer' | 'lost';
  readonly decidedAt: Date;
  /** The status the decision changed: the lead's status as of the decision. */
  readonly statusBefore: LeadStatus;
  /** Criteria set by reps, as stored now (each with the time it was set). */
  readonly criteria: readonly UserCriterion[];
}

/** An event as a backtest reads it: what scoring matches on, and its lead. */
export interface BacktestEvent extends ScorableEvent {
  readonly leadId: string;
  /** `occurredAt` in microseconds since the epoch, exact: the keyset key. */
  readonly occurredUs: number;
}

/** Where a keyset page of events ends: the last (lead id, occurred at, id) read. */
export interface EventKey {
  readonly leadId: string;
  /** Microseconds since the epoch: a timestamp written in SQL can be finer than a Date. */
  readonly occurredUs: number;
  readonly id: number;
}

/**
 * The reads of a backtest, in keyset pages: no statement holds more than a page, and none is a
 * query per lead.
 */
export interface BacktestStore {
  /** Leads whose latest decision is customer or lost. */
  countDecided(): Promise<number>;
  /** The next `limit` decided leads in id order after `afterId`. */
  decidedAfter(afterId: string | null, limit: number): Promise<DecidedLead[]>;
  /**
   * Events of the given leads that occurred strictly before each lead's `before`, ordered by
   * (lead id, occurred at, id), starting after `after`, at most `limit`.
   */
  eventsBefore(
    leads: readonly { readonly leadId: string; readonly before: Date }[],
    after: EventKey | null,
    limit: number,
  ): Promise<BacktestEvent[]>;
}

type Db = Kysely<Database> | Transaction<Database>;

// The latest decision of a lead; (lead_id, id) is indexed, a lead has few status changes.
const latestDecision = sql`
  select s.at, s.from_status, s.to_status from lead_status_changes s
  where s.lead_id = l.id and s.to_status in ('customer', 'lost')
  order by s.at desc, s.id desc limit 1`;

export function backtestStore(db: Db): BacktestStore {
  return {
    countDecided: async () => {
      const result = await sql<{ n: string }>`
        select count(distinct lead_id) as n from lead_status_changes
        where to_status in ('customer', 'lost')`.execute(db);
      return Number(result.rows[0]?.n ?? 0);
    },
    decidedAfter: async (afterId, limit) => {
      const result = await sql<
        LeadRow & { decided_at: Date; decided_from: LeadStatus; decided_to: 'customer' | 'lost' }
      >`
        select l.*, d.at as decided_at, d.from_status as decided_from, d.to_status as decided_to
        from leads l cross join lateral (${latestDecision}) d
        where ${afterId === null ? sql`true` : sql`l.id > ${afterId}::uuid`}
        order by l.id
        limit ${limit}`.execute(db);
      return result.rows.map((row) => ({
        lead: toLead(row),
        outcome: row.decided_to,
        decidedAt: new Date(row.decided_at),
        statusBefore: row.decided_from,
        criteria: (row.score_state as ScoreState | null)?.criteria ?? [],
      }));
    },
    eventsBefore: async (leads, after, limit) => {
      if (leads.length === 0) return [];
      // Only the columns scoring reads, the time as an integer (no timestamp text to parse), and
      // one index range per lead (`events_lead_time`): `offset 0` keeps the planner from
      // flattening the lateral into a hash join over the whole events table, which it preferred
      // on both databases and which made every page cost as much as all events together.
      const resume =
        after === null
          ? { leads: sql`true`, events: sql`true` }
          : {
              leads: sql`d.lead_id >= ${after.leadId}::uuid`,
              events: sql`(d.lead_id <> ${after.leadId}::uuid or (e.occurred_at, e.id) >
                (timestamptz 'epoch' + ${after.occurredUs}::int8 * interval '1 microsecond', ${after.id}::int8))`,
            };
      const result = await sql<{
        id: number;
        lead_id: string;
        type: string;
        occurred_us: number;
        properties: Record<string, unknown>;
      }>`
        select e.id, d.lead_id, e.type, e.properties,
          (extract(epoch from e.occurred_at) * 1000000)::int8 as occurred_us
        from unnest(
          ${leads.map((l) => l.leadId)}::uuid[],
          ${leads.map((l) => l.before.toISOString())}::timestamptz[]
        ) as d(lead_id, before)
        cross join lateral (
          select e.id, e.type, e.properties, e.occurred_at from events e
          where e.lead_id = d.lead_id and e.occurred_at < d.before and ${resume.events}
          offset 0
        ) e
        where ${resume.leads}
        order by d.lead_id, e.occurred_at, e.id
        limit ${limit}`.execute(db);
      return result.rows.map((row) => ({
        id: row.id,
        leadId: row.lead_id,
        type: row.type,
        // A Date holds whole milliseconds, as the timestamp parser would give.
        occurredAt: new Date(Math.floor(row.occurred_us / 1000)),
        occurredUs: row.occurred_us,
        properties: row.properties,
      }));
    },
  };
}
