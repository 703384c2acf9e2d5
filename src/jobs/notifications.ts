import type { AppContext } from '../app/context.js';
import { deliverNotifications } from '../app/notifications/deliver-notifications.js';
import { makeDueDigests, warnRunningOutClocks } from '../app/notifications/scheduled-notifications.js';
import { createTransports, type Transports } from '../app/notifications/transports.js';
import type { Logger } from './maintenance.js';
import { schedulePolling } from './poller.js';

// Digests are due at a whole hour of each user's clock; looking once a minute sends each within
// a minute of it without reading every user's settings at every poll.
const DIGEST_EVERY_MS = 60_000;

/**
 * Notifications' background work: warnings of speed-to-lead clocks running out, the daily
 * digests, and sending what is due by email and Slack — every `intervalMs` and right after each
 * wake-up (the desk's dispatcher wakes it when it stored notifications). Other instances are kept
 * apart by unique keys and the delivery leases. Returns a function that stops it, waits for a
 * pass in progress and closes the SMTP connections.
 */
export function scheduleNotifications(
  ctx: AppContext,
  logger: Logger,
  intervalMs: number,
  transports: Transports = createTransports(ctx.notifications ?? { smtpUrl: null, mailFrom: null }),
): () => Promise<void> {
  let digestsAt = Number.NEGATIVE_INFINITY;
  const stop = schedulePolling(
    'notifications',
    async () => {
      await warnRunningOutClocks(ctx);
      const nowMs = ctx.clock().getTime();
      if (nowMs - digestsAt >= DIGEST_EVERY_MS || nowMs < digestsAt) {
        digestsAt = nowMs;
        const digests = await makeDueDigests(ctx);
        if (digests > 0) logger.info(`notifications: ${digests} daily digests made`);
      }
      const summary = await deliverNotifications(ctx, transports);
      if (summary.failed > 0) {
        logger.error(
          `notifications: ${summary.failed} deliveries failed for good (see the notification log)`,
        );
      }
    },
    { intervalMs, logger, wakeup: ctx.wakeup },
  );
  return async () => {
    await stop();
    transports.close();
  };
}
