import { HearthError } from '../errors.js';
import type { ActivityEvent } from '../event.js';
import type { Lead } from '../lead.js';
import { compiledModel, matchEvent, type ScorableEvent } from './compiled-model.js';
import type { CriterionValue, InterestGroup, ScoringModel } from './model.js';
import { applyMatch, foldHead, foldMatches, type ScoreState, type UserCriterion } from './state.js';
import {
  assertSameModel,
  type TemperatureOnly,
  type TemperatureReading,
  type Transition,
  type TransitionCause,
  temperatureAt,
  temperatureOnlyAt,
  transitionBetween,
  transitionsBetween,
} from './temperature.js';

/** Points an event earned when it was scored (before decay). */
export interface EventContribution {
  readonly ruleId: string;
  readonly group: InterestGroup;
  readonly eventId: number;
  readonly occurredAt: Date;
  readonly points: number;
}

export type ScoreEventResult =
  | {
      readonly kind: 'scored';
      readonly state: ScoreState;
      readonly contributions: readonly EventContribution[];
      /**
       * Set when the event changed the lead's temperature, stamped at the event's time (see
       * `eventTransitions` for a late one).
       */
      readonly transition: Transition | null;
      /**
       * What to store, oldest first: the changes the lead went through by itself between its
       * recorded history and the event (decay, windows), then `transition`.
       */
      readonly transitions: readonly Transition[];
      /** The lead's recorded history once `transitions` are stored. */
      readonly recorded: RecordedHistory;
      /** The temperature at `now`. */
      readonly reading: TemperatureReading;
    }
  | {
      readonly kind: 'needs_recompute';
      /**
       * `too_late`: the event is older than the allowed lateness; `model_changed`: the state was
       * built by another model version. Either way: `recompute` with the lead's events, this one
       * included.
       */
      readonly reason: 'too_late' | 'model_changed';
    };

/**
 * Scores one new event for a lead: the one entry point of ingest. O(1) in the lead's history
 * for an event newer than the lead's others, O(recent events) for a late one; an event older
 * than the allowed lateness (or a state from another model version) asks for `recompute`.
 * Scoring an event twice changes nothing.
 *
 * The transition the event causes is stamped at the event's time, not at `now`: history
 * imported today lands where it happened. `recorded` says how far the lead's stored history
 * goes; the changes the lead went through by itself since then, up to the event, come first in
 * `transitions` (see `eventTransitions`).
 *
 * @example
 * const result = scoreEvent(state, event, lead, model, clock(), recorded);
 * if (result.kind === 'needs_recompute') state = recompute(lead, await events(lead), state.criteria, model, clock()).state;
 * else { state = result.state; recorded = result.recorded; await store.transitions.add(result.transitions); }
 */
export function scoreEvent(
  state: ScoreState,
  event: ActivityEvent,
  lead: Lead,
  model: ScoringModel,
  now: Date,
  recorded: RecordedHistory = NOTHING_RECORDED,
): ScoreEventResult {
  const result = applyEvent(state, event, lead, model, now, recorded);
  return result.kind === 'scored'
    ? { ...result, reading: temperatureAt(result.state, lead, model, now) }
    : result;
}

/** What `scoreEvent` gives, without the reading at `now`. */
export type AppliedEvent =
  | Omit<Extract<ScoreEventResult, { kind: 'scored' }>, 'reading'>
  | Extract<ScoreEventResult, { kind: 'needs_recompute' }>;

/**
 * `scoreEvent` without the reading at `now`, for a batch of a lead's events, which reads the
 * lead once after the last of them: the reading (qualification evidence and all) is most of the
 * cost of an event.
 */
export function applyEvent(
  state: ScoreState,
  event: ActivityEvent,
  lead: Lead,
  model: ScoringModel,
  now: Date,
  recorded: RecordedHistory = NOTHING_RECORDED,
): AppliedEvent {
  if (state.modelVersion !== model.version) return { kind: 'needs_recompute', reason: 'model_changed' };
  const match = matchEvent(compiledModel(model), event);
  const applied = applyMatch(state, match, model);
  if (applied.kind === 'too_late') return { kind: 'needs_recompute', reason: 'too_late' };
  const { interestById } = compiledModel(model);
  const contributions = applied.counted.flatMap((ruleId) => {
    const rule = interestById.get(ruleId);
    return rule
      ? [{ ruleId, group: rule.group, eventId: event.id, occurredAt: event.occurredAt, points: rule.points }]
      : [];
  });
  const cause = { kind: 'event', eventId: event.id } as const;
  const stamped = eventTransitions(state, applied.state, lead, model, event.occurredAt, now, recorded, cause);
  return {
    kind: 'scored',
    state: applied.state,
    contributions,
    transition: stamped.change,
    transitions: stamped.transitions,
    recorded: stamped.recorded,
  };
}

/**
 * How far a lead's stored temperature history goes. Transitions are only ever appended after it,
 * so a lead's history stays in time order.
 */
