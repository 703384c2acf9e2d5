import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import {
  emptyState,
  rescoreForModel,
  type ScoringModel,
  type Transition,
  validateModel,
} from '../../domain/scoring/index.js';
import type { PublishJob, StoredModel } from '../../store/models.js';
import type { ScoreUpdate } from '../../store/scoring.js';
import type { AppContext } from '../context.js';
import { scoreUpdate } from './scoring-service.js';

// Leads per rescore transaction: the same chunk as imports (docs/storage.md), small enough for
// PGlite's heap and short enough that ingest waiting on a claimed lead waits well under a second.
export const RESCORE_CHUNK = 500;

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
 * Rescores one chunk of leads still scored by an older model, in one transaction. Returns how
 * many leads it rescored (0 when nothing is left to claim).
 */
async function rescoreChunk(ctx: AppContext, job: PublishJob, chunk: number): Promise<number> {
  return ctx.store.transaction(async (store) => {
    const rows = await store.models.claimBelow(job.version, chunk);
    if (rows.length === 0) return 0;
    const now = ctx.clock();
    const models = await store.models.publishedByVersion();
    const model = models.get(job.version);
    if (!model) throw new Error(`model version ${job.version} is not published`);
    const events = await store.models.eventsOf(rows.map((r) => r.lead.id));
    const updates: ScoreUpdate[] = [];
    const transitions: { leadId: string; transition: Transition }[] = [];
    const moved: Record<string, number> = {};
    for (const row of rows) {
      const { lead } = row;
      const oldModel = (row.state && models.get(row.state.modelVersion)) || null;
      // A lead never scored (or by a version since removed) starts from its stored temperature.
      const previous =
        row.state && oldModel ? { state: row.state, model: oldModel } : { state: emptyState(model), model };
      const result = rescoreForModel(previous, lead, events.get(lead.id) ?? [], model, now);
      updates.push(
        scoreUpdate(lead, result.state, result.reading, model, now, {
          temperature: row.temperature,
          since: row.temperatureSince,
        }),
      );
      if (result.transition) {
        transitions.push({ leadId: lead.id, transition: result.transition });
        const key = `${result.transition.from}→${result.transition.to}`;
        moved[key] = (moved[key] ?? 0) + 1;
      }
    }
    await store.scoring.save(updates);
    await store.scoring.addTransitions(transitions, now);
    await store.models.recordProgress(job.id, rows.length, moved);
    return rows.length;
  });
}

/**
 * Works on a publish job until no lead is left below its version, chunk by chunk. Safe to run
 * in several processes at once (claims skip locked leads) and to restart (progress is the leads'
 * `model_version`). Marks the job done when no lead is left; returns the job as it stands.
 */
export async function runPublishJob(
  ctx: AppContext,
  id: number,
  options: {
    chunk?: number;
    /** Stop after this many chunks, leaving the job running (tests of resuming). */
    stopAfter?: number;
    onProgress?: (job: PublishJob) => void;
  } = {},
): Promise<PublishJob> {
  const job = await publishJob(ctx, id);
  if (job.state === 'done') return job;
  const chunk = options.chunk ?? RESCORE_CHUNK;
  for (let chunks = 0; ; chunks += 1) {
    if (options.stopAfter !== undefined && chunks >= options.stopAfter) return publishJob(ctx, id);
    const claimed = await rescoreChunk(ctx, job, chunk);
    if (claimed === 0) break;
    options.onProgress?.(await publishJob(ctx, id));
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
