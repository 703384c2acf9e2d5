import type { Lead } from '../lead.js';
import { DAY_MS, type HighIntentRule, RETURNING_CUSTOMER_ID, type ScoringModel } from './model.js';
import { type Fold, lastSighting } from './state.js';
import type { TemperatureReading } from './temperature.js';

/** One test behind the temperature: a threshold or a rule, whether it passed, and why, in words. */
export interface Check {
  readonly id: string;
  readonly label: string;
  readonly passed: boolean;
  readonly value: number | null;
  readonly threshold: number | null;
  /**
   * What holds, as a sentence a rep can read ("Interest 42 is below the hot threshold 50."). It
   * never contradicts `passed`: a number shown next to a threshold is rounded only when the
   * rounding keeps it on the same side.
   */
  readonly sentence: string;
}

const HOUR_MS = 3_600_000;

/**
 * The checks behind a reading at `reading.at`: hot by interest and qualification, warm by
 * interest, each high-intent rule, the returning customer. `head` is the fold the reading came
 * from (for when each rule's event was last seen).
 *
 * @example temperatureChecks(model, reading, state.head, lead)[0].sentence
 * // 'Interest 52 is at least the hot threshold 50.'
 */
export function temperatureChecks(
  model: ScoringModel,
  reading: TemperatureReading,
  head: Fold,
  lead: Pick<Lead, 'status'>,
): Check[] {
  const { warm, hot } = model.temperature;
  const { qualification, interest, fit } = reading;
  const atMs = reading.at.getTime();
  const needed =
    qualification.required === qualification.criteria.length
      ? `all ${qualification.required} are needed`
      : `${qualification.required} are needed`;
  const list: Check[] = [
    threshold('interest_hot', 'hot', interest, hot),
    {
      id: 'qualified',
      label: `at least ${qualification.required} of ${qualification.criteria.length} criteria yes`,
      passed: qualification.qualified,
      value: qualification.yes,
      threshold: qualification.required,
      sentence: `${qualification.yes} of ${qualification.criteria.length} criteria are yes and ${needed}: ${qualification.qualified ? 'qualified' : 'not qualified yet'}.`,
    },
    threshold('interest_warm', 'warm', interest, warm),
  ];
  for (const rule of model.temperature.highIntent) {
    const passed = reading.highIntent.some((h) => h.ruleId === rule.id);
    list.push({
      id: `high_intent:${rule.id}`,
      label: `${rule.type} in the last ${rule.forDays} days, with fit ≥ ${rule.minFit} (hot on its own)`,
      passed,
      value: fit,
      threshold: rule.minFit,
      sentence: highIntentSentence(rule, passed, fit, lastSighting(head, rule.id)?.atMs ?? null, atMs),
    });
  }
  list.push({
    id: 'returning_customer',
    label: 'returning customer: status customer or a recent purchase (at least warm)',
    passed: reading.returningCustomer,
    value: null,
    threshold: null,
    sentence: returningSentence(model, reading.returningCustomer, head, lead, atMs),
  });
  return list;
}

function threshold(id: string, name: 'hot' | 'warm', interest: number, limit: number): Check {
  const passed = interest >= limit;
  const value = beside(interest, limit);
  return {
    id,
    label: `interest ≥ ${limit} (${name})`,
    passed,
    value: interest,
    threshold: limit,
    sentence: passed
      ? `Interest ${value} is at least the ${name} threshold ${limit}.`
      : `Interest ${value} is below the ${name} threshold ${limit}.`,
  };
}

/**
 * A score as shown beside a threshold: a whole number when rounding keeps it on the same side,
 * else to the hundredth below or above (49.6 stays "49.6" next to 50, never "50").
 *
 * @example beside(49.6, 50) // '49.6'; beside(52.4, 50) // '52'
 */
export function beside(value: number, limit: number): string {
  const rounded = Math.round(value);
  if (rounded >= limit === value >= limit) return String(rounded);
  const hundredths = value >= limit ? Math.ceil(value * 100) / 100 : Math.floor(value * 100) / 100;
  return String(hundredths);
}

function highIntentSentence(
  rule: HighIntentRule,
  passed: boolean,
  fit: number,
  seenAtMs: number | null,
  atMs: number,
): string {
  const what = `"${rule.id.replaceAll('_', ' ')}" event (${rule.type})`;
  const fitText = `fit ${beside(fit, rule.minFit)}`;
  if (passed && seenAtMs !== null) {
    const left = seenAtMs + rule.forDays * DAY_MS - atMs;
    return `A ${what} ${ago(atMs - seenAtMs)}, with ${fitText} (at least ${rule.minFit}): hot on its own for ${span(left)} more.`;
  }
  if (fit < rule.minFit) {
    return `Fit ${beside(fit, rule.minFit)} is below ${rule.minFit}, so a ${what} does not make this lead hot on its own.`;
  }
  if (seenAtMs === null) {
    return `No ${what} yet; with ${fitText} (at least ${rule.minFit}), one would make the lead hot for ${rule.forDays} days.`;
  }
  return `The last ${what} was ${ago(atMs - seenAtMs)}: it counts for ${rule.forDays} days only.`;
}

function returningSentence(
  model: ScoringModel,
  passed: boolean,
  head: Fold,
  lead: Pick<Lead, 'status'>,
  atMs: number,
): string {
  if (lead.status === 'customer') return 'Status customer: a returning customer is at least warm.';
  const settings = model.temperature.returningCustomer;
  const seen = lastSighting(head, RETURNING_CUSTOMER_ID);
  if (passed && settings && seen) {
    return `A ${settings.purchaseType} ${ago(atMs - seen.atMs)} (within ${settings.forDays} days): a returning customer is at least warm.`;
  }
  return settings
    ? `Not a returning customer: not a customer, and no ${settings.purchaseType} in the last ${settings.forDays} days.`
    : 'Not a returning customer: the lead is not a customer.';
}

/** "5 minutes", "3 hours", "12 days": the largest unit that keeps a whole number above 1. */
function span(ms: number): string {
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < 2 * HOUR_MS) return count(Math.max(0, Math.round(ms / 60_000)), 'minute');
  if (ms < 2 * DAY_MS) return count(Math.round(ms / HOUR_MS), 'hour');
  return count(Math.round(ms / DAY_MS), 'day');
}

const ago = (ms: number) => (ms < 60_000 ? 'just now' : `${span(ms)} ago`);
