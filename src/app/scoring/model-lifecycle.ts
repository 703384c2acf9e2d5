import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import {
  emptyState,
  rescoreForModel,
  type ScoringModel,
  type Temperature,
  type Transition,
  validateModel,
} from '../../domain/scoring/index.js';
import type { PublishJob, StoredModel } from '../../store/models.js';
import type { ScoreUpdate } from '../../store/scoring.js';
import type { AppContext } from '../context.js';
import { scoreUpdate } from './scoring-service.js';

// Leads per rescore chunk (one read of leads, one of their events, one write transaction). Small:
// on PGlite every request's statements queue behind the chunk's statements on its one session, so
// their length is what a desk waits per statement while a rescore runs (500 leads: seconds per
// GET /queue at 10k leads on a loaded machine; 100: about a tenth of that).
export const RESCORE_CHUNK = 100;

/** `GET /model`: the active model, the draft and the version history. */
export interface ModelOverview {
  readonly active: StoredModel;
  readonly draft: StoredModel | null;
  readonly history: Omit<StoredModel, 'document'>[];
  /** The rescore in progress, if any. */
  readonly publishing: PublishJob | null;
}

const actorName = (actor: Principal): string =>
  actor.userId ?? (actor.keyId === null ? 'operator' : `key:${actor.keyId}`);

/** Checks a model document; throws `invalid` listing every problem with its path. */
export function checkModel(document: unknown): ScoringModel {
  const result = validateModel(document);
  if (!result.ok) throw HearthError.invalid(result.problems);
  return result.model;
}

export async function modelOverview(ctx: AppContext): Promise<ModelOverview> {
  const rows = await ctx.store.models.list();
  const published = rows.filter((r) => r.state === 'published');
  const active = published[0];
  if (!active) throw new Error('no published scoring model: migration 0002 stores one');
  return {
    active,
    draft: rows.find((r) => r.state === 'draft') ?? null,
    history: published.map(({ document: _, ...rest }) => rest),
    publishing: await ctx.store.models.runningJob(),
  };
}

/** Replaces the draft after validating it. */
export async function saveDraft(ctx: AppContext, actor: Principal, document: unknown): Promise<StoredModel> {
  const model = checkModel(document);
  return ctx.store.transaction(async (store) => {
    await store.models.lockModels();
    const draft = await store.models.saveDraft(model);
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'model.draft',
      entity: 'scoring_model',
      entityId: String(draft.version),
      details: { name: model.name },
    });
    return draft;
  });
}

/**
 * Publishes `document` (or, without one, the draft) as the next version and creates the job that
 * rescores every lead. Refused with `conflict` while an earlier publish is still rescoring: a
 * second one would have leads jump two versions with one transition and hide the first one's
 * progress. The caller runs the job (`runPublishJob`), in the background or in place.
 */
export async function publishModel(
  ctx: AppContext,
  actor: Principal,
  document?: unknown,
): Promise<{ model: StoredModel; job: PublishJob }> {
  const given = document === undefined ? null : checkModel(document);
  return ctx.store.transaction(async (store) => {
    await store.models.lockModels();
    const running = await store.models.runningJob();
    if (running) {
      throw new HearthError(
        'conflict',
        `Model version ${running.version} is still being rescored (job ${running.id}: ${running.done} of ${running.total} leads); publish again when it is done (if the process running it stopped, \`hearth model rescore\` finishes it)`,
        { jobId: running.id },
      );
    }
    let model = given;
    if (model === null) {
      const draft = (await store.models.list()).find((r) => r.state === 'draft');
      if (!draft)
        throw new HearthError(
          'not_found',
          'There is no draft to publish: PUT /api/v1/model/draft first, or send a document',
        );
      // Revalidated: the draft was valid when saved, but validation may have grown since.
      model = checkModel(draft.document);
      await store.models.dropDraft();
    }
    const by = actorName(actor);
    const stored = await store.models.publish(model, by);
    const job = await store.models.createJob(
      stored.version,
      await store.models.countBelow(stored.version),
      by,
    );
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'model.publish',
      entity: 'scoring_model',
      entityId: String(stored.version),
      details: { name: model.name, jobId: job.id, fromDraft: given === null },
    });
    return { model: stored, job };
  });
}

export async function publishJob(ctx: AppContext, id: number): Promise<PublishJob> {
  const job = await ctx.store.models.job(id);
  if (!job) throw new HearthError('not_found', `No publish job has id ${id}`, { id });
  return job;
}

/**
 * Rescores one chunk: the next `chunk` leads after `afterId` still scored by an older model. The
 * leads and their events are read and refolded outside any transaction; only the write is one
 * (short) transaction, which claims the leads still unchanged since the read and stores those. On
 * PGlite, whose one session a transaction holds exclusively, requests are then served between the
 * statements of a rescore instead of waiting for whole chunks. Returns the leads read (0: none
 * left after `afterId`), the last one's id and how many were stored: a lead written meanwhile (by
 * ingest, an edit, another instance) is left for a later pass.
 */
