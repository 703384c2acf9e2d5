import { DAY_MS, INTEREST_GROUPS, type InterestGroup, type ScoringModel } from './model.js';
import { reportedScore } from './score-scale.js';

/**
 * Interest is Σ points × 0.5^(age / half-life of the rule's group). Per group that sum is kept
 * as one number anchored at a reference instant (the newest event): between events a group's
 * value only shrinks by 0.5^(Δt/h), so it is never necessary to compute 2^(t/h) of an epoch time
 * (which overflows) or to revisit old events.
 */
export type GroupValues = Readonly<Record<InterestGroup, number>>;

export const NO_INTEREST: GroupValues = { engagement: 0, intent: 0, negative: 0 };

/**
 * The factor by which points shrink over `elapsedMs`.
 *
 * @example decayFactor(30 * DAY_MS, 30) // 0.5
 */
export function decayFactor(elapsedMs: number, halfLifeDays: number): number {
  return elapsedMs <= 0 ? 1 : 2 ** (-elapsedMs / (halfLifeDays * DAY_MS));
}

/** Group values `elapsedMs` after their anchor. */
export function decayGroups(groups: GroupValues, model: ScoringModel, elapsedMs: number): GroupValues {
  if (elapsedMs <= 0) return groups;
  return {
    engagement: groups.engagement * decayFactor(elapsedMs, model.halfLifeDays.engagement),
    intent: groups.intent * decayFactor(elapsedMs, model.halfLifeDays.intent),
    negative: groups.negative * decayFactor(elapsedMs, model.halfLifeDays.negative),
  };
}

/** The unclamped, unrounded interest `elapsedMs` after the anchor, summed in a fixed group order. */
export function rawInterest(groups: GroupValues, model: ScoringModel, elapsedMs: number): number {
  // groupSum(decayGroups(…)) without the intermediate object, operation for operation (the same
  // products, added in the same order), so the result is the same to the bit.
  const { halfLifeDays } = model;
  let sum = 0;
  sum += groups.engagement * decayFactor(elapsedMs, halfLifeDays.engagement);
  sum += groups.intent * decayFactor(elapsedMs, halfLifeDays.intent);
  sum += groups.negative * decayFactor(elapsedMs, halfLifeDays.negative);
  return sum;
}

/** The sum of group values in a fixed group order (so that every path rounds alike). */
function groupSum(groups: GroupValues): number {
  let sum = 0;
  for (const group of INTEREST_GROUPS) sum += groups[group];
  return sum;
}

/** The reported interest (0–100, hundredths) of group values already decayed to the instant. */
export function reportedInterest(decayed: GroupValues): number {
  return reportedScore(groupSum(decayed));
}

/**
 * The reported interest (0–100, hundredths) at `atMs` of groups anchored at `anchorMs`.
 *
 * @example interestScore({ engagement: 50, intent: 0, negative: 0 }, t, b2bModel, t + 30 * DAY_MS) // 25
 */
export function interestScore(
  groups: GroupValues,
  anchorMs: number,
  model: ScoringModel,
  atMs: number,
): number {
  return reportedScore(rawInterest(groups, model, atMs - anchorMs));
}

/**
 * The first whole millisecond after `anchorMs` at which the reported interest is below
 * `threshold`, given no new event. Requires the interest at `anchorMs` to be at or above the
 * threshold. Valid because interest never rises between events when the negative half-life is
 * the longest (docs/scoring.md): the predicate "below" is monotone, so bisection finds the exact
 * crossing.
 *
 * @example firstInstantBelow({ engagement: 60, intent: 0, negative: 0 }, 0, b2bModel, 30) // ≈ 30 days in ms
 */
export function firstInstantBelow(
  groups: GroupValues,
  anchorMs: number,
  model: ScoringModel,
  threshold: number,
): number {
  const below = (atMs: number) => interestScore(groups, anchorMs, model, atMs) < threshold;
  let before = anchorMs;
  let step = 60 * 60 * 1000;
  let after = anchorMs + step;
  // Positive points halve at least once per longest half-life (≤ 10 years) and scores are rounded
  // to 0.01, so the crossing is a few dozen half-lives away at most; 2^31 hours (245 000 years)
  // cover that and stay within safe integers.
  for (let i = 0; i < 31 && !below(after); i++) {
    before = after;
    step *= 2;
    after = anchorMs + step;
  }
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2);
    if (below(middle)) after = middle;
    else before = middle;
  }
  return after;
}
