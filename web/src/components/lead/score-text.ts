import type { Explanation } from '../../api/types';

/**
 * A score as shown where thresholds are read: a whole number unless rounding would put it on the
 * other side of one of `limits` (interest 69.6 beside "hot from 70" reads 69.6, not 70). The
 * server's check sentences round the same way (src/domain/scoring/checks.ts).
 *
 * @example scoreText(69.6, [30, 70]) // '69.6'; scoreText(52.4, [30, 70]) // '52'
 */
export function scoreText(value: number, limits: readonly number[]): string {
  const rounded = Math.round(value);
  if (limits.every((limit) => rounded >= limit === value >= limit)) return String(rounded);
  const crossed = limits.find((limit) => rounded >= limit !== value >= limit) ?? 0;
  return String(value >= crossed ? Math.ceil(value * 100) / 100 : Math.floor(value * 100) / 100);
}

/** The warm and hot thresholds the explanation's checks compare interest with. */
export function interestLimits(explanation: Explanation): number[] {
  return explanation.checks.flatMap((c) =>
    (c.id === 'interest_hot' || c.id === 'interest_warm') && c.threshold !== null ? [c.threshold] : [],
  );
}
