import { TEMPERATURES, type Temperature } from '../scoring/model.js';

/**
 * `part / whole`, or null when there is nothing to divide (no leads, no outcomes): a rate of 0
 * would claim something that was never measured.
 *
 * @example rate(3, 4) // 0.75
 * @example rate(0, 0) // null
 */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** How many leads held each temperature at an instant. */
export type TemperatureCounts = Readonly<Record<Temperature, number>>;

/** One point of the temperature series: the counts at the end of an interval. */
export interface TemperaturePoint extends TemperatureCounts {
  readonly start: Date;
  /** The instant the counts hold at: everything before it counted, nothing at or after. */
  readonly end: Date;
  readonly total: number;
}

/** A change of a temperature's count, in interval `bucket` (0: before the window; i: the i-th interval). */
export interface TemperatureDelta {
  readonly bucket: number;
  readonly temperature: Temperature;
  readonly delta: number;
}

const zeroCounts = (): Record<Temperature, number> => ({ cold: 0, cool: 0, warm: 0, hot: 0 });

/**
 * Leads per temperature at the end of each interval, from the count changes in each interval:
 * a running sum, starting from the changes before the window (bucket 0), which are the counts at
 * its start. `bounds` are the interval bounds (`intervalBounds`), so there are `bounds.length - 1`
 * points.
 *
 * @example temperatureSeries([t0, t1], [{ bucket: 0, temperature: 'cold', delta: 2 }]) // [{ cold: 2, … }]
 */
export function temperatureSeries(
  bounds: readonly Date[],
  deltas: readonly TemperatureDelta[],
): TemperaturePoint[] {
  const counts = zeroCounts();
  const byBucket = new Map<number, TemperatureDelta[]>();
  for (const d of deltas) byBucket.set(d.bucket, [...(byBucket.get(d.bucket) ?? []), d]);
  const apply = (bucket: number) => {
    for (const d of byBucket.get(bucket) ?? []) counts[d.temperature] += d.delta;
  };
  apply(0);
  const points: TemperaturePoint[] = [];
  for (let i = 1; i < bounds.length; i++) {
    apply(i);
    const total = TEMPERATURES.reduce((sum, t) => sum + counts[t], 0);
    points.push({ start: bounds[i - 1] as Date, end: bounds[i] as Date, ...counts, total });
  }
  return points;
}

