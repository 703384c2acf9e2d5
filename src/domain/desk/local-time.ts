/**
 * Wall-clock times in a viewer's time zone (IANA names such as `Europe/Berlin`), for "due today"
 * and "tomorrow 9:00". Pure: the zone rules come from the runtime's Intl data, the instant from
 * the caller.
 */

/** Whether `zone` is a time zone the runtime knows (`UTC`, `Europe/Berlin`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

// Building a formatter costs far more than using one; a process sees only a few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function wallTimeOf(at: Date, zone: string): WallTime {
  const parts = formatterFor(zone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
  };
}

/** How far the zone's clock is ahead of UTC at `at`, in ms (whole minutes). */
function offsetAt(at: Date, zone: string): number {
  const w = wallTimeOf(at, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return asUtc - Math.floor(at.getTime() / 60_000) * 60_000;
}

const DAY_MS = 86_400_000;

/**
 * The instant the zone's clock shows this wall time. A time skipped by a DST change (a gap) falls
 * after the gap, moved on by its length: 02:30 in a one-hour gap is 03:30, and a midnight that does
 * not exist is the first instant of the day. A repeated time (an overlap) takes its first occurrence.
 */
function instantOf(wall: WallTime, zone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // The offsets in force either side of any change near this wall time (zones change at most
  // once within a day or so); each gives the instant the clock would show it at under that offset.
  const before = asUtc - offsetAt(new Date(asUtc - DAY_MS), zone);
  const after = asUtc - offsetAt(new Date(asUtc + DAY_MS), zone);
  const shows = (instant: number) => asUtc - offsetAt(new Date(instant), zone) === instant;
  const candidates = [before, after].filter(shows);
  // Neither shows it: a gap. Read with the offset before the change, the time lands after it.
  return new Date(candidates.length === 0 ? before : Math.min(...candidates));
}

/**
 * `days` days after `at`'s date in `zone`, at `hour`:`minute` there.
 *
 * @example localTimeOn(new Date('2026-03-10T20:00:00Z'), 'Europe/Berlin', 1, 9) // 2026-03-11T08:00:00Z
 */
export function localTimeOn(at: Date, zone: string, days: number, hour: number, minute = 0): Date {
  const today = wallTimeOf(at, zone);
  // Date.UTC normalises day overflow (31 + 1 → the 1st of the next month).
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
  return instantOf(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
    zone,
  );
}

/**
 * What a wall clock in `zone` shows at `at`: the date (`YYYY-MM-DD`) and the minutes since
 * midnight.
 *
 * @example localClock(new Date('2026-03-10T20:30:00Z'), 'Europe/Berlin') // { date: '2026-03-10', minutes: 1290 }
 */
export function localClock(at: Date, zone: string): { readonly date: string; readonly minutes: number } {
  const w = wallTimeOf(at, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, minutes: w.hour * 60 + w.minute };
}

/** The end of `at`'s day in `zone`: the next local midnight. */
export function endOfLocalDay(at: Date, zone: string): Date {
  return localTimeOn(at, zone, 1, 0);
}
