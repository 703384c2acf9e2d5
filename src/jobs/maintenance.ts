import type { Store } from '../store/store.js';

// PGlite has no autovacuum and no background checkpointer: without these, dead rows and the
// write-ahead log grow until restart. Hourly is frequent enough for a desk's write volume and
// cheap on small tables.
export const EMBEDDED_MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/** Runs VACUUM (ANALYZE) and CHECKPOINT on an interval; returns a function that stops it. */
export function scheduleEmbeddedMaintenance(
  store: Store,
  logger: Logger,
  intervalMs = EMBEDDED_MAINTENANCE_INTERVAL_MS,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store
      .vacuum()
      .then(() => logger.info('embedded database vacuumed and checkpointed'))
      .catch((error: unknown) => logger.error(`embedded database maintenance failed: ${String(error)}`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
