import type { AppContext } from '../app/context.js';
import { sweepAnonymousVisitors } from '../app/tracking/retention.js';

// PGlite has no autovacuum and no background checkpointer: without these, dead rows and the
// write-ahead log grow until restart. Hourly is frequent enough for a desk's write volume and
// cheap on small tables; anonymous tracker history is swept at the same pace (on every database).
export const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export interface MaintenanceOptions {
  /** VACUUM (ANALYZE) and CHECKPOINT: for the embedded database only. */
  readonly vacuum: boolean;
  /** HEARTH_TRACKER_RETENTION_DAYS: anonymous visitors older than this are deleted (0 never). */
  readonly trackerRetentionDays: number;
}

/** One pass: the retention sweep, then (embedded) the vacuum. Each failure is logged, not thrown. */
export async function runMaintenance(
  ctx: AppContext,
  logger: Logger,
  options: MaintenanceOptions,
): Promise<void> {
  try {
    const deleted = await sweepAnonymousVisitors(ctx, options.trackerRetentionDays);
    if (deleted > 0) {
      logger.info(
        `tracker retention: ${deleted} anonymous visitors unseen for ${options.trackerRetentionDays} days deleted`,
      );
    }
  } catch (error) {
    logger.error(`tracker retention sweep failed: ${String(error)}`);
  }
  if (!options.vacuum) return;
  try {
    await ctx.store.vacuum();
    logger.info('embedded database vacuumed and checkpointed');
  } catch (error) {
    logger.error(`embedded database maintenance failed: ${String(error)}`);
  }
}

/** Runs `runMaintenance` on an interval (first after one interval); returns a function that stops it. */
export function scheduleMaintenance(
  ctx: AppContext,
  logger: Logger,
  options: MaintenanceOptions,
  intervalMs = MAINTENANCE_INTERVAL_MS,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void runMaintenance(ctx, logger, options).finally(() => {
      running = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
