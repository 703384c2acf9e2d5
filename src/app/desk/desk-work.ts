import type { AppContext } from '../context.js';
import { deskSettings } from './desk-settings.js';
import { batchFacts, withHistory } from './history.js';
import { runPlaybook, sweepBreaches, sweepOverdue } from './playbook-reactions.js';
import { SIGNAL_CONSUMERS } from './signal-consumers.js';

// Signals per dispatch transaction: small enough that a transaction stays short.
export const DISPATCH_BATCH = 100;
// A signal whose reactions fail this many times is set aside (kept, with its error).
export const MAX_DISPATCH_ATTEMPTS = 5;

// Dispatched signals are kept this long for inspection (`signals.last_error`, a lead's history of
// announcements), then pruned; what lasts is in transitions, tasks, timers and the delivery log.
export const SIGNAL_RETENTION_DAYS = 30;

/** Deletes signals dispatched more than SIGNAL_RETENTION_DAYS ago. */
export async function pruneSignals(ctx: AppContext): Promise<number> {
  return ctx.store.signals.prune(new Date(ctx.clock().getTime() - SIGNAL_RETENTION_DAYS * 86_400_000));
}

export interface DeskWorkSummary {
  readonly signals: number;
  readonly breaches: number;
  readonly overdue: number;
  /** False when another instance held the dispatch lock: it is doing this work. */
  readonly ran: boolean;
}

/**
 * One pass of the desk's background work, until nothing is left: breached speed-to-lead timers
 * and overdue tasks are announced, then every undispatched signal runs the playbook and the
 * consumers (webhooks, automations) and is marked dispatched — all in one transaction per batch
 * under a database lock, so each reaction happens exactly once, across instances and crashes
 * (a crashed transaction leaves its signals undispatched for the next pass).
 */
export async function runDeskWork(
  ctx: AppContext,
  options: { batch?: number } = {},
): Promise<DeskWorkSummary> {
  const batch = options.batch ?? DISPATCH_BATCH;
  let signals = 0;
  let breaches = 0;
  let overdue = 0;
  for (;;) {
    let pass: { signals: number; breaches: number; overdue: number } | null;
    try {
      pass = await dispatchBatch(ctx, batch);
    } catch (error) {
      // One signal's reactions failed and took the batch down with it: go one at a time so the
      // others proceed and the culprit is recorded.
      if (batch === 1) throw error;
      pass = await isolateFailure(ctx, batch);
    }
    if (pass === null) return { signals, breaches, overdue, ran: signals + breaches + overdue > 0 };
    signals += pass.signals;
    breaches += pass.breaches;
    overdue += pass.overdue;
    if (pass.signals + pass.breaches + pass.overdue === 0) return { signals, breaches, overdue, ran: true };
  }
}

async function dispatchBatch(
  ctx: AppContext,
  batch: number,
): Promise<{ signals: number; breaches: number; overdue: number } | null> {
  return ctx.store.transaction(async (store) => {
    if (!(await store.signals.tryDispatchLock())) return null;
    const now = ctx.clock();
    const settings = await deskSettings(store);
    const breaches = await sweepBreaches(store, settings, now, batch);
    const overdue = await sweepOverdue(store, now, batch);
    const signals = await store.signals.undispatched(batch);
    // Lock the batch's leads up front, in id order as ingest does: taking them one by one in
    // signal order could deadlock with a batch of events holding some of them.
    const rows = await store.scoring.lockForScoring([
      ...new Set(signals.flatMap((s) => (s.leadId === null ? [] : [s.leadId]))),
    ]);
    // Judged once, at dispatch: whether each temperature change is still live work or history.
    const facts = await batchFacts(store, signals, rows, now);
    const judged = signals.map((s) => withHistory(s, facts, settings, now));
    for (const signal of judged) await runPlaybook(store, signal, settings, facts, now);
    for (const consume of SIGNAL_CONSUMERS) await consume(store, judged, now);
    await store.signals.markDispatched(
      signals.map((s) => s.id),
      now,
    );
    return { signals: signals.length, breaches, overdue };
  });
}

async function isolateFailure(
  ctx: AppContext,
  batch: number,
): Promise<{ signals: number; breaches: number; overdue: number } | null> {
  let total = { signals: 0, breaches: 0, overdue: 0 };
  for (let i = 0; i < batch; i++) {
    try {
      const pass = await dispatchBatch(ctx, 1);
      if (pass === null) return i === 0 ? null : total;
      total = {
        signals: total.signals + pass.signals,
        breaches: total.breaches + pass.breaches,
        overdue: total.overdue + pass.overdue,
      };
      if (pass.signals === 0) return total;
    } catch (error) {
      const [failed] = await ctx.store.signals.undispatched(1);
      if (!failed) throw error;
      await ctx.store.signals.recordFailure(
        failed.id,
        error instanceof Error ? error.message : String(error),
        ctx.clock(),
        MAX_DISPATCH_ATTEMPTS,
      );
      return total;
    }
  }
  return total;
}
