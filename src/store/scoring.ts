import { type Kysely, sql, type Transaction } from 'kysely';
import type { ActivityEvent } from '../domain/event.js';
import type { Lead } from '../domain/lead.js';
import type {
  ScoreState,
  ScoringModel,
  Temperature,
  Transition,
  TransitionCause,
} from '../domain/scoring/index.js';
import { toEvent } from './events.js';
import { toLead } from './leads.js';
import type { Database, LeadRow } from './schema.js';

/** A lead with what scoring stored about it. `state` is null until the lead is first scored. */
export interface ScoredRow {
  readonly lead: Lead;
  readonly state: ScoreState | null;
  readonly temperature: Temperature;
  readonly temperatureSince: Date | null;
  /** When the stored temperature was computed (null for rows never scored). */
  readonly scoredAt: Date | null;
  /**
   * The instant of the lead's latest stored transition (null for none). Read by
   * `lockForScoring` only; undefined elsewhere.
   */
  readonly lastTransitionAt?: Date | null;
}

/** What a scoring write stores for one lead: the state and the columns derived from it. */
export interface ScoreUpdate {
  readonly leadId: string;
  readonly state: ScoreState;
  readonly fit: number;
  readonly temperature: Temperature;
  readonly temperatureSince: Date | null;
  readonly nextChangeAt: Date | null;
  /** The instant the stored temperature is exact at. */
  readonly scoredAt: Date;
  readonly interestKeys: { readonly engagement: number | null; readonly intent: number | null };
  /**
   * Moves the lead's last activity forward to this instant if it is later (ingest: the newest
   * event stored for it), in the same statement rather than a second update of the same rows.
   */
  readonly lastActivityAt?: Date | null;
}

/** A stored transition. */
export interface StoredTransition extends Transition {
  readonly id: number;
  readonly leadId: string;
}

