import type { AppContext } from '../app/context.js';
import { runDueWork } from '../app/scoring/due-work.js';
import type { Logger } from './maintenance.js';

// Transitions are applied within a minute of their instant (SPEC §2 asks for 60 s); reads are
// exact regardless, so a sweep every 30 s only keeps the stored column and the history in step.
export const DUE_WORK_INTERVAL_MS = 30_000;

/**
 * Runs `runDueWork` on an interval (never two sweeps of this process at once; other instances
 * are kept apart by the database claim). Returns a function that stops it and waits for a sweep
 * in progress.
 */
export function scheduleDueWork(
  ctx: AppContext,
  logger: Logger,
  intervalMs = DUE_WORK_INTERVAL_MS,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running !== null) return;
    running = runDueWork(ctx)
      .then((summary) => {
        if (summary.transitions > 0) {
          logger.info(`due work: ${summary.transitions} transitions on ${summary.leads} leads`);
        }
      })
      .catch((error: unknown) => logger.error(`due work failed: ${String(error)}`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
