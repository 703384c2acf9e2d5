import type { ActivityEvent } from '../event.js';
import type { Lead } from '../lead.js';
import { apportion } from './apportion.js';
import { type Check, temperatureChecks } from './checks.js';
import { compiledModel, matchEvent } from './compiled-model.js';
import { type FitScore, fitScore } from './fit.js';
import { decayFactor, rawInterest } from './interest.js';
import { INTEREST_GROUPS, type InterestGroup, type ScoringModel } from './model.js';
import type { QualificationReading } from './qualification.js';
import { type Clamp, clampScore, hundredths } from './score-scale.js';
import { type Fold, foldMatches, type ScoreState } from './state.js';
import { assertSameModel, type TemperatureReading, temperatureAt } from './temperature.js';

/** One event's points under one rule, then and now. */
export interface InterestContribution {
  readonly ruleId: string;
  readonly group: InterestGroup;
  readonly eventId: number;
  readonly occurredAt: Date;
  /** The rule's points when the event happened. */
  readonly points: number;
  /** Decayed to the time of the explanation, in hundredths; these add up exactly to `interest.sum`. */
  readonly decayed: number;
  /** The same, unrounded. */
  readonly exact: number;
}

export interface InterestBreakdown {
  /** The reported interest: `sum` clamped to 0–100. */
  readonly score: number;
  /** The sum of the decayed contributions (hundredths), before clamping. */
  readonly sum: number;
  readonly clamp: Clamp;
  /** `sum` split by group. */
  readonly byGroup: Readonly<Record<InterestGroup, number>>;
  readonly contributions: readonly InterestContribution[];
}

export interface Explanation {
  readonly modelVersion: number;
  readonly at: Date;
  readonly fit: FitScore;
  readonly interest: InterestBreakdown;
  readonly qualification: QualificationReading;
  readonly temperature: TemperatureReading;
  readonly checks: readonly Check[];
  /**
   * Whether the events given rebuild exactly the stored state. False means the store passed an
   * incomplete history or the state is stale; the explanation describes the events given.
   */
  readonly matchesState: boolean;
}

/**
 * Explains a lead's scores at `now`: every contribution (rule, group, event, original points,
 * decayed points), the sum and the clamping, the criteria, and the thresholds that passed or
 * failed. Needs the lead's events (the O(1) state keeps aggregates, not contributions). The
 * decayed contributions are rounded to hundredths by the largest-remainder method so that they
 * add up exactly to the reported sum (compare them in hundredths: Math.round(x * 100)).
 *
 * @example explain(state, lead, b2bModel, events, new Date()).interest.contributions[0]
 * // { ruleId: 'demo_request', group: 'intent', eventId: 7, points: 50, decayed: 35.36, … }
 */
export function explain(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  events: readonly ActivityEvent[],
  now: Date,
): Explanation {
  assertSameModel(state, model);
  const compiled = compiledModel(model);
  const byId = new Map(events.map((event) => [event.id, event]));
  const rebuilt = foldMatches(
    events.map((event) => matchEvent(compiled, event)),
    model,
  );
  const rebuiltState: ScoreState = { ...rebuilt.state, criteria: state.criteria };
  const temperature = temperatureAt(rebuiltState, lead, model, now);
  const atMs = temperature.at.getTime();

  const parts: Omit<InterestContribution, 'decayed'>[] = [];
  for (const [eventId, ruleIds] of rebuilt.counted) {
    const event = byId.get(eventId) as ActivityEvent;
    for (const ruleId of ruleIds) {
      const rule = compiled.interestById.get(ruleId);
      if (!rule) continue;
      const age = atMs - event.occurredAt.getTime();
      const exact = rule.points * decayFactor(age, model.halfLifeDays[rule.group]);
      parts.push({
        ruleId,
        group: rule.group,
        eventId,
        occurredAt: event.occurredAt,
        points: rule.points,
        exact,
      });
    }
  }
  const head = rebuilt.state.head;
  const sumHundredths =
    head.atMs === null ? 0 : hundredths(rawInterest(head.groups, model, atMs - head.atMs));
  const shares = apportion(
    parts.map((p) => p.exact),
    sumHundredths,
  );
  const contributions = parts.map((p, i) => ({ ...p, decayed: (shares[i] as number) / 100 }));
  const byGroup = Object.fromEntries(
    INTEREST_GROUPS.map((group) => [
      group,
      shares.reduce((sum, share, i) => sum + (parts[i]?.group === group ? share : 0), 0) / 100,
    ]),
  ) as Record<InterestGroup, number>;
  const { score, clamp } = clampScore(sumHundredths / 100);

  return {
    modelVersion: model.version,
    at: temperature.at,
    fit: fitScore(lead, model),
    interest: { score, sum: sumHundredths / 100, clamp, byGroup, contributions },
    qualification: temperature.qualification,
    temperature,
    checks: temperatureChecks(model, temperature, rebuilt.state.head, lead),
    matchesState: canonical(head) === canonical(state.head),
  };
}

/** JSON with sorted keys: equal folds give equal strings whatever order their keys were set in. */
function canonical(fold: Fold): string {
  return JSON.stringify(fold, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
