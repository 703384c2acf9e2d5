import type { ActivityEvent } from '../event.js';

const DAY_MS = 86_400_000;

/** The windows the summary counts over: "this week" and "this month". */
export const WEEK_MS = 7 * DAY_MS;
export const MONTH_MS = 30 * DAY_MS;

/** How often something happened in the last 7 and 30 days, and when it last did. */
export interface Tally {
  readonly last7: number;
  readonly last30: number;
  readonly lastAt: Date;
}

export interface TypeTally extends Tally {
  readonly type: string;
}

export interface PageTally extends Tally {
  /** The page as sent in the event's `url` property, without query string or fragment. */
  readonly url: string;
}

export interface AssetTally extends Tally {
  /** The event's `asset` property (a title or file name). */
  readonly asset: string;
}

/**
 * What a lead did in the last 30 days, as the playbook reads it: counts per event type, the
 * pages and assets it engaged with most, and the pricing page on its own (the page closest to
 * buying). Events by the team (calls, meetings, emails sent, notes) are not engagement.
 */
export interface EngagementSummary {
  readonly at: Date;
  readonly types: readonly TypeTally[];
  /** Most engaged first (30-day count, then the most recent). */
  readonly pages: readonly PageTally[];
  readonly assets: readonly AssetTally[];
  /** `pricing_page_visit` events and views of a page whose path contains "pricing". */
  readonly pricing: Tally | null;
  /** The newest engagement event in the window. */
  readonly last: { readonly type: string; readonly at: Date; readonly page: string | null } | null;
}

/** Event types that record what the team did, not what the lead did. */
export const TEAM_EVENT_TYPES: readonly string[] = ['call', 'meeting', 'email_sent', 'note'];

const PRICING_PATH = /pricing/i;
const TOP = 5;

/**
 * Summarises a lead's events at `now` (events outside the last 30 days are ignored; an event a
 * few minutes in the future through clock skew counts as now).
 *
 * @example
 * summariseEngagement(events, now).pricing // { last7: 3, last30: 4, lastAt: … }
 */
export function summariseEngagement(events: readonly ActivityEvent[], now: Date): EngagementSummary {
  const nowMs = now.getTime();
  const types = new Map<string, MutableTally>();
  const pages = new Map<string, MutableTally>();
  const assets = new Map<string, MutableTally>();
  let pricing: MutableTally | null = null;
  let last: EngagementSummary['last'] = null;
  for (const event of events) {
    if (TEAM_EVENT_TYPES.includes(event.type)) continue;
    const age = nowMs - event.occurredAt.getTime();
    if (age >= MONTH_MS) continue;
    const week = age < WEEK_MS;
    const page = pageOf(event);
    count(types, event.type, event.occurredAt, week);
    if (page !== null) count(pages, page, event.occurredAt, week);
    const asset = stringProperty(event, 'asset');
    if (asset !== null && event.type === 'content_download') count(assets, asset, event.occurredAt, week);
    if (event.type === 'pricing_page_visit' || (page !== null && PRICING_PATH.test(page))) {
      pricing = tally(pricing, event.occurredAt, week);
    }
    if (last === null || event.occurredAt > last.at) last = { type: event.type, at: event.occurredAt, page };
  }
  return {
    at: now,
    types: ranked(types).map(([type, t]) => ({ type, ...t })),
    pages: ranked(pages)
      .slice(0, TOP)
      .map(([url, t]) => ({ url, ...t })),
    assets: ranked(assets)
      .slice(0, TOP)
      .map(([asset, t]) => ({ asset, ...t })),
    pricing,
    last,
  };
}

interface MutableTally {
  last7: number;
  last30: number;
  lastAt: Date;
}

function tally(current: MutableTally | null, at: Date, week: boolean): MutableTally {
  const t = current ?? { last7: 0, last30: 0, lastAt: at };
  t.last30 += 1;
  if (week) t.last7 += 1;
  if (at > t.lastAt) t.lastAt = at;
  return t;
}

function count(map: Map<string, MutableTally>, key: string, at: Date, week: boolean): void {
  map.set(key, tally(map.get(key) ?? null, at, week));
}

function ranked(map: Map<string, MutableTally>): [string, MutableTally][] {
  return [...map].sort(
    ([ka, a], [kb, b]) =>
      b.last30 - a.last30 || b.lastAt.getTime() - a.lastAt.getTime() || (ka < kb ? -1 : ka > kb ? 1 : 0),
  );
}

function stringProperty(event: ActivityEvent, name: string): string | null {
  const value = event.properties[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The page of a page event, without query string or fragment; a pricing visit without a url is "/pricing". */
function pageOf(event: ActivityEvent): string | null {
  const url = stringProperty(event, 'url');
  if (url !== null) return url.replace(/[?#].*$/, '') || url;
  return event.type === 'pricing_page_visit' ? '/pricing' : null;
}
