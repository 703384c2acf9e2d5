import { SingleBar } from 'cli-progress';
import { demoCounts } from '../../app/demo/demo-counts.js';
import { DEMO_PASSWORD, loadDemo } from '../../app/demo/load-demo.js';
import { DEFAULT_DEMO_LEADS, DEFAULT_DEMO_SEED } from '../../domain/demo/plan.js';
import { HearthError } from '../../domain/errors.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

// Enough for every page; the upper bound keeps a typo from simulating for hours.
export const MIN_DEMO_LEADS = 10;
export const MAX_DEMO_LEADS = 20_000;

export interface DemoCommandOptions {
  readonly leads?: string;
  readonly seed?: string;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw HearthError.invalid([{ path: flag, message: `must be a whole number from ${min} to ${max}` }]);
  }
  return value;
}

/**
 * `hearth demo [--leads N] [--seed S]`: loads the demo data set (once; a second run says so),
 * with a progress bar over simulated days on a terminal, then a summary.
 */
export async function demoCommand(io: Io, options: DemoCommandOptions): Promise<void> {
  const leads =
    options.leads === undefined
      ? DEFAULT_DEMO_LEADS
      : wholeNumber('--leads', options.leads, MIN_DEMO_LEADS, MAX_DEMO_LEADS);
  const seed =
    options.seed === undefined ? DEFAULT_DEMO_SEED : wholeNumber('--seed', options.seed, 0, 4_294_967_295);
  const bar = io.err.isTTY
    ? new SingleBar({
        format: '{bar} {percentage}% | day {value}/{total} | {eta_formatted} left',
        stream: io.err,
      })
    : undefined;
  await withApp(io, async (app) => {
    if (app.database.kind === 'embedded' && !app.database.ownsEmbeddedFiles) {
      // The server's decay sweeper and desk run on the real clock: meeting the simulated one in
      // the same tables, they would stamp the demo's history with today (docs/demo.md).
      throw new HearthError(
        'conflict',
        '`hearth serve` is running on this data directory; stop it, run `hearth demo`, then start it again',
      );
    }
    let started = false;
    const summary = await loadDemo(app.ctx, OPERATOR, { seed, leads }, (progress) => {
      const day = Math.round(progress.done / 86_400_000);
      if (!started) bar?.start(Math.round(progress.total / 86_400_000), 0);
      started = true;
      bar?.update(day);
    }).finally(() => bar?.stop());
    const counts = await demoCounts(app.ctx);
    line(
      io.out,
      summary.alreadyLoaded
        ? `The demo data set is already loaded (seed ${summary.seed}, ${summary.leads} leads); nothing changed.`
        : `Loaded the demo data set: seed ${summary.seed}, ${summary.start.toISOString().slice(0, 10)} to ${summary.end.toISOString().slice(0, 10)}.`,
    );
    line(io.out, `Users (demo password for all: ${DEMO_PASSWORD} — a demo, not a secure installation):`);
    for (const user of summary.users) line(io.out, `  ${user.email}  ${user.role}`);
    line(
      io.out,
      `Leads ${counts.leads}, events ${counts.events}, hot now ${counts.hotNow}, customers ${counts.customers}, lost ${counts.lost}, open tasks ${counts.openTasks}`,
    );
  });
}
