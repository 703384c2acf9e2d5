import type { ActivityEvent } from '../event.js';
import { FREE_MAIL_PROVIDERS } from '../free-mail.js';
import type { Lead } from '../lead.js';

/**
 * What the predictive model sees of one lead at one instant: a flat record of named values, each a
 * number, a category (string) or missing (null). Built by `observe` from data that existed at
 * that instant only, so the outcome never leaks into its own prediction (SPEC §5).
 */
export type Observation = Readonly<Record<string, number | string | null>>;

/** The rule-based scores of the lead at the same instant (computed by the scoring engine). */
export interface ScoresAt {
  readonly fit: number;
  readonly interest: number;
}

const DAY_MS = 86_400_000;
/** Recency windows for activity counts: what a lead did this week and this month says most. */
export const ACTIVITY_WINDOWS_DAYS = [7, 30] as const;

/**
 * The column a feature comes from, for `--exclude` and for grouping factors: a standard field
 * (`companySize`), an attribute (`attributes.budget`), an event type (`activity.demo_request`)
 * or a derived measure (`activity`, `age`, `fit`, `interest`).
 */
export function featureColumn(feature: string): string {
  const at = feature.indexOf(':');
  return at === -1 ? feature : feature.slice(0, at);
}

const FREE_MAIL = new Set<string>(FREE_MAIL_PROVIDERS);

function emailKind(email: string | null): string | null {
  if (email === null) return null;
  const domain = email.slice(email.indexOf('@') + 1);
  const provider = domain.split('.')[0] ?? '';
  return FREE_MAIL.has(provider) ? 'free_mail' : 'company';
}

// Seniority is what a job title says about buying power; the words are those of common title
// conventions (C-level, VP, head of, director, manager), checked most senior first.
const SENIORITY: readonly [string, RegExp][] = [
  ['c_level', /\b(chief|ceo|cfo|cto|coo|cmo|cio|founder|owner|president)\b/i],
  ['vp', /\b(vp|vice president)\b/i],
  ['head', /\bhead\b/i],
  ['director', /\bdirector\b/i],
  ['manager', /\b(manager|lead)\b/i],
];

function seniority(jobTitle: string | null): string | null {
  if (jobTitle === null || jobTitle.trim() === '') return null;
  for (const [level, pattern] of SENIORITY) if (pattern.test(jobTitle)) return level;
  return 'staff';
}

/** An attribute value as the model can use it: numbers and numeric text as numbers, text as a category. */
function attributeValue(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    const number = Number(trimmed);
    return Number.isFinite(number) ? number : trimmed.toLowerCase().slice(0, 100);
  }
  // Nested objects and lists have no order or category a tree could split on.
  return null;
}

/**
 * The lead as of `at`: its standard fields, every attribute, activity aggregates over its events
 * that occurred before `at` (counts per type overall and in recent windows, days since the last
 * one) and its fit and interest scores at `at`. Events at or after `at` are ignored here too, so
 * a caller that passes too many cannot leak the future.
 *
 * The lead's fields are as stored now: Hearth keeps no history of field values, so a field filled
 * in after the decision (a "Converted" column) would leak — `--exclude` it (docs/prediction.md).
 *
 * @example observe(lead, events, { fit: 40, interest: 55 }, decidedAt)['activity.demo_request:count'] // 1
 */
export function observe(
  lead: Lead,
  events: readonly Pick<ActivityEvent, 'type' | 'occurredAt'>[],
  scores: ScoresAt,
  at: Date,
): Observation {
  const atMs = at.getTime();
  const features: Record<string, number | string | null> = {
    industry: lead.industry?.toLowerCase() ?? null,
    companySize: lead.companySize,
    country: lead.country?.toUpperCase() ?? null,
    source: lead.source?.toLowerCase() ?? null,
    'jobTitle:seniority': seniority(lead.jobTitle),
    'email:kind': emailKind(lead.email),
    'age:days': Math.max(0, (atMs - lead.createdAt.getTime()) / DAY_MS),
    fit: scores.fit,
    interest: scores.interest,
  };
  for (const [key, value] of Object.entries(lead.attributes)) {
    features[`attributes.${key}`] = attributeValue(value);
  }
  let total = 0;
  let lastMs: number | null = null;
  for (const event of events) {
    const occurredMs = event.occurredAt.getTime();
    if (occurredMs >= atMs) continue;
    total += 1;
    if (lastMs === null || occurredMs > lastMs) lastMs = occurredMs;
    const prefix = `activity.${event.type}`;
    features[`${prefix}:count`] = ((features[`${prefix}:count`] as number | undefined) ?? 0) + 1;
    for (const days of ACTIVITY_WINDOWS_DAYS) {
      if (atMs - occurredMs <= days * DAY_MS) {
        const name = `${prefix}:last${days}d`;
        features[name] = ((features[name] as number | undefined) ?? 0) + 1;
      }
    }
  }
  features['activity:count'] = total;
  features['activity:daysSinceLast'] = lastMs === null ? null : (atMs - lastMs) / DAY_MS;
  return features;
}

/**
 * A count of events of a type the lead never did is 0, not missing: the model must see "no demo
 * request" as a value. `observe` only writes the types a lead did, so this fills the rest.
 */
export function isCountFeature(feature: string): boolean {
  return feature.startsWith('activity.') && /:(count|last\d+d)$/.test(feature);
}
