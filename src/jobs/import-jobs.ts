import type { AppContext } from '../app/context.js';
import { resumeImportJobs } from '../app/transfer/import-jobs.js';
import type { Logger } from './maintenance.js';

// Queued imports (made by another instance, or left by one that stopped) are looked for this
// often; a stopped run's job is free once its lease (IMPORT_LEASE_MS) runs out.
export const IMPORT_POLL_MS = 5_000;

/**
 * Runs import jobs no run holds: at once (a job interrupted by a restart), then every `intervalMs`.
 * Never two polls at once in this process; several instances are safe (a run leases its job, and
 * a chunk commits only where the job's progress still stands). Returns a function that stops
 * polling, asks the run in progress to stop after its chunk, and gives it (the job resumes later).
 */
export function scheduleImportJobs(
  ctx: AppContext,
  logger: Logger,
  intervalMs = IMPORT_POLL_MS,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const stopping = new AbortController();
  const run = () => {
    if (stopped || running !== null) return;
    running = resumeImportJobs(ctx, stopping.signal)
      .then((jobs) => {
        for (const job of jobs) {
          if (job.state === 'done') logger.info(`import ${job.id}: done (${job.rowsRead} rows)`);
          if (job.state === 'failed') logger.error(`import ${job.id} failed: ${job.error}`);
        }
      })
      .catch((error: unknown) => {
        if (!stopped) logger.error(`running an import failed: ${String(error)}`);
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
    stopping.abort();
    clearInterval(timer);
    return running ?? Promise.resolve();
  };
}
