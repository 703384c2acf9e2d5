import {
  interestKeys,
  nextScheduledChange,
  type Transition,
  temperatureAt,
  transitionsBetween,
} from '../../domain/scoring/index.js';
import type { ScoreUpdate } from '../../store/scoring.js';
import type { AppContext } from '../context.js';
import { currentState } from './scoring-service.js';

// Leads per sweep transaction, as for imports and rescores (docs/storage.md).
export const DUE_WORK_CHUNK = 500;

export interface DueWorkSummary {
  /** Leads whose scheduled change was due. */
  readonly leads: number;
  /** Transitions stored (a lead may pass several thresholds since it was last swept). */
  readonly transitions: number;
}

/**
 * Applies the temperature changes that happened by themselves (decay below a threshold, a window
 * closing, the end of the cool period) to every lead whose `next_change_at` has come: stores each
 * transition at its exact instant, then the temperature as of now and the next scheduled change.
 * Claims chunks with `skip locked`, so several instances can sweep at once. Reads never wait for
 * this: they compute the temperature at read time; the sweep keeps the stored column, the
 * `?temperature=` filter and the transition history in step.
 */
export async function runDueWork(ctx: AppContext, options: { chunk?: number } = {}): Promise<DueWorkSummary> {
  const chunk = options.chunk ?? DUE_WORK_CHUNK;
  let leads = 0;
  let stored = 0;
  for (;;) {
    const done = await ctx.store.transaction(async (store) => {
      const now = ctx.clock();
      const model = await store.scoring.activeModel();
      const rows = await store.scoring.claimDue(now, chunk, model.version);
      if (rows.length === 0) return { claimed: 0, transitions: 0 };
      const updates: ScoreUpdate[] = [];
      const transitions: { leadId: string; transition: Transition }[] = [];
      for (const row of rows) {
        const { lead } = row;
        const state = await currentState(store, lead, row.state, model, now);
        // From when the stored temperature was computed. (Leads scored by an older model are not
        // claimed: the publish job rescores them and records that change.)
        const from = row.scoredAt ?? now;
        const changes = from < now ? transitionsBetween(state, lead, model, from, now) : [];
        for (const transition of changes) transitions.push({ leadId: lead.id, transition });
        const reading = temperatureAt(state, lead, model, now);
        const last = changes.at(-1);
        updates.push({
          leadId: lead.id,
          state,
          fit: reading.fit,
          temperature: reading.temperature,
          temperatureSince: last ? last.at : (row.temperatureSince ?? now),
          nextChangeAt: nextScheduledChange(state, lead, model, now)?.at ?? null,
          scoredAt: now,
          interestKeys: interestKeys(state, model),
        });
      }
      await store.scoring.save(updates);
      await store.scoring.addTransitions(transitions, now);
      return { claimed: rows.length, transitions: transitions.length };
    });
    leads += done.claimed;
    stored += done.transitions;
    if (done.claimed < chunk) break;
  }
  return { leads, transitions: stored };
}
