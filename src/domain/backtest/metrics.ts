/**
 * The ranking measures a backtest reports, on plain arrays of scored outcomes. Pure and exact:
 * ties are handled by averaging (mid-ranks for the AUC, a proportional share of the tied group
 * for precision at k), so a result never depends on the order of the input.
 */

/** One lead as the measures see it: a score and whether it converted. */
export interface Scored {
  readonly score: number;
  readonly won: boolean;
}

/**
 * ROC AUC: the probability that a random converted lead scores higher than a random lost one,
 * ties counting one half (Mann–Whitney U / (n₊·n₋), with mid-ranks). Null without at least one
 * lead of each outcome, where it is undefined. O(n log n).
 *
 * @example rocAuc([{ score: 9, won: true }, { score: 1, won: false }]) // 1
 */
export function rocAuc(items: readonly Scored[]): number | null {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]?.score === sorted[i]?.score) j += 1;
    // Ranks i+1 … j share their mean.
    const midRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t += 1) {
      if (sorted[t]?.won) {
        positives += 1;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The share of converted leads among the `k` highest scores (k capped at the number of leads).
 * When the k-th place falls inside a group of equal scores, that group counts in proportion to
 * the places it fills: the expected precision over every order of the tied leads. Null for no
 * leads or k < 1.
 *
 * @example precisionAtK([{ score: 3, won: true }, { score: 2, won: false }], 1) // 1
 */
export function precisionAtK(items: readonly Scored[], k: number): number | null {
  const take = Math.min(Math.floor(k), items.length);
  if (take < 1) return null;
  const sorted = [...items].sort((a, b) => b.score - a.score);
  let won = 0;
  let taken = 0;
  for (let i = 0; i < sorted.length && taken < take; ) {
    let j = i;
    let groupWon = 0;
    while (j < sorted.length && sorted[j]?.score === sorted[i]?.score) {
      if (sorted[j]?.won) groupWon += 1;
      j += 1;
    }
    const size = j - i;
    const places = Math.min(size, take - taken);
    won += (groupWon * places) / size;
    taken += places;
    i = j;
  }
  return won / take;
}

/** What selecting the leads with score ≥ `threshold` gives. */
export interface ThresholdPoint {
  readonly threshold: number;
  /** Leads selected. */
  readonly leads: number;
  /** Converted share of the selected leads. */
  readonly precision: number;
  /** Share of all converted leads that are selected. */
  readonly recall: number;
}

/** Selection counts at each candidate threshold, in one pass over the sorted scores. */
function sweep(items: readonly Scored[], candidates: readonly number[]): ThresholdPoint[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const totalWon = sorted.filter((i) => i.won).length;
  const ascending = [...new Set(candidates)].sort((a, b) => b - a);
  const points: ThresholdPoint[] = [];
  let at = 0;
  let won = 0;
  for (const threshold of ascending) {
    while (at < sorted.length && (sorted[at] as Scored).score >= threshold) {
      if (sorted[at]?.won) won += 1;
      at += 1;
    }
    points.push({
      threshold,
      leads: at,
      precision: at === 0 ? 0 : won / at,
      recall: totalWon === 0 ? 0 : won / totalWon,
    });
  }
  return points.reverse();
}

/**
 * The lowest candidate threshold whose selection (score ≥ threshold) converts at least at
 * `targetPrecision`, with at least `minLeads` leads selected: the most leads a team can call hot
 * while keeping the promised hit rate. Null when no candidate reaches it.
 *
 * @example thresholdForPrecision(leads, 0.5, [10, 20, 30]) // { threshold: 20, precision: 0.55, … }
 */
export function thresholdForPrecision(
  items: readonly Scored[],
  targetPrecision: number,
  candidates: readonly number[],
  minLeads = 1,
): ThresholdPoint | null {
  return sweep(items, candidates).find((p) => p.leads >= minLeads && p.precision >= targetPrecision) ?? null;
}

/**
 * The candidate threshold that best separates converted from lost leads by Youden's J
 * (true-positive rate − false-positive rate), the lowest one on a tie. Null without both outcomes.
 */
export function youdenThreshold(
  items: readonly Scored[],
  candidates: readonly number[],
): (ThresholdPoint & { readonly j: number }) | null {
  const totalWon = items.filter((i) => i.won).length;
  const totalLost = items.length - totalWon;
  if (totalWon === 0 || totalLost === 0) return null;
  let best: (ThresholdPoint & { j: number }) | null = null;
  for (const point of sweep(items, candidates)) {
    const won = point.recall * totalWon;
    const falsePositiveRate = (point.leads - won) / totalLost;
    const j = point.recall - falsePositiveRate;
    if (best === null || j > best.j + 1e-12) best = { ...point, j };
  }
  return best;
}
