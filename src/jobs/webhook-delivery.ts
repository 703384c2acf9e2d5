import type { AppContext } from '../app/context.js';
import { deliverWebhooks } from '../app/webhooks/webhook-delivery.js';
import type { Logger } from './maintenance.js';
import { schedulePolling } from './poller.js';

// Deliveries queued by another instance, and retries coming due, wait at most this long; this
// process's own changes go at once through the wake-up.
export const WEBHOOK_DELIVERY_INTERVAL_MS = 5_000;

/**
 * Sends due webhook deliveries every `intervalMs` and right after each wake-up, never two passes
 * of this process at once; other instances are kept apart by the leases in the database.
 * Returns a function that stops it and waits for a pass in progress.
 */
export function scheduleWebhookDelivery(
  ctx: AppContext,
  logger: Logger,
  intervalMs = WEBHOOK_DELIVERY_INTERVAL_MS,
  timeoutMs?: number,
): () => Promise<void> {
  return schedulePolling(
    'webhook delivery',
    async () => {
      const summary = await deliverWebhooks(ctx, timeoutMs === undefined ? {} : { timeoutMs });
      if (summary.failed > 0) {
        logger.error(`webhooks: ${summary.failed} deliveries failed for good (see their delivery log)`);
      }
    },
    { intervalMs, logger, wakeup: ctx.wakeup },
  );
}
