/**
 * How far back a tracker event may be dated: a page's queue is sent within seconds, a beacon the
 * browser kept while offline within days. Older ones are dated at the limit.
 */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * When a tracker event happened, on the server's clock. The browser stamps events (`at`) and the
 * batch (`sentAt`) with its own clock, which may be off by minutes or years; the interval between
 * the two is trusted, the browser's clock is not (the correction analytics trackers make with a
 * batch's sent-at time). Never in the future, never older than MAX_EVENT_AGE_MS.
 *
 * @example eventTime(1000, 5000, new Date(60_000)) // 56 000 ms: 4 s before the batch arrived
 */
export function eventTime(at: number, sentAt: number | undefined, receivedAt: Date): Date {
  const now = receivedAt.getTime();
  const ms = sentAt === undefined ? at : now - Math.max(0, sentAt - at);
  return new Date(Math.min(now, Math.max(now - MAX_EVENT_AGE_MS, ms)));
}
