import { HearthError } from '../errors.js';
import type { ActivityEvent } from '../event.js';
import type { Lead } from '../lead.js';
import { compiledModel, matchEvent } from './compiled-model.js';
import type { CriterionValue, InterestGroup, ScoringModel } from './model.js';
import { applyMatch, foldMatches, type ScoreState, type UserCriterion } from './state.js';
import {
  assertSameModel,
  type TemperatureReading,
  type Transition,
  temperatureAt,
  temperatureOnlyAt,
  transitionBetween,
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
      /** Set when the event changed the lead's temperature (at `now`). */
      readonly transition: Transition | null;
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
 * @example
 * const result = scoreEvent(state, event, lead, model, clock());
 * if (result.kind === 'needs_recompute') state = recompute(lead, await events(lead), state.criteria, model, clock()).state;
 * else { state = result.state; if (result.transition) await store.transitions.add(result.transition); }
 */
export function scoreEvent(
  state: ScoreState,
  event: ActivityEvent,
  lead: Lead,
  model: ScoringModel,
  now: Date,
): ScoreEventResult {
  if (state.modelVersion !== model.version) return { kind: 'needs_recompute', reason: 'model_changed' };
  const match = matchEvent(compiledModel(model), event);
  const applied = applyMatch(state, match, model);
  if (applied.kind === 'too_late') return { kind: 'needs_recompute', reason: 'too_late' };
  const before = temperatureOnlyAt(state, lead, model, now);
  const reading = temperatureAt(applied.state, lead, model, now);
  const { interestById } = compiledModel(model);
  const contributions = applied.counted.flatMap((ruleId) => {
    const rule = interestById.get(ruleId);
    return rule
      ? [{ ruleId, group: rule.group, eventId: event.id, occurredAt: event.occurredAt, points: rule.points }]
      : [];
  });
  return {
    kind: 'scored',
    state: applied.state,
    contributions,
    transition: transitionBetween(before, reading, now, { kind: 'event', eventId: event.id }),
    reading,
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