export interface RecordedHistory {
  /**
   * The instant the history is complete at for the current state: every change up to it is
   * stored (the lead's last scoring). Null for a lead never scored.
   */
  readonly through: Date | null;
  /** The latest stored transition's instant; null for none. */
  readonly lastTransitionAt: Date | null;
}

/** A lead with nothing recorded yet. */
export const NOTHING_RECORDED: RecordedHistory = { through: null, lastTransitionAt: null };

/**
 * The transitions a change of state caused by an event means for the lead's history, stamped
 * when it happened:
 *
 * 1. the changes the lead went through by itself (decay, a window closing) between
 *    `recorded.through` and the event, under the state before it, which the sweeper had not
 *    stored yet;
 * 2. the change the event made, at the event's instant `eventAt` — or, for a late event, at the
 *    latest of its instant, the lead's latest stored transition and its newest earlier event
 *    (readings before the newest event are not computable incrementally, and stored history is
 *    never rewritten), and at `recorded.through` if the lead's temperature changed between
 *    that instant and `through` — and never later than `now` (an event from a clock ahead of ours).
 *
 * `before` may come from another model version (after a publish): then nothing is caught up and
 * `beforeTemperature` is what the event's transition starts from.
 *
 * @example eventTransitions(state, next, lead, model, event.occurredAt, now, recorded, { kind: 'event', eventId: 7 })
 */
export function eventTransitions(
  before: ScoreState,
  after: ScoreState,
  lead: Lead,
  model: ScoringModel,
  eventAt: Date,
  now: Date,
  recorded: RecordedHistory,
  cause: TransitionCause,
  beforeTemperature?: TemperatureOnly,
): { transitions: Transition[]; change: Transition | null; recorded: RecordedHistory } {
  const sameModel = before.modelVersion === model.version;
  let atMs = Math.min(
    now.getTime(),
    Math.max(
      eventAt.getTime(),
      recorded.lastTransitionAt?.getTime() ?? Number.NEGATIVE_INFINITY,
      (sameModel ? before.head.atMs : null) ?? Number.NEGATIVE_INFINITY,
    ),
  );
  // Before `through` the stored history is that of an earlier state: a change can be stamped
  // there only if the state before the event stayed at one temperature from that instant on, so
  // that what is stored agrees with it (an import into a lead with nothing yet); else at `through`.
  const through = recorded.through?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (
    atMs < through &&
    (!sameModel || transitionsBetween(before, lead, model, new Date(atMs), new Date(through)).length > 0)
  ) {
    atMs = through;
  }
  const at = new Date(atMs);
  const transitions: Transition[] =
    sameModel && recorded.through !== null && recorded.through.getTime() < atMs
      ? transitionsBetween(before, lead, model, recorded.through, at)
      : [];
  // A state of another model without `beforeTemperature` throws (assertSameModel): a bug.
  const from =
    sameModel || beforeTemperature === undefined
      ? temperatureOnlyAt(before, lead, model, at)
      : beforeTemperature;
  const change = transitionBetween(from, temperatureOnlyAt(after, lead, model, at), at, cause);
  if (change) transitions.push(change);
  const last = transitions.at(-1);
  return {
    transitions,
    change,
    recorded: { through: at, lastTransitionAt: last ? last.at : recorded.lastTransitionAt },
  };
}

/**
 * Rebuilds a lead's state from its whole history: after a model publish, for a too-late event,
 * after a merge, and in backtests (pass only the events up to the decision time). Equal, bit
 * for bit, to scoring the same events one by one in any order.
 *
 * @example const { state, reading } = recompute(lead, events, [], b2bModel, new Date());
 */
export function recompute(
  lead: Lead,
  events: readonly ActivityEvent[],
  criteria: readonly UserCriterion[],
  model: ScoringModel,
  now: Date,
): { state: ScoreState; reading: TemperatureReading } {
  const compiled = compiledModel(model);
  const known = new Set(model.qualification.criteria);
  const state: ScoreState = {
    ...foldMatches(
      events.map((event) => matchEvent(compiled, event)),
      model,
    ).state,
    criteria: sortCriteria(criteria.filter((c) => known.has(c.criterion))),
  };
  return { state, reading: temperatureAt(state, lead, model, now) };
}

/**
 * The reading of a lead as of `at` from its events, for backtests: equal to
 * `recompute(lead, events, criteria, model, at).reading`, at about half the cost, because it
 * builds only the part of the state a reading uses (`foldHead`). Pass the events before `at`
 * (any order) and the criteria set before it.
 *
 * @example readingAsOf(lead, eventsBefore, [], b2bModel, decidedAt).temperature // 'warm'
 */
export function readingAsOf(
  lead: Lead,
  events: readonly ScorableEvent[],
  criteria: readonly UserCriterion[],
  model: ScoringModel,
  at: Date,
): TemperatureReading {
  return temperatureAt(stateAsOf(events, criteria, model), lead, model, at);
}

