import { setImmediate as nextTurn } from 'node:timers/promises';
import Type, { type Static } from 'typebox';
import { HearthError } from '../../domain/errors.js';
import type { Lead } from '../../domain/lead.js';
import { observe } from '../../domain/prediction/features.js';
import {
  MINIMUM_OUTCOMES_EACH,
  predict,
  type TrainingExample,
  type TrainingResult,
  type TrainingStep,
  trainingSteps,
} from '../../domain/prediction/predictor.js';
import { readingAsOf, type ScoringModel, type UserCriterion } from '../../domain/scoring/index.js';
import type { BacktestEvent } from '../../store/backtest.js';
import type {
  PredictionRun,
  PredictionTrigger,
  PredictionWrite,
  StoredPrediction,
  StoredPredictionModel,
} from '../../store/prediction.js';
import { eventsBeforeEach } from '../backtest/backtest-service.js';
import type { AppContext } from '../context.js';

/** `POST /prediction/train` and `hearth predict train`. */
export const TrainInput = Type.Object(
  {
    exclude: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 200,
        description:
          'Columns to leave out: a standard field (`industry`), an attribute (`Converted`), an event type ' +
          '(`activity.demo_request`), `fit`, `interest`, or a group (`activity`, `attributes`). ' +
          'Leave out every column filled in after the decision.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TrainInput = Static<typeof TrainInput>;

/** What a training reports: the stored model's id and the measured quality. */
export interface TrainingReport extends Omit<TrainingResult, 'predictor'> {
  readonly modelId: number;
  readonly trainedAt: Date;
  readonly exclude: readonly string[];
  /** Open leads given a probability by this model. */
  readonly predicted: number;
  readonly elapsedMs: number;
}

export type TrainingPhase = 'reading' | 'training' | 'predicting';
export type TrainingProgress = (phase: TrainingPhase, done: number, total: number) => void;

// Pages of leads: a few MB with their events at 30 events a lead.
const LEAD_PAGE = 1000;
/** A run whose heartbeat is older than this has lost its process. */
const RUN_STALE_MS = 10 * 60_000;

/** A lead as of an instant under the active scoring model: its features for the predictor. */
function observationAt(
  lead: Lead,
  events: readonly BacktestEvent[],
  criteria: readonly UserCriterion[],
  model: ScoringModel,
  at: Date,
) {
  const atMs = at.getTime();
  const reading = readingAsOf(
    lead,
    events,
    criteria.filter((c) => c.atMs < atMs),
    model,
    at,
  );
  return observe(lead, events, { fit: reading.fit, interest: reading.interest }, at);
}

/**
 * Every lead with a known outcome as the model must see it: its fields, with the status it had
 * before the decision, and its activity and scores as of the decision time — never after.
 */
async function trainingExamples(ctx: AppContext, onProgress: TrainingProgress): Promise<TrainingExample[]> {
  const model = await ctx.store.scoring.activeModel();
  const total = await ctx.store.backtest.countDecided();
  const examples: TrainingExample[] = [];
  let afterId: string | null = null;
  for (;;) {
    const page = await ctx.store.backtest.decidedAfter(afterId, LEAD_PAGE);
    if (page.length === 0) return examples;
    const events = await eventsBeforeEach(
      ctx,
      page.map((d) => ({ leadId: d.lead.id, before: d.decidedAt })),
    );
    for (const decided of page) {
      const lead = { ...decided.lead, status: decided.statusBefore };
      examples.push({
        observation: observationAt(
          lead,
          events.get(lead.id) ?? [],
          decided.criteria,
          model,
          decided.decidedAt,
        ),
        won: decided.outcome === 'customer',
        decidedAt: decided.decidedAt,
      });
    }
    afterId = (page.at(-1) as (typeof page)[number]).lead.id;
    onProgress('reading', examples.length, Math.max(total, examples.length));
    await nextTurn();
  }
}

/**
 * Gives open leads their probability under the latest model (only those due, or `all`), and
 * clears it from leads that closed. Returns how many leads were predicted.
 */
export async function refreshPredictions(
  ctx: AppContext,
  options: { all?: boolean; onProgress?: (done: number) => void } = {},
): Promise<number> {
  const stored = await ctx.store.prediction.latestModel();
  if (!stored) return 0;
  const model = await ctx.store.scoring.activeModel();
  let predicted = 0;
  let afterId: string | null = null;
  for (;;) {
    const now = ctx.clock();
    const page = await ctx.store.prediction.dueAfter(afterId, LEAD_PAGE, { all: options.all ?? false });
    if (page.length === 0) return predicted;
    const open = page.filter((p) => p.lead.status === 'open');
    const events = await eventsBeforeEach(
      ctx,
      open.map((p) => ({ leadId: p.lead.id, before: now })),
    );
    const writes: PredictionWrite[] = page.map(({ lead, criteria }) => {
      if (lead.status !== 'open') return { leadId: lead.id, probability: null, factors: null };
      const observation = observationAt(lead, events.get(lead.id) ?? [], criteria, model, now);
      const { probability, positive, negative } = predict(stored.predictor, observation);
      return { leadId: lead.id, probability, factors: { positive, negative } };
    });
    await ctx.store.prediction.save(writes, stored.id, now);
    predicted += open.length;
    afterId = (page.at(-1) as (typeof page)[number]).lead.id;
    options.onProgress?.(predicted);
    await nextTurn();
  }
}

/**
 * Trains the predictive score on every lead with a known outcome (docs/prediction.md), stores the
 * model with its report, and predicts every open lead with it. One training at a time across
 * instances; a second request while one runs is refused.
 *
 * @throws HearthError `conflict` while another training runs; `invalid` below the minimum of outcomes.
 */
export async function trainPrediction(
  ctx: AppContext,
  input: TrainInput & { trigger: PredictionTrigger; requestedBy: string | null },
  onProgress: TrainingProgress = () => undefined,
): Promise<TrainingReport> {
  const started = performance.now();
  return completeRun(ctx, await beginRun(ctx, input), onProgress, started);
}

/**
 * Starts a training and returns its run at once; the training goes on in this process and its
 * progress and outcome are read with `predictionRun` (the HTTP edge: a long request would time out).
 */
export async function startTraining(
  ctx: AppContext,
  input: TrainInput & { trigger: PredictionTrigger; requestedBy: string | null },
  onUnexpectedFailure: (error: unknown) => void,
): Promise<PredictionRun> {
  const started = performance.now();
  const run = await beginRun(ctx, input);
  // A refusal (too few outcomes) is recorded on the run, where the caller looks for it; anything
  // else also goes to the server log, which the run's message points to.
  completeRun(ctx, run, () => undefined, started).catch((error: unknown) => {
    if (!(error instanceof HearthError)) onUnexpectedFailure(error);
  });
  return run;
}

async function beginRun(
  ctx: AppContext,
  input: TrainInput & { trigger: PredictionTrigger; requestedBy: string | null },
): Promise<PredictionRun> {
  const now = ctx.clock();
  const run = await ctx.store.prediction.startRun(
    { trigger: input.trigger, requestedBy: input.requestedBy, exclude: [...new Set(input.exclude ?? [])] },
    now,
    new Date(now.getTime() - RUN_STALE_MS),
  );
  if (!run) throw new HearthError('conflict', 'A training is already running; wait for it to finish.');
  return run;
}

const FITS: readonly TrainingStep['fit'][] = ['measured', 'additive', 'final'];

/** Trains, letting requests and timers run between trees (a model takes seconds, a tree milliseconds). */
async function trainYielding(
  examples: readonly TrainingExample[],
  exclude: readonly string[],
  progress: TrainingProgress,
): Promise<TrainingResult> {
  const steps = trainingSteps(examples, { exclude });
  progress('training', 0, FITS.length);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      progress('training', FITS.length, FITS.length);
      return step.value;
    }
    progress('training', FITS.indexOf(step.value.fit), FITS.length);
    await nextTurn();
  }
}

