import type { ActivityEvent } from '../event.js';
import type { Lead } from '../lead.js';
import { compiledModel, matchEvent } from './compiled-model.js';
import type { ScoringModel, Temperature } from './model.js';
import {
  applyMatch,
  type Fold,
  type HeadStep,
  type ScoreState,
  type StepsFrom,
  stepsFromMatches,
  stepsFromState,
  type UserCriterion,
} from './state.js';
import {
  type Transition,
  type TransitionCause,
  temperatureOnlyAt,
  transitionsBetween,
} from './temperature.js';

/**
 * A lead's temperature history as a function of its events (docs/scoring.md, "When a transition
 * is stamped"): in-order events append to it (`eventTransitions`); events that arrive after the
 * history has been stored past their instant rewrite it from there (`rewriteHistory`), so the
 * stored history ends the same whatever the arrival order and batching.
 */

/** The causes a person or a publish brings, stamped when they happened ("now"), not computed. */
const USER_CAUSES: ReadonlySet<TransitionCause['kind']> = new Set([
  'qualification',
  'lead_update',
  'model_publish',
]);

export function isUserCause(cause: TransitionCause): boolean {
  return USER_CAUSES.has(cause.kind);
}

/**
 * The instant from which a batch of a lead's new events changes its stored history, or null
 * when the batch only extends it: the earliest event that matters to the model (matches a rule or
 * a marker) and either comes before the lead's newest event in the folding order or before
 * `through`, the instant the lead's history is stored up to.
 *
 * @example lateFrom(state, [syncedOpen], b2bModel, scoredAt) // syncedOpen.occurredAt.getTime()
 */
export function lateFrom(
  state: ScoreState,
  events: readonly ActivityEvent[],
  model: ScoringModel,
  through: Date | null,
): number | null {
  const compiled = compiledModel(model);
  const throughMs = through?.getTime() ?? Number.NEGATIVE_INFINITY;
  const { atMs: headMs, eventId: headId } = state.head;
  let from: number | null = null;
  for (const event of events) {
    const match = matchEvent(compiled, event);
    if (match.rules.length === 0 && match.marks.length === 0) continue;
    const afterHead =
      headMs === null || match.atMs > headMs || (match.atMs === headMs && match.eventId > (headId as number));
    if (afterHead && match.atMs >= throughMs) continue;
    from = from === null ? match.atMs : Math.min(from, match.atMs);
  }
  return from;
}

/**
 * Folds events into a state (any order); null when one is older than the allowed lateness and
 * the caller must `recompute` from all of the lead's events.
 */
export function foldEvents(
  state: ScoreState,
  events: readonly ActivityEvent[],
  model: ScoringModel,
): ScoreState | null {
  const compiled = compiledModel(model);
  let next = state;
  for (const event of events) {
    const applied = applyMatch(next, matchEvent(compiled, event), model);
    if (applied.kind === 'too_late') return null;
    next = applied.state;
  }
  return next;
}

/**
 * The heads a rewrite from `fromMs` reads, from all of a lead's events (any order): when the
 * state's tail does not reach back that far (`stepsFromState` gives null).
 *
 * @example stepsFromState(state, fromMs, model) ?? stepsFromEvents(await eventsOf(lead), fromMs, model)
 */
export function stepsFromEvents(
  events: readonly ActivityEvent[],
  fromMs: number,
  model: ScoringModel,
): StepsFrom {
  const compiled = compiledModel(model);
  return stepsFromMatches(
    events.map((event) => matchEvent(compiled, event)),
    fromMs,
    model,
  );
}

export type { HeadStep, StepsFrom };
export { stepsFromState };

/** What a rewrite of a lead's history changes: the stored transitions to delete and those to add. */
export interface HistoryRewrite<T extends Transition> {
  /** Stored transitions that no longer hold, oldest first (none when the rewrite only adds). */
  readonly removed: readonly T[];
  /** Transitions to store after the unchanged ones, oldest first. */
  readonly added: readonly Transition[];
  /** The temperature the stored history ends at, before and after the rewrite. */
  readonly temperature: { readonly before: Temperature; readonly after: Temperature };
}

export interface RewriteInput<T extends Transition> {
  readonly lead: Lead;
  readonly model: ScoringModel;
  /** The lead's rep criteria (each counts from its own instant). */
  readonly criteria: readonly UserCriterion[];
  /** The lead's heads from `fromMs` on (`stepsFrom`). */
  readonly steps: StepsFrom;
  readonly fromMs: number;
  /** The instant the history is to be stored up to (≥ `fromMs`). */
  readonly untilMs: number;
  /** The temperature the stored history gives just before `fromMs` (the lead's start: cold). */
  readonly storedBefore: Temperature;
  /** The stored transitions at or after `fromMs`, oldest first. */
  readonly stored: readonly T[];
  /** The cause of a change at `fromMs` itself that no event there explains (the late event). */
  readonly cause: TransitionCause;
}

