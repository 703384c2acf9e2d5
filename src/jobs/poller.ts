import type { Wakeup } from '../app/wakeup.js';
import type { Logger } from './maintenance.js';

/**
 * Runs `work` every `intervalMs`, and soon after each wake-up; never two runs at once in this
 * process (a wake-up during a run schedules one more run after it). Other processes are kept
 * apart by the database (locks and claims in the work itself). Returns a function that stops
 * polling and waits for a run in progress.
 */
export function schedulePolling(
  name: string,
  work: () => Promise<void>,
  options: { intervalMs: number; logger: Logger; wakeup?: Wakeup },
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = work()
      .catch((error: unknown) => options.logger.error(`${name} failed: ${String(error)}`))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          setImmediate(run);
        }
      });
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  const unsubscribe = options.wakeup?.subscribe(() => setImmediate(run)) ?? (() => {});
  return async () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    await running;
  };
}