/**
 * The temperature alone as of `at`, as `readingAsOf` gives it: qualification is evaluated only
 * when it decides (interest at or above hot). For comparing a model with the active one.
 *
 * @example temperatureAsOf(lead, eventsBefore, [], activeModel, decidedAt).temperature // 'cool'
 */
export function temperatureAsOf(
  lead: Lead,
  events: readonly ScorableEvent[],
  criteria: readonly UserCriterion[],
  model: ScoringModel,
  at: Date,
): TemperatureOnly {
  return temperatureOnlyAt(stateAsOf(events, criteria, model), lead, model, at);
}

function stateAsOf(
  events: readonly ScorableEvent[],
  criteria: readonly UserCriterion[],
  model: ScoringModel,
): ScoreState {
  const compiled = compiledModel(model);
  const { head, newestEventMs } = foldHead(
    events.map((event) => matchEvent(compiled, event)),
    model,
  );
  const known = new Set(model.qualification.criteria);
  // Readings use only the head and the criteria; the settled fold and the tail serve later late
  // events, which a reading as of a past instant never gets.
  return {
    format: 1,
    modelVersion: model.version,
    newestEventMs,
    settled: head,
    tail: [],
    head,
    criteria: sortCriteria(criteria.filter((c) => known.has(c.criterion))),
  };
}

/** A rep's change to one criterion; `value: null` clears it, handing it back to forms and rules. */
export interface CriterionChange {
  readonly criterion: string;
  readonly value: CriterionValue | null;
  readonly userId: string;
  readonly at: Date;
  readonly note?: string;
}

/**
 * Records a rep's qualification setting. A rep's value, `unknown` included, outranks forms and
 * rules until cleared. Returns the transition it causes, if any.
 *
 * @example setCriterion(state, { criterion: 'budget', value: 'yes', userId, at: now }, lead, model, now)
 */
export function setCriterion(
  state: ScoreState,
  change: CriterionChange,
  lead: Lead,
  model: ScoringModel,
  now: Date,
): { state: ScoreState; transition: Transition | null; reading: TemperatureReading } {
  assertSameModel(state, model);
  if (!model.qualification.criteria.includes(change.criterion)) {
    throw HearthError.invalid([
      {
        path: 'criterion',
        message: `must be one of ${model.qualification.criteria.join(', ')}`,
      },
    ]);
  }
  const others = state.criteria.filter((c) => c.criterion !== change.criterion);
  const set: UserCriterion[] =
    change.value === null
      ? []
      : [
          {
            criterion: change.criterion,
            value: change.value,
            userId: change.userId,
            atMs: change.at.getTime(),
            ...(change.note === undefined ? {} : { note: change.note }),
          },
        ];
  const next: ScoreState = { ...state, criteria: sortCriteria([...others, ...set]) };
  const reading = temperatureAt(next, lead, model, now);
  const cause = { kind: 'qualification', criterion: change.criterion, userId: change.userId } as const;
  return {
    state: next,
    transition: transitionBetween(temperatureOnlyAt(state, lead, model, now), reading, now, cause),
    reading,
  };
}

/**
 * The transition caused by editing a lead (fit fields, dates, status), if any. Scoring state
 * does not depend on lead fields, so it needs no update.
 *
 * @example leadChanged(state, lead, { ...lead, jobTitle: 'CTO' }, model, now) // { from: 'warm', to: 'hot', cause: { kind: 'lead_update' }, … }
 */
export function leadChanged(
  state: ScoreState,
  before: Lead,
  after: Lead,
  model: ScoringModel,
  now: Date,
): Transition | null {
  return transitionBetween(
    temperatureOnlyAt(state, before, model, now),
    temperatureAt(state, after, model, now),
    now,
    { kind: 'lead_update' },
  );
}

/**
 * Rescores a lead under a newly published model, with the transition it causes (cause
 * `model_publish`). Rep-set criteria carry over when the new model still has them.
 *
 * @example const { state, transition } = rescoreForModel({ state: old, model: v3 }, lead, events, v4, now);
 */
export function rescoreForModel(
  previous: { readonly state: ScoreState; readonly model: ScoringModel },
  lead: Lead,
  events: readonly ActivityEvent[],
  model: ScoringModel,
  now: Date,
): { state: ScoreState; transition: Transition | null; reading: TemperatureReading } {
  const before = temperatureOnlyAt(previous.state, lead, previous.model, now);
  const { state, reading } = recompute(lead, events, previous.state.criteria, model, now);
  const transition = transitionBetween(before, reading, now, {
    kind: 'model_publish',
    version: model.version,
  });
  return { state, transition, reading };
}

function sortCriteria(criteria: readonly UserCriterion[]): UserCriterion[] {
  return [...criteria].sort((a, b) => (a.criterion < b.criterion ? -1 : a.criterion > b.criterion ? 1 : 0));
}
