import { rawInterest } from './interest.js';
import { DAY_MS, type POSITIVE_GROUPS, type ScoringModel } from './model.js';
import type { ScoreState } from './state.js';

/**
 * Sort keys that let an index order leads by decaying interest without scoring every lead per
 * query. A group value v anchored at t decays as v·2^(−(now−t)/h), so
 *
 *   log2(v) + t/h  −  now/h  =  log2(value at now)
 *
 * and for one half-life h the key log2(v) + t/h orders leads by their value at any `now` (the
 * `− now/h` is the same for everyone). It never computes 2^(t/h), which overflows for epoch times.
 * With several half-lives no single static key orders the sum exactly; see docs/scoring.md for
 * what the store can do (per-group keys, bounds, the hot temperature column).
 */
export type InterestKeys = Readonly<Record<(typeof POSITIVE_GROUPS)[number], number | null>>;

/**
 * One key per positive group (null when the group has no points). Store each in an indexed
 * column; `ORDER BY key DESC` lists leads by that group's value now.
 *
 * @example interestKeys(state, b2bModel) // { engagement: 612.4, intent: 1300.9 }
 */
export function interestKeys(state: ScoreState, model: ScoringModel): InterestKeys {
  const { head } = state;
  const key = (group: (typeof POSITIVE_GROUPS)[number]) => {
    const value = head.groups[group];
    if (head.atMs === null || !(value > 0)) return null;
    return Math.log2(value) + head.atMs / (model.halfLifeDays[group] * DAY_MS);
  };
  return { engagement: key('engagement'), intent: key('intent') };
}

/**
 * The value at `now` of a group whose key is `key`: the inverse of `interestKeys`.
 *
 * @example valueFromKey(interestKeys(state, model).intent!, 14, Date.now())
 */
export function valueFromKey(key: number, halfLifeDays: number, nowMs: number): number {
  return 2 ** (key - nowMs / (halfLifeDays * DAY_MS));
}

/**
 * What a ranking by current interest orders leads by: interest at `atMs` before rounding and
 * clamping (0 before any event). Its order agrees with the reported interest (rounding and
 * clamping are monotone) and also ranks the leads the cap at 100 makes equal, so that a ranking's
 * ties are rare and its threshold scan stops early (app/scoring/interest-ranking.ts). Bounded
 * above by the sum of the values of the interest keys at `atMs` (negative points only lower it).
 *
 * @example rankingInterest(state, b2bModel, now) // 137.5 where the lead shows 100
 */
export function rankingInterest(state: ScoreState, model: ScoringModel, atMs: number): number {
  const { head } = state;
  return head.atMs === null ? 0 : rawInterest(head.groups, model, atMs - head.atMs);
}
