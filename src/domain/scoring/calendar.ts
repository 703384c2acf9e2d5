import { type Cap, DAY_MS } from './model.js';

/**
 * The start (ms since epoch) of the cap window holding `atMs`: the UTC day, the ISO week
 * (Monday 00:00 UTC), or 0 for "ever".
 *
 * @example capWindowStart('week', Date.parse('2024-05-09T12:00:00Z')) // Date.parse('2024-05-06T00:00:00Z')
 */
export function capWindowStart(per: Cap['per'], atMs: number): number {
  if (per === 'ever') return 0;
  const day = Math.floor(atMs / DAY_MS);
  if (per === 'day') return day * DAY_MS;
  // 1970-01-01 was a Thursday: three days after a Monday.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return (day - sinceMonday) * DAY_MS;
}

/** An instant or, for a date without a time, the whole UTC day it names. */
export interface DateSpan {
  readonly startMs: number;
  readonly endMs: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a field value as a date: an ISO 8601 string or ms since epoch. Returns null for anything
 * else, so that a malformed attribute simply does not match.
 *
 * @example dateSpan('2024-07-01') // { startMs: 1719792000000, endMs: 1719878399999 }
 */
export function dateSpan(value: unknown): DateSpan | null {
  if (typeof value === 'number') return Number.isFinite(value) ? { startMs: value, endMs: value } : null;
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? null : { startMs: ms, endMs: ms };
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return DATE_ONLY.test(text) ? { startMs: ms, endMs: ms + DAY_MS - 1 } : { startMs: ms, endMs: ms };
}
