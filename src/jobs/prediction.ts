import type { AppContext } from '../app/context.js';
import { refreshPredictions, retrainIfDue } from '../app/prediction/prediction-service.js';
import type { Logger } from './maintenance.js';

// A lead's probability follows its activity within minutes; recomputing is cheap (one page of
// leads per 1,000 changed) and nobody acts on a probability to the second.
export const PREDICTION_INTERVAL_MS = 5 * 60_000;
const FULL_PASS_MS = 24 * 3_600_000;

/**
 * Keeps the predictive score current in `hearth serve`: retrains when the model is older than
 * `retrainHours` (0: never; one training at a time across instances, claimed in the database),
 * then re-predicts the open leads that changed (and, once a day, all of them). Returns a function
 * that stops it and waits.
 */
export function schedulePredictions(
  ctx: AppContext,
  logger: Logger,
  retrainHours: number,
  intervalMs = PREDICTION_INTERVAL_MS,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let lastFullPassMs = Number.NEGATIVE_INFINITY;
  const work = async () => {
    if (retrainHours > 0) {
      const outcome = await retrainIfDue(ctx, retrainHours * 3_600_000);
      if (typeof outcome === 'object') {
        logger.info(
          `predictive score retrained (model ${outcome.modelId}, held-out AUC ${outcome.quality.auc?.toFixed(3) ?? '–'}, ${outcome.predicted} open leads)`,
        );
      }
    }
    // Daily, every open lead: recency windows and interest move with time alone.
    const nowMs = ctx.clock().getTime();
    const all = nowMs - lastFullPassMs >= FULL_PASS_MS;
    const predicted = await refreshPredictions(ctx, { all });
    if (all) lastFullPassMs = nowMs;
    if (predicted > 0) logger.info(`predictive score: ${predicted} open leads re-predicted`);
  };
  const tick = () => {
    if (running !== null) return;
    running = work()
      .catch((error: unknown) => logger.error(`predictive score failed: ${String(error)}`))
      .finally(() => {
        running = null;
      });
  };
  // Soon after start too: a server restarted after a week should not wait another interval.
  const first = setTimeout(tick, Math.min(intervalMs, 10_000));
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
