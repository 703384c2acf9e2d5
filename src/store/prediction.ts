import { type Kysely, sql, type Transaction } from 'kysely';
import type { Lead } from '../domain/lead.js';
import type { Factor, Predictor } from '../domain/prediction/predictor.js';
import type { ScoreState, UserCriterion } from '../domain/scoring/index.js';
import { toLead } from './leads.js';
import type { Database, LeadRow } from './schema.js';

export type PredictionTrigger = 'manual' | 'schedule';

/** A trained model as stored; `report` is the training report (quality, counts, suspects). */
export interface StoredPredictionModel {
  readonly id: number;
  readonly trainedAt: Date;
  readonly trainedBy: string | null;
  readonly trigger: PredictionTrigger;
  readonly exclude: string[];
  readonly predictor: Predictor;
  readonly report: Record<string, unknown>;
}

export interface PredictionRun {
  readonly id: number;
  readonly state: 'running' | 'done' | 'failed';
  readonly trigger: PredictionTrigger;
  readonly requestedBy: string | null;
  readonly exclude: string[];
  readonly startedAt: Date;
  readonly heartbeatAt: Date;
  readonly finishedAt: Date | null;
  readonly progress: Record<string, unknown>;
  readonly error: string | null;
  readonly modelId: number | null;
}

/** What is stored on a lead: its probability and the factors behind it. */
export interface StoredPrediction {
  readonly probability: number;
  readonly positive: Factor[];
  readonly negative: Factor[];
  readonly modelId: number;
  readonly predictedAt: Date;
}

export interface PredictionWrite {
  readonly leadId: string;
  /** Null clears it (a lead that is no longer open). */
  readonly probability: number | null;
  readonly factors: { readonly positive: readonly Factor[]; readonly negative: readonly Factor[] } | null;
}

/** A lead whose probability is due, with the rep criteria its scores need. */
export interface LeadToPredict {
  readonly lead: Lead;
  readonly criteria: readonly UserCriterion[];
}

export interface PredictionStore {
  latestModel(): Promise<StoredPredictionModel | undefined>;
  /** Models newest first, without their trees. */
  models(limit: number): Promise<Omit<StoredPredictionModel, 'predictor'>[]>;
  saveModel(model: Omit<StoredPredictionModel, 'id'>): Promise<StoredPredictionModel>;
  /**
   * Starts a run unless one is running; a running run whose heartbeat is older than
   * `staleBefore` is marked failed first (its process stopped). Undefined when one is running.
   */
  startRun(
    input: { trigger: PredictionTrigger; requestedBy: string | null; exclude: readonly string[] },
    now: Date,
    staleBefore: Date,
  ): Promise<PredictionRun | undefined>;
  heartbeat(id: number, progress: Record<string, unknown>, now: Date): Promise<void>;
  finishRun(
    id: number,
    outcome: { state: 'done'; modelId: number } | { state: 'failed'; error: string },
    now: Date,
  ): Promise<void>;
  run(id: number): Promise<PredictionRun | undefined>;
  runs(limit: number): Promise<PredictionRun[]>;
  /**
   * The next `limit` leads after `afterId` (id order) whose stored prediction is out of date:
   * open and never predicted, or changed (edited, an event, rescored) since it was predicted —
   * closed ones among them only to have their probability cleared. With `all`, every lead that is
   * open or still carries a probability (after a training, and daily).
   */
  dueAfter(afterId: string | null, limit: number, due: { all: boolean }): Promise<LeadToPredict[]>;
  /** Stores predictions, locking the leads in id order as every writer of leads does. */
  save(writes: readonly PredictionWrite[], modelId: number, now: Date): Promise<void>;
  countOpen(): Promise<number>;
  /** Leads by their latest decision, as training counts them. */
  countOutcomes(): Promise<{ won: number; lost: number }>;
  probabilitiesOf(ids: readonly string[]): Promise<Map<string, number>>;
  ofLead(id: string): Promise<StoredPrediction | undefined>;
}

type Db = Kysely<Database> | Transaction<Database>;

type ModelRow = Database['prediction_models'] extends infer T ? { [K in keyof T]: unknown } : never;

function toModel(row: ModelRow): StoredPredictionModel {
  return {
    id: Number(row.id),
    trainedAt: new Date(row.trained_at as Date),
    trainedBy: (row.trained_by as string | null) ?? null,
    trigger: row.trigger as PredictionTrigger,
    exclude: row.exclude as string[],
    predictor: row.predictor as Predictor,
    report: row.report as Record<string, unknown>,
  };
}

function toRun(row: Record<string, unknown>): PredictionRun {
  return {
    id: Number(row.id),
    state: row.state as PredictionRun['state'],
    trigger: row.trigger as PredictionTrigger,
    requestedBy: (row.requested_by as string | null) ?? null,
    exclude: row.exclude as string[],
    startedAt: new Date(row.started_at as Date),
    heartbeatAt: new Date(row.heartbeat_at as Date),
    finishedAt: row.finished_at ? new Date(row.finished_at as Date) : null,
    progress: row.progress as Record<string, unknown>,
    error: (row.error as string | null) ?? null,
    modelId: row.model_id === null ? null : Number(row.model_id),
  };
}