export const FUNNEL_STAGES = ['cold', 'warm', 'hot', 'customer'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** What the store counts for the funnel of a cohort (docs/analytics.md, "Funnel"). */
export interface FunnelCounts {
  readonly leads: number;
  readonly warm: number;
  readonly hot: number;
  /** Won after having been hot: the funnel's last stage. */
  readonly customers: number;
  /** Every lead of the cohort that was ever won, through the funnel or not. */
  readonly wonAll: number;
  readonly medianMs: Readonly<Record<Exclude<FunnelStage, 'cold'>, number | null>>;
  /** Median from creation to winning, over the funnel's customers. */
  readonly medianCreatedToCustomerMs: number | null;
}

export interface FunnelStep {
  readonly stage: FunnelStage;
  readonly leads: number;
  /** Of the leads at the previous stage, the share that reached this one; null for cold. */
  readonly rateFromPrevious: number | null;
  /** Of all leads in the cohort, the share that reached this stage. */
  readonly rateFromStart: number | null;
  /** Median time from reaching the previous stage to reaching this one, in ms; null for cold. */
  readonly medianMsFromPrevious: number | null;
}

export interface Funnel {
  readonly steps: FunnelStep[];
  /** customers / leads. */
  readonly overallRate: number | null;
  readonly medianCreatedToCustomerMs: number | null;
  /** Leads of the cohort won without having been hot first (not in the funnel's customers). */
  readonly wonWithoutHot: number;
}

/**
 * The funnel cold → warm → hot → customer from the store's counts: each stage's share of the
 * previous one and of the whole cohort.
 *
 * @example funnel({ leads: 10, warm: 5, hot: 2, customers: 1, … }).steps[2].rateFromPrevious // 0.4
 */
export function funnel(counts: FunnelCounts): Funnel {
  const reached: Record<FunnelStage, number> = {
    cold: counts.leads,
    warm: counts.warm,
    hot: counts.hot,
    customer: counts.customers,
  };
  const steps = FUNNEL_STAGES.map((stage, i): FunnelStep => {
    const previous = i === 0 ? null : (FUNNEL_STAGES[i - 1] as FunnelStage);
    return {
      stage,
      leads: reached[stage],
      rateFromPrevious: previous === null ? null : rate(reached[stage], reached[previous]),
      rateFromStart: rate(reached[stage], counts.leads),
      medianMsFromPrevious: stage === 'cold' ? null : counts.medianMs[stage],
    };
  });
  return {
    steps,
    overallRate: rate(counts.customers, counts.leads),
    medianCreatedToCustomerMs: counts.medianCreatedToCustomerMs,
    wonWithoutHot: counts.wonAll - counts.customers,
  };
}

/** Outcomes decided while a lead held a temperature. */
export interface OutcomeCounts {
  readonly temperature: Temperature;
  readonly won: number;
  readonly lost: number;
}

export interface ConversionRow extends OutcomeCounts {
  readonly outcomes: number;
  /** won / (won + lost). */
  readonly rate: number | null;
  /** This temperature's rate over the rate of all outcomes: above 1 converts better than average. */
  readonly lift: number | null;
}

/**
 * Conversion rate by temperature at hand-off, one row per temperature (cold, cool, warm, hot)
 * and the total, with each row's lift over the overall rate.
 *
 * @example conversionByTemperature([{ temperature: 'hot', won: 3, lost: 1 }, { temperature: 'warm', won: 1, lost: 3 }])
 * // hot: rate 0.75, lift 1.5; warm: rate 0.25, lift 0.5
 */
export function conversionByTemperature(rows: readonly OutcomeCounts[]): {
  readonly byTemperature: ConversionRow[];
  readonly total: Omit<ConversionRow, 'temperature' | 'lift'>;
} {
  const won = rows.reduce((sum, r) => sum + r.won, 0);
  const lost = rows.reduce((sum, r) => sum + r.lost, 0);
  const overall = rate(won, won + lost);
  const byTemperature = TEMPERATURES.map((temperature): ConversionRow => {
    const row = rows.find((r) => r.temperature === temperature) ?? { temperature, won: 0, lost: 0 };
    const r = rate(row.won, row.won + row.lost);
    return {
      temperature,
      won: row.won,
      lost: row.lost,
      outcomes: row.won + row.lost,
      rate: r,
      lift: r === null || overall === null || overall === 0 ? null : r / overall,
    };
  });
  return { byTemperature, total: { won, lost, outcomes: won + lost, rate: overall } };
}

/** What the store counts about first-touch timers, for one owner or for all. */
export interface SpeedCounts {
  readonly timers: number;
  readonly touched: number;
  /** Touched at or before the deadline. */
  readonly met: number;
  /** The deadline passed with no touch by then (touched late, closed late, or still waiting). */
  readonly breached: number;
  /** No touch yet and not closed by an outcome. */
  readonly running: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

/**
 * Speed-to-lead figures with the breach rate: breaches over the timers whose SLA is decided (met
 * or breached); a timer still within its deadline, or closed by an outcome before it, is neither.
 *
 * @example speed({ met: 3, breached: 1, … }).breachRate // 0.25
 */
export function speed<T extends SpeedCounts>(counts: T): T & { readonly breachRate: number | null } {
  return { ...counts, breachRate: rate(counts.breached, counts.met + counts.breached) };
}

/** One row of a breakdown by source or owner, as the store counts it. */
export interface BreakdownCounts {
  readonly leads: number;
  readonly hot: number;
  readonly customers: number;
  readonly medianSpeedMs: number | null;
}

/**
 * A breakdown row with its conversion rate (customers / leads) and the share that was ever hot.
 *
 * @example breakdownRow({ leads: 4, hot: 2, customers: 1, medianSpeedMs: null }).conversionRate // 0.25
 */
export function breakdownRow<T extends BreakdownCounts>(
  counts: T,
): T & { readonly hotRate: number | null; readonly conversionRate: number | null } {
  return {
    ...counts,
    hotRate: rate(counts.hot, counts.leads),
    conversionRate: rate(counts.customers, counts.leads),
  };
}
