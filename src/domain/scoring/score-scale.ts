/**
 * Scores live on 0–100 and are reported in hundredths of a point. Interest is a sum of decayed
 * contributions; the score is that sum rounded to 0.01, then clamped. Thresholds compare the
 * reported score, so what a user sees is what decided the temperature, and an explanation's
 * contributions (apportioned in hundredths) add up to it exactly.
 */

export const SCORE_MIN = 0;
export const SCORE_MAX = 100;

/** Which bound, if any, clamping applied. */
export type Clamp = 'none' | 'floor' | 'ceiling';

/**
 * A raw sum in whole hundredths of a point.
 *
 * @example hundredths(29.996) // 3000
 */
export function hundredths(raw: number): number {
  const h = Math.round(raw * 100);
  // -0 would survive JSON as 0 but not Object.is; keep states and explanations canonical.
  return h === 0 ? 0 : h;
}

/**
 * Clamps a sum (already in reporting precision) to 0–100.
 *
 * @example clampScore(112.5) // { score: 100, clamp: 'ceiling' }
 */
export function clampScore(value: number): { score: number; clamp: Clamp } {
  if (value < SCORE_MIN) return { score: SCORE_MIN, clamp: 'floor' };
  if (value > SCORE_MAX) return { score: SCORE_MAX, clamp: 'ceiling' };
  return { score: value, clamp: 'none' };
}

/**
 * The reported score of a raw interest sum: rounded to hundredths, then clamped.
 *
 * @example reportedScore(-3.2) // 0
 */
export function reportedScore(raw: number): number {
  // clampScore's bounds without its result object: this runs dozens of times per event.
  const value = hundredths(raw) / 100;
  return value < SCORE_MIN ? SCORE_MIN : value > SCORE_MAX ? SCORE_MAX : value;
}
