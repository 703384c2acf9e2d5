import { HearthError } from '../errors.js';

/** A half-open span of time `[from, to)` that a report covers. */
export interface StatsWindow {
  readonly from: Date;
  readonly to: Date;
}

export const STATS_INTERVALS = ['day', 'week', 'month'] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];

const DAY_MS = 86_400_000;
/** Without `from`, a report covers the 90 days before `to` (a quarter, the usual review period). */
export const DEFAULT_WINDOW_DAYS = 90;
/** At most about three years per report: 1,100 daily points is already more than a chart can show. */
export const MAX_WINDOW_DAYS = 1100;

/**
 * The window a report covers, from optional bounds: `to` defaults to `now`, `from` to 90 days
 * before `to`. Throws `invalid` naming `from` when it is not before `to` or the span passes the
 * maximum.
 *
 * @example statsWindow({}, now) // the 90 days before now
 */
export function statsWindow(input: { from?: Date; to?: Date }, now: Date): StatsWindow {
  const to = input.to ?? now;
  const from = input.from ?? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw HearthError.invalid([{ path: 'from', message: 'must be before to' }]);
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw HearthError.invalid([
      { path: 'from', message: `the window may span at most ${MAX_WINDOW_DAYS} days` },
    ]);
  }
  return { from, to };
}

/** The next UTC calendar boundary strictly after `t`: midnight, Monday midnight, or the 1st. */
function nextBoundary(t: Date, interval: StatsInterval): Date {
  const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  switch (interval) {
    case 'day':
      return new Date(day + DAY_MS);
    case 'week': {
      // ISO weeks start on Monday: getUTCDay() is 0 on Sunday.
      const daysToMonday = (8 - t.getUTCDay()) % 7 || 7;
      return new Date(day + daysToMonday * DAY_MS);
    }
    case 'month':
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
  }
}

/**
 * The instants that cut a window into intervals: `from`, every UTC calendar boundary (midnight,
 * Monday midnight, the 1st of a month) strictly inside the window, and `to`. The first and last
 * intervals may be partial.
 *
 * @example intervalBounds({ from: 2026-03-01T12:00Z, to: 2026-03-03T00:00Z }, 'day')
 * // [2026-03-01T12:00Z, 2026-03-02T00:00Z, 2026-03-03T00:00Z]
 */
export function intervalBounds(window: StatsWindow, interval: StatsInterval): Date[] {
  const bounds = [window.from];
  for (
    let next = nextBoundary(window.from, interval);
    next < window.to;
    next = nextBoundary(next, interval)
  ) {
    bounds.push(next);
  }
  bounds.push(window.to);
  return bounds;
}
