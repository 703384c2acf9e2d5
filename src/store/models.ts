import { type Kysely, sql, type Transaction } from 'kysely';
import type { ActivityEvent } from '../domain/event.js';
import type { ScoreState, ScoringModel, Temperature } from '../domain/scoring/index.js';
import { toEvent } from './events.js';
import { toLead } from './leads.js';
import type { Database, LeadRow } from './schema.js';
import type { ScoredRow } from './scoring.js';

/** A stored model version (published) or the draft. */
export interface StoredModel {
  readonly version: number;
  readonly document: ScoringModel;
  readonly state: 'draft' | 'published';
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
  readonly publishedBy: string | null;
}

/** Progress of the rescore that follows a publish. */
export interface PublishJob {
  readonly id: number;
  readonly version: number;
  readonly state: 'running' | 'done';
  readonly total: number;
  readonly done: number;
  /** Leads moved, by `from→to`, e.g. `{ "warm→hot": 3 }`. */
  readonly moved: Readonly<Record<string, number>>;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly publishedBy: string | null;
}

/**
 * Model versions, the draft and publish jobs. The draft is the `scoring_models` row in state
 * `draft` (at most one); its version is the one it will get when published.
 */
export interface ModelStore {
  /** Published versions, newest first, with the draft if any. */
  list(): Promise<StoredModel[]>;
  /** Every published model by version (for rescoring states built by older versions). */
  publishedByVersion(): Promise<Map<number, ScoringModel>>;
  /**
   * Serialises model writes (draft, publish) across instances for the rest of the transaction.
   * Must run inside a transaction.
   */
  lockModels(): Promise<void>;
  /** Replaces the draft. */
  saveDraft(document: ScoringModel): Promise<StoredModel>;
  /** Deletes the draft, if any. */
  dropDraft(): Promise<void>;
  /** Stores `document` as the next published version and returns it (the draft moves up one if it would collide). */
  publish(document: ScoringModel, by: string): Promise<StoredModel>;
  /** Creates the publish job of a version; the unique index refuses a second running one. */
  createJob(version: number, total: number, by: string): Promise<PublishJob>;
  job(id: number): Promise<PublishJob | null>;
  runningJob(): Promise<PublishJob | null>;
  /** Adds a chunk's progress (in the chunk's transaction). */
  recordProgress(id: number, done: number, moved: Readonly<Record<string, number>>): Promise<void>;
  finishJob(id: number, at: Date): Promise<void>;
  /** Leads still scored by an older version than `version`. */
  countBelow(version: number): Promise<number>;
  /**
   * Up to `limit` leads scored by an older version than `version`, in id order after `afterId`
   * (null: from the first), only those stored at `temperature` when it is given, read without a
   * lock: a rescore computes from them outside its write transaction. Each comes with its row
   * version (`stamp`) for `claimUnchanged`.
   */
  readBelow(
    version: number,
    afterId: string | null,
    limit: number,
    temperature?: Temperature,
  ): Promise<StampedRow[]>;
  /**
   * Locks those of `rows` that are still scored by an older version and unchanged since they were
   * read (same row version) — `for no key update skip locked`: two instances never write the same
   * lead, and ingest waits for the write. Returns their ids. Must run inside a transaction.
   */
  claimUnchanged(version: number, rows: readonly StampedRow[]): Promise<Set<string>>;
  /** The events of these leads, each lead's in (occurredAt, id) order. */
  eventsOf(leadIds: readonly string[]): Promise<Map<string, ActivityEvent[]>>;
}

/** A lead row as read for a rescore, with its row version. */
export interface StampedRow extends ScoredRow {
  /**
   * PostgreSQL's `xmin` of the row as read: any write to the lead since (ingest, an edit, an
   * earlier rescore) makes a new row version with another one.
   */
  readonly stamp: string;
}

type Db = Kysely<Database> | Transaction<Database>;

const toStoredModel = (row: {
  version: number;
  document: unknown;
  state: 'draft' | 'published';
  created_at: Date;
  published_at: Date | null;
  published_by: string | null;
}): StoredModel => ({
  version: row.version,
  document: row.document as ScoringModel,
  state: row.state,
  createdAt: row.created_at,
  publishedAt: row.published_at,
  publishedBy: row.published_by,
});

const toJob = (row: {
  id: number;
  version: number;
  state: 'running' | 'done';
  total: number;
  done: number;
  moved: Record<string, number>;
  created_at: Date;
  finished_at: Date | null;
  published_by: string | null;
}): PublishJob => ({
  id: Number(row.id),
  version: row.version,
  state: row.state,
  total: row.total,
  done: row.done,
  moved: row.moved,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
  publishedBy: row.published_by,
});