export function predictionStore(db: Db): PredictionStore {
  return {
    latestModel: async () => {
      const row = await db
        .selectFrom('prediction_models')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toModel(row);
    },
    models: async (limit) => {
      const rows = await db
        .selectFrom('prediction_models')
        .select(['id', 'trained_at', 'trained_by', 'trigger', 'exclude', 'report'])
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => {
        const { predictor: _, ...model } = toModel({ ...row, predictor: null });
        return model;
      });
    },
    saveModel: async (model) => {
      const row = await db
        .insertInto('prediction_models')
        .values({
          trained_at: model.trainedAt,
          trained_by: model.trainedBy,
          trigger: model.trigger,
          exclude: JSON.stringify(model.exclude),
          predictor: JSON.stringify(model.predictor),
          report: JSON.stringify(model.report),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toModel(row);
    },
    startRun: async (input, now, staleBefore) => {
      await db
        .updateTable('prediction_runs')
        .set({ state: 'failed', finished_at: now, error: 'The process running this training stopped.' })
        .where('state', '=', 'running')
        .where('heartbeat_at', '<', staleBefore)
        .execute();
      // The partial unique index refuses a second running run; `do nothing` returns no row then.
      const row = await sql<Record<string, unknown>>`
        insert into prediction_runs (state, trigger, requested_by, exclude, started_at, heartbeat_at)
        values ('running', ${input.trigger}, ${input.requestedBy}, ${JSON.stringify(input.exclude)}::jsonb, ${now}, ${now})
        on conflict do nothing
        returning *`.execute(db);
      const inserted = row.rows[0];
      return inserted && toRun(inserted);
    },
    heartbeat: async (id, progress, now) => {
      await db
        .updateTable('prediction_runs')
        .set({ heartbeat_at: now, progress: JSON.stringify(progress) })
        .where('id', '=', id)
        .execute();
    },
    finishRun: async (id, outcome, now) => {
      await db
        .updateTable('prediction_runs')
        .set({
          state: outcome.state,
          finished_at: now,
          heartbeat_at: now,
          model_id: outcome.state === 'done' ? outcome.modelId : null,
          error: outcome.state === 'failed' ? outcome.error : null,
        })
        .where('id', '=', id)
        .execute();
    },
    run: async (id) => {
      const row = await db.selectFrom('prediction_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRun(row);
    },
    runs: async (limit) =>
      (await db.selectFrom('prediction_runs').selectAll().orderBy('id', 'desc').limit(limit).execute()).map(
        toRun,
      ),
    dueAfter: async (afterId, limit, due) => {
      // The second condition is the partial index leads_prediction_due's, word for word.
      const which = due.all
        ? sql`(l.status = 'open' or l.probability is not null)`
        : sql`((l.predicted_at is null and l.status = 'open') or (l.status <> 'open' and l.probability is not null)
            or l.predicted_at < l.updated_at or l.predicted_at < l.last_activity_at or l.predicted_at < l.scored_at)`;
      const result = await sql<LeadRow>`
        select l.* from leads l
        where ${which} and ${afterId === null ? sql`true` : sql`l.id > ${afterId}::uuid`}
        order by l.id
        limit ${limit}`.execute(db);
      return result.rows.map((row) => ({
        lead: toLead(row),
        criteria: (row.score_state as ScoreState | null)?.criteria ?? [],
      }));
    },
    save: async (writes, modelId, now) => {
      if (writes.length === 0) return;
      await sql`
        with locked as (
          select id from leads where id = any(${writes.map((w) => w.leadId)}::uuid[]) order by id for update
        ),
        input as (
          select * from unnest(
            ${writes.map((w) => w.leadId)}::uuid[],
            ${writes.map((w) => w.probability)}::float8[],
            ${writes.map((w) => (w.factors === null ? null : JSON.stringify(w.factors)))}::text[]
          ) as t(id, probability, prediction)
        )
        update leads l set
          probability = input.probability,
          prediction = input.prediction::jsonb,
          predicted_at = ${now},
          prediction_model_id = case when input.probability is null then null else ${modelId}::int end
        from input
        where l.id = input.id and l.id in (select id from locked)`.execute(db);
    },
    countOpen: async () => {
      const row = await db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    countOutcomes: async () => {
      const result = await sql<{ to_status: 'customer' | 'lost'; n: string }>`
        select to_status, count(*) as n from (
          select distinct on (lead_id) lead_id, to_status from lead_status_changes
          where to_status in ('customer', 'lost')
          order by lead_id, at desc, id desc
        ) latest group by to_status`.execute(db);
      const count = (status: string) => Number(result.rows.find((r) => r.to_status === status)?.n ?? 0);
      return { won: count('customer'), lost: count('lost') };
    },
    probabilitiesOf: async (ids) => {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('leads')
        .select(['id', 'probability'])
        .where('id', 'in', [...new Set(ids)])
        .where('probability', 'is not', null)
        .execute();
      return new Map(rows.map((row) => [row.id, Number(row.probability)]));
    },
    ofLead: async (id) => {
      const row = await db
        .selectFrom('leads')
        .select(['probability', 'prediction', 'prediction_model_id', 'predicted_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.probability === null || row.prediction_model_id === null || row.predicted_at === null) {
        return undefined;
      }
      const factors = row.prediction as { positive: Factor[]; negative: Factor[] };
      return {
        probability: Number(row.probability),
        positive: factors.positive,
        negative: factors.negative,
        modelId: row.prediction_model_id,
        predictedAt: new Date(row.predicted_at),
      };
    },
  };
}
