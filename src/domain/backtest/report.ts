import { TEMPERATURES, type Temperature } from '../scoring/model.js';
import {
  precisionAtK,
  rocAuc,
  type Scored,
  type ThresholdPoint,
  thresholdForPrecision,
  youdenThreshold,
} from './metrics.js';

/**
 * One decided lead, scored as of its decision time under the model being tested and under the
 * active model. `hotBy` says how the tested model could make it hot: `high_intent` whatever its
 * interest, `qualification` once its interest reaches the hot threshold, `never` (not qualified).
 */
export interface Observation {
  readonly won: boolean;
  readonly fit: number;
  readonly interest: number;
  readonly temperature: Temperature;
  readonly hotBy: 'high_intent' | 'qualification' | 'never';
  readonly activeTemperature: Temperature;
}

export interface TemperatureRow {
  readonly leads: number;
  readonly won: number;
  /** won / leads; null for no leads. */
  readonly conversionRate: number | null;
}

/** What a backtest reports (docs/backtest.md defines each figure). */
export interface BacktestSummary {
  readonly leads: number;
  readonly won: number;
  readonly lost: number;
  /** won / leads: the conversion rate of a random decided lead. */
  readonly baseRate: number | null;
  readonly byTemperature: Readonly<Record<Temperature, TemperatureRow>>;
  /** Conversion rate of hot leads over the base rate; null without hot leads or conversions. */
  readonly hotLift: number | null;
  /** ROC AUC per score; null without both outcomes. */
  readonly auc: {
    readonly fit: number | null;
    readonly interest: number | null;
    /** fit + interest (0–200). */
    readonly combined: number | null;
    /** The temperature order cold < cool < warm < hot. */
    readonly temperature: number | null;
  };
  /** Converted share of the first k leads by priority (temperature, then fit + interest). */
  readonly precisionAtK: { readonly k: number; readonly precision: number | null }[];
  /** Leads whose temperature under this model differs from the active model's (both at decision time). */
  readonly changedVsActive: {
    readonly leads: number;
    /** By "from→to" (active → tested), e.g. { "warm→hot": 3 }. */
    readonly moved: Readonly<Record<string, number>>;
  };
  readonly suggestions: {
    readonly targetPrecision: number;
    /** The lowest whole hot threshold whose hot leads convert at ≥ targetPrecision. */
    readonly hot: ThresholdPoint | null;
    /** The whole warm threshold on interest with the best Youden's J, at most the suggested hot one. */
    readonly warm: (ThresholdPoint & { readonly j: number }) | null;
  };
}

export const DEFAULT_TOP_K = [10, 50, 100] as const;
export const DEFAULT_TARGET_PRECISION = 0.5;

const TEMPERATURE_RANK: Record<Temperature, number> = { cold: 0, cool: 1, warm: 2, hot: 3 };
// Whole thresholds: what a person writes in a model document.
const WHOLE_THRESHOLDS = Array.from({ length: 100 }, (_, i) => i + 1);

/** Temperature first, then fit + interest: the order a rep works a list in. */
export function priority(o: Pick<Observation, 'temperature' | 'fit' | 'interest'>): number {
  // fit + interest ≤ 200 < 1000, so the temperature always decides first.
  return TEMPERATURE_RANK[o.temperature] * 1000 + o.fit + o.interest;
}

/**
 * Sums up a backtest's observations.
 *
 * @example summarise(observations, { topK: [10, 50], targetPrecision: 0.5 }).byTemperature.hot.conversionRate
 */
export function summarise(
  observations: readonly Observation[],
  options: { topK?: readonly number[]; targetPrecision?: number } = {},
): BacktestSummary {
  const targetPrecision = options.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const won = observations.filter((o) => o.won).length;
  const rate = (w: number, n: number) => (n === 0 ? null : w / n);
  const byTemperature = Object.fromEntries(
    TEMPERATURES.map((t) => {
      const rows = observations.filter((o) => o.temperature === t);
      const w = rows.filter((o) => o.won).length;
      return [t, { leads: rows.length, won: w, conversionRate: rate(w, rows.length) }];
    }),
  ) as Record<Temperature, TemperatureRow>;
  const baseRate = rate(won, observations.length);
  const hotRate = byTemperature.hot.conversionRate;
  const scored = (score: (o: Observation) => number): Scored[] =>
    observations.map((o) => ({ score: score(o), won: o.won }));

  const moved: Record<string, number> = {};
  let changed = 0;
  for (const o of observations) {
    if (o.activeTemperature === o.temperature) continue;
    changed += 1;
    const key = `${o.activeTemperature}→${o.temperature}`;
    moved[key] = (moved[key] ?? 0) + 1;
  }

  const byPriority = scored(priority);
  // As hot: high intent always, qualified leads from the threshold up, the others never.
  const hotCandidates = scored((o) =>
    o.hotBy === 'high_intent'
      ? Number.POSITIVE_INFINITY
      : o.hotBy === 'qualification'
        ? o.interest
        : Number.NEGATIVE_INFINITY,
  );
  const hot = thresholdForPrecision(hotCandidates, targetPrecision, WHOLE_THRESHOLDS);
  const warm = youdenThreshold(
    scored((o) => o.interest),
    WHOLE_THRESHOLDS.filter((t) => hot === null || t <= hot.threshold),
  );
  return {
    leads: observations.length,
    won,
    lost: observations.length - won,
    baseRate,
    byTemperature,
    hotLift: hotRate === null || baseRate === null || baseRate === 0 ? null : hotRate / baseRate,
    auc: {
      fit: rocAuc(scored((o) => o.fit)),
      interest: rocAuc(scored((o) => o.interest)),
      combined: rocAuc(scored((o) => o.fit + o.interest)),
      temperature: rocAuc(scored((o) => TEMPERATURE_RANK[o.temperature])),
    },
    precisionAtK: (options.topK ?? DEFAULT_TOP_K).map((k) => ({ k, precision: precisionAtK(byPriority, k) })),
    changedVsActive: { leads: changed, moved },
    suggestions: { targetPrecision, hot, warm },
  };
}
