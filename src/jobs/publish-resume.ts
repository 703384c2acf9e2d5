import type { AppContext } from '../app/context.js';
import { resumePublishJobs } from '../app/scoring/model-lifecycle.js';
import type { Logger } from './maintenance.js';

// A publish whose rescore stopped half-way in another instance (killed, or its pool failed) is
// picked up within this long by any instance still running, not only at the next start.
export const PUBLISH_RESUME_INTERVAL_MS = 30_000;

/**
 * Finishes publish rescores left running: at once (a rescore interrupted by a restart), then every
 * `intervalMs` (one another instance stopped working on, or a chunk of this one's that failed).
 * Running beside the instance that is rescoring is safe: both claim chunks with `skip locked`.
 * Never two runs at once in this process. Returns a function that stops polling and gives the
 * run in progress: await it after closing the pool, where it ends with the chunk it was on (the
 * rescore resumes at the next start, or in another instance).
 */
export function scheduleRescoreResume(
  ctx: AppContext,
  logger: Logger,
  intervalMs = PUBLISH_RESUME_INTERVAL_MS,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (stopped || running !== null) return;
    running = resumePublishJobs(ctx)
      .then((job) => {
        if (job?.state === 'done') logger.info(`model version ${job.version}: rescore finished`);
      })
      .catch((error: unknown) => {
        if (!stopped) logger.error(`resuming a model publish failed: ${String(error)}`);
      })
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    return running ?? Promise.resolve();
  };
}
