import type { ActivityEvent } from '../../domain/event.js';
import {
  foldEvents,
  type HistoryRewrite,
  recompute,
  rewriteHistory,
  type ScoreState,
  type ScoringModel,
  stepsFromEvents,
  stepsFromState,
  type Temperature,
  type Transition,
} from '../../domain/scoring/index.js';
import type { ScoredRow, StoredTransition } from '../../store/scoring.js';
import type { Store } from '../../store/store.js';

/** A lead's history rewritten from a late event's instant: what to store and announce. */
export interface LateHistory {
  readonly state: ScoreState;
  /** The instant the lead's history is stored up to once the rewrite is stored. */
  readonly through: Date;
  readonly fromMs: number;
  readonly rewrite: HistoryRewrite<StoredTransition>;
  /** The latest transition of the history once rewritten (null for none): the temperature's since. */
  readonly lastAt: Date | null;
}

/**
 * Scores a batch of a lead's events of which some arrived after its history had been stored past
 * their instant (`fromMs`, from `lateFrom`), inside the ingest transaction with the lead locked:
 * folds them into the state (rescanning the lead's events when one is older than the allowed
 * lateness) and rewrites the stored history from `fromMs` to what the events give
 * (`rewriteHistory`), reading the lead's events only when the state's tail does not reach back
 * that far.
 */
export async function lateHistory(
  store: Store,
  row: ScoredRow,
  state: ScoreState,
  events: readonly ActivityEvent[],
  fromMs: number,
  model: ScoringModel,
  now: Date,
): Promise<LateHistory> {
  const { lead } = row;
  // A lead without scored events before this batch (a lead an import just created) has these
  // events for its whole history: nothing to read back.
  let all: readonly ActivityEvent[] | null = state.newestEventMs === null ? events : null;
  const allEvents = async () => {
    all ??= await store.scoring.eventsInOrder(lead.id);
    return all;
  };
  const folded = foldEvents(state, events, model);
  const next = folded ?? recompute(lead, await allEvents(), state.criteria, model, now).state;
  // The state's tail, when it reaches back to `fromMs`, spares reading the lead's events.
  const steps = stepsFromState(next, fromMs, model) ?? stepsFromEvents(await allEvents(), fromMs, model);
  // Read here, not taken from the lock's `lastTransitionAt`: on PostgreSQL that subquery sees the
  // snapshot from before the lock was granted, without the transitions a concurrent batch of
  // this lead has just committed.
  const stored = await store.scoring.historyFrom(lead.id, new Date(fromMs));
  // Up to the lead's newest event, or the last stored transition if later (all of those are
  // rewritten); what follows is the sweeper's, as after in-order ingest. So the next batch of
  // an import in time order extends the history instead of rewriting it again.
  const newest = events.at(-1) as ActivityEvent;
  const untilMs = Math.min(
    now.getTime(),
    Math.max(
      fromMs,
      newest.occurredAt.getTime(),
      next.head.atMs ?? fromMs,
      stored.transitions.at(-1)?.at.getTime() ?? fromMs,
    ),
  );
  const first = events.find((e) => e.occurredAt.getTime() >= fromMs) ?? newest;
  const rewrite = rewriteHistory({
    lead,
    model,
    criteria: next.criteria,
    steps,
    fromMs,
    untilMs,
    storedBefore: stored.before?.to ?? 'cold',
    stored: stored.transitions,
    cause: { kind: 'event', eventId: first.id },
  });
  const kept = stored.transitions.length - rewrite.removed.length;
  const lastAt =
    rewrite.added.at(-1)?.at ?? (kept > 0 ? stored.transitions[kept - 1]?.at : stored.before?.at) ?? null;
  return { state: next, through: new Date(untilMs), fromMs, rewrite, lastAt };
}

/** The payload of a lead.temperature_corrected signal (docs/webhooks.md). */
export function correctionPayload(
  leadId: string,
  late: LateHistory,
  added: readonly StoredTransition[],
): Record<string, unknown> {
  const describe = (t: StoredTransition | (Transition & { id?: number })) => ({
    transitionId: t.id ?? null,
    from: t.from,
    to: t.to,
    at: t.at.toISOString(),
    cause: t.cause,
    modelVersion: t.modelVersion,
    suggestLetGo: t.suggestLetGo,
  });
  const temperature: { before: Temperature; after: Temperature } = late.rewrite.temperature;
  return {
    leadId,
    from: new Date(late.fromMs).toISOString(),
    through: late.through.toISOString(),
    removed: late.rewrite.removed.map(describe),
    added: added.map(describe),
    temperature,
  };
}