export function modelStore(db: Db): ModelStore {
  const maxVersion = async (state?: 'published') => {
    let query = db.selectFrom('scoring_models').select((eb) => eb.fn.max('version').as('max'));
    if (state) query = query.where('state', '=', state);
    const row = await query.executeTakeFirst();
    return Number(row?.max ?? 0);
  };
  return {
    list: async () =>
      (await db.selectFrom('scoring_models').selectAll().orderBy('version', 'desc').execute()).map(
        toStoredModel,
      ),
    publishedByVersion: async () => {
      const rows = await db
        .selectFrom('scoring_models')
        .select(['version', 'document'])
        .where('state', '=', 'published')
        .execute();
      return new Map(rows.map((r) => [r.version, r.document as ScoringModel]));
    },
    lockModels: async () => {
      // Any fixed key: the lock only orders model writes among themselves.
      await sql`select pg_advisory_xact_lock(7461262)`.execute(db);
    },
    saveDraft: async (document) => {
      await db.deleteFrom('scoring_models').where('state', '=', 'draft').execute();
      const version = (await maxVersion('published')) + 1;
      const row = await db
        .insertInto('scoring_models')
        .values({ version, document: JSON.stringify({ ...document, version }), state: 'draft' })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStoredModel(row);
    },
    dropDraft: async () => {
      await db.deleteFrom('scoring_models').where('state', '=', 'draft').execute();
    },
    publish: async (document, by) => {
      const version = (await maxVersion('published')) + 1;
      await db
        .updateTable('scoring_models')
        .set({
          version: version + 1,
          document: sql`jsonb_set(document, '{version}', to_jsonb(${version + 1}::int))`,
        })
        .where('state', '=', 'draft')
        .where('version', '=', version)
        .execute();
      const row = await db
        .insertInto('scoring_models')
        .values({
          version,
          document: JSON.stringify({ ...document, version }),
          state: 'published',
          published_at: sql`now()`,
          published_by: by,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStoredModel(row);
    },
    createJob: async (version, total, by) =>
      toJob(
        await db
          .insertInto('model_publish_jobs')
          .values({ version, state: 'running', total, published_by: by })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    job: async (id) => {
      const row = await db
        .selectFrom('model_publish_jobs')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toJob(row) : null;
    },
    runningJob: async () => {
      const row = await db
        .selectFrom('model_publish_jobs')
        .selectAll()
        .where('state', '=', 'running')
        .executeTakeFirst();
      return row ? toJob(row) : null;
    },
    recordProgress: async (id, done, moved) => {
      // Merged in SQL so that two instances working on one job both count.
      await sql`
        update model_publish_jobs set
          done = done + ${done},
          moved = (
            select coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
            from (
              select key, sum(value::int) as total
              from (
                select * from jsonb_each_text(model_publish_jobs.moved)
                union all
                select * from jsonb_each_text(${JSON.stringify(moved)}::jsonb)
              ) as parts
              group by key
            ) as sums
          )
        where id = ${id}`.execute(db);
    },
    finishJob: async (id, at) => {
      await db
        .updateTable('model_publish_jobs')
        .set({ state: 'done', finished_at: at })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .execute();
    },
    countBelow: async (version) => {
      const row = await db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(sql<boolean>`coalesce(model_version, 0) < ${version}`)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    readBelow: async (version, afterId, limit, temperature) => {
      let query = db
        .selectFrom('leads')
        .select([
          'id',
          'email',
          'name',
          'phone',
          'company',
          'job_title',
          'industry',
          'company_size',
          'country',
          'source',
          'owner_id',
          'status',
          'opted_out',
          'attributes',
          'created_at',
          'updated_at',
          'last_activity_at',
          'score_state',
          'temperature',
          'temperature_since',
          'scored_at',
          sql<string>`xmin::text`.as('stamp'),
        ])
        .where(sql<boolean>`coalesce(model_version, 0) < ${version}`);
      // The id range keeps each read to its own rows of the primary key: without it every chunk
      // would walk past all the leads rescored before it.
      if (afterId !== null) query = query.where('id', '>', afterId);
      if (temperature !== undefined) query = query.where('temperature', '=', temperature);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map((row) => ({
        // Every column toLead reads is selected above; the rest (the search vector above all) would
        // only be sent and parsed to be dropped.
        lead: toLead(row as unknown as LeadRow),
        state: (row.score_state as ScoreState | null) ?? null,
        temperature: row.temperature,
        temperatureSince: row.temperature_since,
        scoredAt: row.scored_at,
        stamp: row.stamp,
      }));
    },
    claimUnchanged: async (version, rows) => {
      if (rows.length === 0) return new Set();
      const claimed = await sql<{ id: string }>`
        select leads.id from leads
        join unnest(
          ${rows.map((r) => r.lead.id)}::uuid[],
          ${rows.map((r) => r.stamp)}::text[]
        ) as read(id, stamp) on leads.id = read.id
        where coalesce(leads.model_version, 0) < ${version} and leads.xmin::text = read.stamp
        for no key update of leads skip locked`.execute(db);
      return new Set(claimed.rows.map((r) => r.id));
    },
    eventsOf: async (leadIds) => {
      const byLead = new Map<string, ActivityEvent[]>(leadIds.map((id) => [id, []]));
      if (leadIds.length === 0) return byLead;
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('lead_id', 'in', [...leadIds])
        .orderBy('lead_id')
        .orderBy('occurred_at')
        .orderBy('id')
        .execute();
      for (const row of rows) byLead.get(row.lead_id)?.push(toEvent(row));
      return byLead;
    },
  };
}
