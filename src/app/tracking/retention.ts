import type { AppContext } from '../context.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// Visitors per statement: short transactions and few locks, so that collect never waits long on it.
const SWEEP_BATCH = 200;

/**
 * Deletes anonymous visitors (never identified) last seen more than `days` days ago, with their
 * kept history (docs/integrations.md, "What is stored"); returns how many. Identified visitors
 * belong to their lead and are left alone. `days` 0 keeps everything.
 */
export async function sweepAnonymousVisitors(ctx: AppContext, days: number): Promise<number> {
  if (days <= 0) return 0;
  const cutoff = new Date(ctx.clock().getTime() - days * DAY_MS);
  let deleted = 0;
  for (;;) {
    const batch = await ctx.store.tracking.deleteAnonymousVisitors(cutoff, SWEEP_BATCH);
    deleted += batch;
    if (batch < SWEEP_BATCH) return deleted;
  }
}