/**
 * Rewrites a lead's stored history from `fromMs`, the instant of an event that arrived after
 * the history had been stored past it. The new history over [`fromMs`, `untilMs`] is the one the
 * events give under the lead's current fields, model and rep criteria, stamped as in-order ingest
 * and the sweeper stamp it: each event's change at the event, each change that happens by itself
 * at its exact instant. It starts from the stored temperature just before `fromMs`, so the
 * history stays linked (each `from` the previous `to`).
 *
 * Stored changes a person or a publish made (`qualification`, `lead_update`, `model_publish`)
 * keep their instant and cause: where the new history changes at that instant, the change is
 * theirs; where it no longer changes there (under the current fields the change shows earlier,
 * or not at all), they are removed like any other.
 *
 * Only the difference is returned: the stored transitions equal to the new history's first ones
 * stay (with their ids), the rest is `removed` and `added`.
 *
 * @example
 * const rewrite = rewriteHistory({ lead, model, criteria: state.criteria, steps, fromMs, untilMs: now.getTime(), storedBefore: 'cold', stored, cause });
 * // rewrite.removed: [{ from: 'warm', to: 'cool', at: day 30, … }], rewrite.added: [{ from: 'warm', to: 'cool', at: day 33, … }]
 */
export function rewriteHistory<T extends Transition>(input: RewriteInput<T>): HistoryRewrite<T> {
  const history = historyOver(input);
  let same = 0;
  while (
    same < history.length &&
    same < input.stored.length &&
    sameTransition(history[same] as Transition, input.stored[same] as T)
  ) {
    same += 1;
  }
  return {
    removed: input.stored.slice(same),
    added: history.slice(same),
    temperature: {
      before: input.stored.at(-1)?.to ?? input.storedBefore,
      after: history.at(-1)?.to ?? input.storedBefore,
    },
  };
}

interface Target {
  readonly atMs: number;
  readonly to: Temperature;
  readonly suggestLetGo: boolean;
  readonly cause: TransitionCause;
}

/** The new history over [fromMs, untilMs], starting from the stored temperature before it. */
function historyOver<T extends Transition>(input: RewriteInput<T>): Transition[] {
  const { lead, model, criteria, steps, fromMs, untilMs } = input;
  const stateOf = (head: Fold): ScoreState => ({
    format: 1,
    modelVersion: model.version,
    newestEventMs: head.atMs,
    settled: head,
    tail: [],
    head,
    criteria,
  });
  const targets: Target[] = [];
  const follow = (state: ScoreState, fromAt: number, toAt: number) => {
    for (const t of transitionsBetween(state, lead, model, new Date(fromAt), new Date(toAt))) {
      targets.push({ atMs: t.at.getTime(), to: t.to, suggestLetGo: t.suggestLetGo, cause: t.cause });
    }
  };
  let state = stateOf(steps.before);
  // Just before `fromMs`: a change by itself at `fromMs` itself is then in the first stretch.
  let cursor = fromMs - 1;
  const start = temperatureOnlyAt(state, lead, model, new Date(cursor));
  for (const step of steps.steps) {
    // An event from a clock ahead of ours counts at `untilMs` (never later than now).
    const atMs = Math.min(step.atMs, untilMs);
    follow(state, cursor, atMs);
    const after = stateOf(step.head);
    const reading = temperatureOnlyAt(after, lead, model, new Date(atMs));
    targets.push({
      atMs,
      to: reading.temperature,
      suggestLetGo: reading.suggestLetGo,
      cause: { kind: 'event', eventId: step.eventId },
    });
    state = after;
    cursor = atMs;
  }
  follow(state, cursor, untilMs);
  // The stored history may disagree with the events just before `fromMs` only when what it was
  // computed under changed since (the lead's fields, the model): the late event's instant then
  // carries the difference, unless an event there changes the temperature anyway.
  if (start.temperature !== input.storedBefore && targets[0]?.atMs !== fromMs) {
    targets.unshift({
      atMs: fromMs,
      to: start.temperature,
      suggestLetGo: start.suggestLetGo,
      cause: input.cause,
    });
  }
  return link(targets, input);
}

/** Chains the targets from the stored temperature, giving each instant's change a person's cause where one was stored. */
function link<T extends Transition>(targets: readonly Target[], input: RewriteInput<T>): Transition[] {
  const userCauses = new Map<number, TransitionCause>();
  for (const t of input.stored) {
    if (isUserCause(t.cause) && !userCauses.has(t.at.getTime())) userCauses.set(t.at.getTime(), t.cause);
  }
  const history: Transition[] = [];
  let current = input.storedBefore;
  for (const target of targets) {
    if (target.to === current) continue;
    const userCause = userCauses.get(target.atMs);
    if (userCause !== undefined) userCauses.delete(target.atMs);
    history.push({
      from: current,
      to: target.to,
      at: new Date(target.atMs),
      cause: userCause ?? target.cause,
      modelVersion: input.model.version,
      suggestLetGo: target.suggestLetGo,
    });
    current = target.to;
  }
  return history;
}

/** Whether a stored transition says the same as a computed one. */
function sameTransition(a: Transition, b: Transition): boolean {
  return (
    a.from === b.from &&
    a.to === b.to &&
    a.at.getTime() === b.at.getTime() &&
    a.modelVersion === b.modelVersion &&
    a.suggestLetGo === b.suggestLetGo &&
    sameCause(a.cause, b.cause)
  );
}

function sameCause(a: TransitionCause, b: TransitionCause): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  }
  return true;
}