export interface ScoringStore {
  /** The newest published model. The 0002 migration stores the b2b preset as version 1. */
  activeModel(): Promise<ScoringModel>;
  /**
   * Locks these leads (`for no key update`, in id order so that concurrent batches cannot
   * deadlock) and returns them with their scoring state. Must run inside a transaction.
   */
  lockForScoring(leadIds: readonly string[]): Promise<Map<string, ScoredRow>>;
  /**
   * Claims up to `limit` leads whose temperature changes by itself at or before `now`, soonest
   * first (`for no key update skip locked`: two sweepers never take the same lead, and ingest
   * waits for the chunk). Leads still scored by a model older than `modelVersion` are left to the
   * publish job's rescore. Must run inside a transaction.
   */
  claimDue(now: Date, limit: number, modelVersion: number): Promise<ScoredRow[]>;
  /** Scoring state of these leads, without locking (for reads). */
  statesOf(leadIds: readonly string[]): Promise<Map<string, ScoreState | null>>;
  /** Writes state and derived columns for many leads in one statement. */
  save(updates: readonly ScoreUpdate[]): Promise<void>;
  /** Appends transitions for any leads in one statement, each announced in the outbox. */
  addTransitions(
    transitions: readonly { leadId: string; transition: Transition }[],
    now: Date,
  ): Promise<void>;
  /** A lead's transitions, oldest first. */
  transitionsOf(leadId: string): Promise<StoredTransition[]>;
  /** All of a lead's events in (occurredAt, id) order: for recompute and explanations. */
  eventsInOrder(leadId: string): Promise<ActivityEvent[]>;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Published model documents by the md5 of their stored text, shared by every store of the
 * process. Ingest reads the active model in every batch; sending, parsing and compiling (the
 * compiled form is cached per model object) its document each time was a large part of a small
 * batch's cost. The key is the content itself, so databases of one process cannot mix theirs up.
 * Frozen: every reader shares the object.
 */
const parsedModels = new Map<string, ScoringModel>();
const MODEL_CACHE_SIZE = 8;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function toScoredRow(row: LeadRow & { last_transition_at?: Date | null }): ScoredRow {
  return {
    lead: toLead(row),
    state: (row.score_state as ScoreState | null) ?? null,
    temperature: row.temperature,
    temperatureSince: row.temperature_since,
    scoredAt: row.scored_at,
    ...(row.last_transition_at === undefined ? {} : { lastTransitionAt: row.last_transition_at }),
  };
}

export function scoringStore(db: Db): ScoringStore {
  return {
    activeModel: async () => {
      const known = [...parsedModels.keys()];
      const { rows } = await sql<{ digest: string; document: ScoringModel | null }>`
        select digest, case when digest = any(${known}::text[]) then null else document end as document
        from (
          select md5(document::text) as digest, document from scoring_models
          where state = 'published' order by version desc limit 1
        ) as active`.execute(db);
      const row = rows[0];
      if (row === undefined) throw new Error('no published scoring model (migration 0002 stores one)');
      const cached = parsedModels.get(row.digest);
      if (cached !== undefined) return cached;
      const model = deepFreeze(row.document as ScoringModel);
      parsedModels.set(row.digest, model);
      if (parsedModels.size > MODEL_CACHE_SIZE)
        parsedModels.delete(parsedModels.keys().next().value as string);
      return model;
    },
    lockForScoring: async (leadIds) => {
      if (leadIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('leads')
        .selectAll('leads')
        // One index probe per lead (lead_transitions_lead_at): new transitions go after it.
        .select((eb) =>
          eb
            .selectFrom('lead_transitions')
            .select((t) => t.fn.max('lead_transitions.at').as('at'))
            .whereRef('lead_transitions.lead_id', '=', 'leads.id')
            .as('last_transition_at'),
        )
        .where('id', 'in', [...new Set(leadIds)])
        .orderBy('id')
        .forNoKeyUpdate()
        .execute();
      return new Map(rows.map((row) => [row.id, toScoredRow(row)]));
    },
    claimDue: async (now, limit, modelVersion) => {
      const rows = await db
        .selectFrom('leads')
        .selectAll()
        .where('next_change_at', '<=', now)
        .where('model_version', '>=', modelVersion)
        .orderBy('next_change_at')
        .orderBy('id')
        .limit(limit)
        .forNoKeyUpdate()
        .skipLocked()
        .execute();
      return rows.map(toScoredRow);
    },
    statesOf: async (leadIds) => {
      if (leadIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('leads')
        .select(['id', 'score_state'])
        .where('id', 'in', [...new Set(leadIds)])
        .execute();
      return new Map(rows.map((r) => [r.id, (r.score_state as ScoreState | null) ?? null]));
    },
    save: async (updates) => {
      if (updates.length === 0) return;
      const iso = (d: Date | null) => (d === null ? null : d.toISOString());
      await sql`
        update leads set
          score_state = v.state,
          model_version = v.model_version,
          fit = v.fit,
          temperature = v.temperature,
          temperature_since = v.since,
          next_change_at = v.next_change_at,
          scored_at = v.scored_at,
          interest_key_engagement = v.key_engagement,
          interest_key_intent = v.key_intent,
          last_activity_at = greatest(leads.last_activity_at, v.last_activity_at)
        from unnest(
          ${updates.map((u) => u.leadId)}::uuid[],
          ${updates.map((u) => JSON.stringify(u.state))}::jsonb[],
          ${updates.map((u) => u.state.modelVersion)}::int4[],
          ${updates.map((u) => u.fit)}::numeric[],
          ${updates.map((u) => u.temperature)}::text[],
          ${updates.map((u) => iso(u.temperatureSince))}::timestamptz[],
          ${updates.map((u) => iso(u.nextChangeAt))}::timestamptz[],
          ${updates.map((u) => u.scoredAt.toISOString())}::timestamptz[],
          ${updates.map((u) => u.interestKeys.engagement)}::float8[],
          ${updates.map((u) => u.interestKeys.intent)}::float8[],
          ${updates.map((u) => iso(u.lastActivityAt ?? null))}::timestamptz[]
        ) as v(id, state, model_version, fit, temperature, since, next_change_at, scored_at, key_engagement, key_intent, last_activity_at)
        where leads.id = v.id`.execute(db);
    },
    addTransitions: async (transitions, now) => {
      if (transitions.length === 0) return;
      // The same statement announces each transition in the outbox (lead.temperature_changed),
      // so no transition can be stored without the desk and webhooks hearing of it.
      await sql`
        with stored as (
          insert into lead_transitions (lead_id, from_temperature, to_temperature, at, cause, model_version, suggest_let_go)
          select * from unnest(
            ${transitions.map((t) => t.leadId)}::uuid[],
            ${transitions.map((t) => t.transition.from)}::text[],
            ${transitions.map((t) => t.transition.to)}::text[],
            ${transitions.map((t) => t.transition.at.toISOString())}::timestamptz[],
            ${transitions.map((t) => JSON.stringify(t.transition.cause))}::jsonb[],
            ${transitions.map((t) => t.transition.modelVersion)}::int4[],
            ${transitions.map((t) => t.transition.suggestLetGo)}::bool[])
          returning *
        )
        insert into signals (type, lead_id, payload, occurred_at, created_at)
        select 'lead.temperature_changed', lead_id,
          jsonb_build_object(
            'transitionId', id, 'leadId', lead_id, 'from', from_temperature, 'to', to_temperature,
            'at', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'cause', cause, 'modelVersion', model_version, 'suggestLetGo', suggest_let_go),
          at, ${now.toISOString()}::timestamptz
        from stored order by id`.execute(db);
    },
    transitionsOf: async (leadId) => {
      const rows = await db
        .selectFrom('lead_transitions')
        .selectAll()
        .where('lead_id', '=', leadId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        leadId: r.lead_id,
        from: r.from_temperature as Temperature,
        to: r.to_temperature as Temperature,
        at: r.at,
        cause: r.cause as TransitionCause,
        modelVersion: r.model_version,
        suggestLetGo: r.suggest_let_go,
      }));
    },
    eventsInOrder: async (leadId) =>
      (
        await db
          .selectFrom('events')
          .selectAll()
          .where('lead_id', '=', leadId)
          .orderBy('occurred_at')
          .orderBy('id')
          .execute()
      ).map(toEvent),
  };
}
