import { localClock, localTimeOn } from '../desk/local-time.js';
import { type NotificationKind, URGENT_KINDS } from './kinds.js';
import type { NotificationPreferences, QuietHours, WallTime } from './preferences.js';

const minutesOf = (time: WallTime): number => {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
};

/**
 * The end of the quiet hours `at` falls in, in `zone`; null when `at` is not in quiet hours.
 * Quiet hours that end earlier than they start run over midnight (22:00–07:00); equal start and
 * end mean no quiet hours.
 *
 * @example
 * // 23:30 in Berlin, quiet 22:00–07:00: held until 07:00 the next morning there.
 * quietUntil(new Date('2026-03-02T22:30:00Z'), 'Europe/Berlin', { start: '22:00', end: '07:00' })
 * // 2026-03-03T06:00:00.000Z
 */
export function quietUntil(at: Date, zone: string, quiet: QuietHours): Date | null {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const now = localClock(at, zone).minutes;
  const endOn = (days: number) => localTimeOn(at, zone, days, Math.floor(end / 60), end % 60);
  if (start < end) return now >= start && now < end ? endOn(0) : null;
  if (now >= start) return endOn(1);
  if (now < end) return endOn(0);
  return null;
}

/**
 * When a push channel (email, Slack) may send a notification of `kind` made at `at`: null for at
 * once, else the end of the recipient's quiet hours. Urgent kinds go through when the user said
 * so; the app's own list is never held (it makes no sound).
 */
export function holdUntil(
  at: Date,
  kind: NotificationKind,
  preferences: Pick<NotificationPreferences, 'quietHours' | 'urgentDuringQuietHours'>,
  zone: string,
): Date | null {
  if (preferences.quietHours === null) return null;
  if (preferences.urgentDuringQuietHours && URGENT_KINDS.includes(kind)) return null;
  return quietUntil(at, zone, preferences.quietHours);
}

/** One day's digest for one user: the local date it is for and when it is due. */
export interface DigestSlot {
  readonly date: string;
  readonly dueAt: Date;
}

/**
 * A digest not sent within this long of its time is skipped (a server down all morning does not
 * send the morning's digest at night); the next morning's comes as usual.
 */
export const DIGEST_LATE_LIMIT_MS = 6 * 3_600_000;

/**
 * The digest due at `now` for a user in `zone` whose digest hour is `hour`: today's once its time
 * has come (and for DIGEST_LATE_LIMIT_MS after), else null.
 *
 * @example
 * // 06:05 UTC is 08:05 in Kyiv: the Kyiv user's digest for 2026-06-01 is due since 05:00 UTC.
 * digestDue(new Date('2026-06-01T05:05:00Z'), 'Europe/Kyiv', 8) // { date: '2026-06-01', dueAt: 2026-06-01T05:00:00Z }
 */
export function digestDue(now: Date, zone: string, hour: number): DigestSlot | null {
  const dueAt = localTimeOn(now, zone, 0, hour);
  const late = now.getTime() - dueAt.getTime();
  if (late < 0 || late >= DIGEST_LATE_LIMIT_MS) return null;
  return { date: localClock(now, zone).date, dueAt };
}

/** The recipient's local yesterday and today (to its end) around a digest's time. */
export function digestWindows(
  slot: DigestSlot,
  zone: string,
): { readonly yesterday: { from: Date; to: Date }; readonly endOfToday: Date } {
  return {
    yesterday: { from: localTimeOn(slot.dueAt, zone, -1, 0), to: localTimeOn(slot.dueAt, zone, 0, 0) },
    endOfToday: localTimeOn(slot.dueAt, zone, 1, 0),
  };
}

/**
 * When the "about to run out" warning of a speed-to-lead clock is due: `share` (0–1) of the way
 * from its start to its deadline.
 *
 * @example slaWarningAt(startedAt, startedAt + 60 min, 0.75) // startedAt + 45 min
 */
export function slaWarningAt(startedAt: Date, dueAt: Date, share: number): Date {
  return new Date(startedAt.getTime() + Math.round((dueAt.getTime() - startedAt.getTime()) * share));
}
