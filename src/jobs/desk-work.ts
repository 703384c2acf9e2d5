import type { AppContext } from '../app/context.js';
import { pruneSignals, runDeskWork } from '../app/desk/desk-work.js';
import type { Logger } from './maintenance.js';
import { schedulePolling } from './poller.js';

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The desk's background work (breached SLAs, overdue tasks, dispatching signals to the playbook,
 * automations and webhooks): right after a change in this process, and every `intervalMs` for
 * changes made by other instances and for deadlines passing.
 */
export function scheduleDeskWork(ctx: AppContext, logger: Logger, intervalMs: number): () => Promise<void> {
  let prunedAt = 0;
  return schedulePolling(
    'desk work',
    async () => {
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await pruneSignals(ctx);
      }
      const summary = await runDeskWork(ctx);
      // Dispatching queued webhook deliveries (and maybe more signals): let their workers run now.
      if (summary.signals > 0 || summary.breaches > 0 || summary.overdue > 0) ctx.wakeup.notify();
      if (summary.breaches > 0) logger.info(`desk: ${summary.breaches} speed-to-lead SLA breaches`);
    },
    { intervalMs, logger, wakeup: ctx.wakeup },
  );
}