async function completeRun(
  ctx: AppContext,
  run: PredictionRun,
  onProgress: TrainingProgress,
  started: number,
): Promise<TrainingReport> {
  let lastBeat = 0;
  const progress: TrainingProgress = (phase, done, total) => {
    onProgress(phase, done, total);
    const now = ctx.clock();
    if (now.getTime() - lastBeat < 1000 && done < total) return;
    lastBeat = now.getTime();
    ctx.store.prediction.heartbeat(run.id, { phase, done, total }, now).catch(() => undefined);
  };
  try {
    const examples = await trainingExamples(ctx, progress);
    const { predictor, ...result } = await trainYielding(examples, run.exclude, progress);
    const trainedAt = ctx.clock();
    const report = { ...result };
    const stored = await ctx.store.prediction.saveModel({
      trainedAt,
      trainedBy: run.requestedBy,
      trigger: run.trigger,
      exclude: run.exclude,
      predictor,
      report,
    });
    const open = await ctx.store.prediction.countOpen();
    const predicted = await refreshPredictions(ctx, {
      all: true,
      onProgress: (done) => progress('predicting', done, Math.max(done, open)),
    });
    await ctx.store.prediction.finishRun(run.id, { state: 'done', modelId: stored.id }, ctx.clock());
    return {
      ...result,
      modelId: stored.id,
      trainedAt,
      exclude: run.exclude,
      predicted,
      elapsedMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    const message =
      error instanceof HearthError ? error.message : 'Training failed unexpectedly; see the server log.';
    await ctx.store.prediction
      .finishRun(run.id, { state: 'failed', error: message }, ctx.clock())
      .catch(() => undefined);
    throw error;
  }
}

/** The model in use (without its trees) and the latest runs. */
export async function predictionStatus(ctx: AppContext): Promise<{
  model: Omit<StoredPredictionModel, 'predictor'> | null;
  runs: PredictionRun[];
}> {
  const [models, runs] = await Promise.all([ctx.store.prediction.models(1), ctx.store.prediction.runs(10)]);
  return { model: models[0] ?? null, runs };
}

export async function predictionRun(ctx: AppContext, id: number): Promise<PredictionRun> {
  const run = await ctx.store.prediction.run(id);
  if (!run) throw new HearthError('not_found', `No training run has id ${id}`, { id });
  return run;
}

/** A lead's stored prediction (read the lead with `getLead`, which checks who may see it); null before one. */
export async function leadPrediction(ctx: AppContext, lead: Lead): Promise<StoredPrediction | null> {
  return (await ctx.store.prediction.ofLead(lead.id)) ?? null;
}

/**
 * Retrains when the latest model is older than `everyMs` (or there is none) — the schedule of
 * `hearth serve`. Quietly skips while there are too few outcomes or another training runs.
 */
export async function retrainIfDue(
  ctx: AppContext,
  everyMs: number,
): Promise<TrainingReport | 'not_due' | 'too_few_outcomes' | 'busy'> {
  const latest = (await ctx.store.prediction.models(1))[0];
  if (latest && ctx.clock().getTime() - latest.trainedAt.getTime() < everyMs) return 'not_due';
  // Counted before a run is started, so a young installation's history is not a list of refusals.
  const { won, lost } = await ctx.store.prediction.countOutcomes();
  if (won < MINIMUM_OUTCOMES_EACH || lost < MINIMUM_OUTCOMES_EACH) return 'too_few_outcomes';
  try {
    return await trainPrediction(ctx, { trigger: 'schedule', requestedBy: null });
  } catch (error) {
    if (error instanceof HearthError && error.code === 'conflict') return 'busy';
    if (error instanceof HearthError && error.code === 'invalid' && error.details.minimumEach !== undefined) {
      return 'too_few_outcomes';
    }
    throw error;
  }
}
