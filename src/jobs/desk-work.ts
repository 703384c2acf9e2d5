import type { AppContext } from '../app/context.js';
import { runDeskWork } from '../app/desk/desk-work.js';
import type { Logger } from './maintenance.js';
import { schedulePolling } from './poller.js';

/**
 * The desk's background work (breached SLAs, overdue tasks, dispatching signals to the playbook,
 * automations and webhooks): right after a change in this process, and every `intervalMs` for
 * changes made by other instances and for deadlines passing.
 */
export function scheduleDeskWork(ctx: AppContext, logger: Logger, intervalMs: number): () => Promise<void> {
  return schedulePolling(
    'desk work',
    async () => {
      const summary = await runDeskWork(ctx);
      if (summary.breaches > 0) logger.info(`desk: ${summary.breaches} speed-to-lead SLA breaches`);
    },
    { intervalMs, logger, wakeup: ctx.wakeup },
  );
}