async function rescoreChunk(
  ctx: AppContext,
  job: PublishJob,
  models: ReadonlyMap<number, ScoringModel>,
  afterId: string | null,
  chunk: number,
  temperature?: Temperature,
): Promise<{ read: number; lastId: string | null; stored: number }> {
  const { store } = ctx;
  const rows = await store.models.readBelow(job.version, afterId, chunk, temperature);
  const lastId = rows.at(-1)?.lead.id ?? null;
  if (rows.length === 0) return { read: 0, lastId, stored: 0 };
  const model = models.get(job.version);
  if (!model) throw new Error(`model version ${job.version} is not published`);
  const events = await store.models.eventsOf(rows.map((r) => r.lead.id));
  const now = ctx.clock();
  const computed = rows.map((row) => {
    const { lead } = row;
    const oldModel = (row.state && models.get(row.state.modelVersion)) || null;
    // A lead never scored (or by a version since removed) starts from its stored temperature.
    const previous =
      row.state && oldModel ? { state: row.state, model: oldModel } : { state: emptyState(model), model };
    const result = rescoreForModel(previous, lead, events.get(lead.id) ?? [], model, now);
    const update = scoreUpdate(lead, result.state, result.reading, model, now, {
      temperature: row.temperature,
      since: row.temperatureSince,
    });
    return { leadId: lead.id, update, transition: result.transition };
  });
  const stored = await ctx.store.transaction(async (tx) => {
    const claimed = await tx.models.claimUnchanged(job.version, rows);
    if (claimed.size === 0) return 0;
    const updates: ScoreUpdate[] = [];
    const transitions: { leadId: string; transition: Transition }[] = [];
    const moved: Record<string, number> = {};
    for (const { leadId, update, transition } of computed) {
      if (!claimed.has(leadId)) continue;
      updates.push(update);
      if (transition) {
        transitions.push({ leadId, transition });
        const key = `${transition.from}→${transition.to}`;
        moved[key] = (moved[key] ?? 0) + 1;
      }
    }
    await tx.scoring.save(updates);
    await tx.scoring.addTransitions(transitions, now);
    await tx.models.recordProgress(job.id, updates.length, moved);
    return updates.length;
  });
  return { read: rows.length, lastId, stored };
}

export interface PublishRunOptions {
  readonly chunk?: number;
  /** Stop after this many chunks, leaving the job running (tests of resuming). */
  readonly stopAfter?: number;
  readonly onProgress?: (job: PublishJob) => void;
}

/**
 * Works on a publish job until no lead is left below its version, chunk by chunk in id order, in
 * passes: a pass goes through the leads once; another follows for the leads it had to leave (written
 * meanwhile, or held by another instance), until a pass finds none or stores none (what is left is
 * held by another instance, which finishes it). Safe to run in several processes at once (writes
 * claim with skip locked and only unchanged leads) and to restart (progress is the leads'
 * `model_version`). Marks the job done when no lead is left; returns the job as it stands.
 */
export async function runPublishJob(
  ctx: AppContext,
  id: number,
  options: PublishRunOptions = {},
): Promise<PublishJob> {
  let runs = runsInProcess.get(ctx.store);
  if (!runs) {
    runs = new Map();
    runsInProcess.set(ctx.store, runs);
  }
  // Runs in one process take turns: two (the publish request's, the resume schedule's) would read
  // and refold the same leads, and only one of them could store each.
  for (let earlier = runs.get(id); earlier !== undefined; earlier = runs.get(id)) {
    await earlier.catch(() => undefined);
  }
  const run = workOnPublishJob(ctx, id, options);
  runs.set(id, run);
  try {
    return await run;
  } finally {
    if (runs.get(id) === run) runs.delete(id);
  }
}

const runsInProcess = new WeakMap<AppContext['store'], Map<number, Promise<PublishJob>>>();

async function workOnPublishJob(
  ctx: AppContext,
  id: number,
  options: PublishRunOptions,
): Promise<PublishJob> {
  const job = await publishJob(ctx, id);
  if (job.state === 'done') return job;
  const chunk = options.chunk ?? RESCORE_CHUNK;
  // No publish can happen while this job runs (publishModel refuses), so the versions stay put.
  const models = await ctx.store.models.publishedByVersion();
  let chunks = 0;
  /** One pass through the leads below the version (at `temperature` only, when given); null: stopped. */
  const pass = async (temperature?: Temperature) => {
    let read = 0;
    let stored = 0;
    let afterId: string | null = null;
    for (;;) {
      if (options.stopAfter !== undefined && chunks >= options.stopAfter) return null;
      const step = await rescoreChunk(ctx, job, models, afterId, chunk, temperature);
      if (step.read === 0) return { read, stored };
      chunks += 1;
      read += step.read;
      stored += step.stored;
      afterId = step.lastId;
      options.onProgress?.(await publishJob(ctx, id));
      // Lets whatever waits for the event loop (timers, request handlers) run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  // The hot leads first: they are what the desk reads (GET /queue), and a lead still on the old
  // model is rebuilt from its events on every read until the rescore reaches it.
  if ((await pass('hot')) === null) return publishJob(ctx, id);
  for (;;) {
    const done = await pass();
    if (done === null) return publishJob(ctx, id);
    if (done.read === 0 || done.stored === 0) break;
  }
  // Nothing left to claim: done unless another instance still holds a chunk (it finishes the job).
  if ((await ctx.store.models.countBelow(job.version)) === 0) {
    await ctx.store.models.finishJob(id, ctx.clock());
  }
  return publishJob(ctx, id);
}

/** Resumes the rescore of a publish interrupted by a restart, if any. */
export async function resumePublishJobs(ctx: AppContext): Promise<PublishJob | null> {
  const running = await ctx.store.models.runningJob();
  return running ? runPublishJob(ctx, running.id) : null;
}
