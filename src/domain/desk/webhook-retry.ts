/**
 * When a failed webhook delivery is tried again (SPEC §3 Webhooks: exponential backoff).
 *
 * Exponential backoff with full jitter (Marc Brooker, "Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015): the n-th retry waits a random time up to `base · 2^(n-1)`, capped,
 * so that receivers coming back from an outage are not hit by every sender at once. A small
 * floor keeps a retry from following its failure immediately. Deliveries are given up by age,
 * not by count, so a receiver down for a day loses nothing whatever the dice said.
 */

/** The first retry waits up to 30 s (plus the floor); each later one up to twice as long. */
export const RETRY_BASE_MS = 30_000;
/** No wait is longer than 1 h (plus the floor): a receiver that is back is found within the hour. */
export const RETRY_CAP_MS = 60 * 60_000;
/** At least 5 s between attempts. */
export const RETRY_FLOOR_MS = 5_000;
/**
 * A delivery is retried for 3 days after it was queued, then set `failed`: long enough for a
 * receiver down over a weekend, and Stripe's and GitHub's redelivery windows are of that order.
 */
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60_000;

/** The instant after which a delivery queued (or re-queued by hand) at `queuedAt` is given up. */
export function giveUpAt(queuedAt: Date): Date {
  return new Date(queuedAt.getTime() + RETRY_WINDOW_MS);
}

/**
 * The time of the next attempt after `attempts` failed ones, or null when the delivery is to be
 * given up. `random` returns a number in [0, 1) (Math.random in production, fixed in tests). The
 * last retry happens at `deadline` itself.
 *
 * @example
 * nextAttemptAt(1, now, giveUpAt(queued), () => 1) // now + 5 s + 30 s
 * nextAttemptAt(9, now, giveUpAt(queued), () => 0.5) // now + 5 s + 30 min
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  deadline: Date,
  random: () => number,
): Date | null {
  if (now.getTime() >= deadline.getTime()) return null;
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  const wait = RETRY_FLOOR_MS + Math.floor(Math.min(1, Math.max(0, random())) * ceiling);
  return new Date(Math.min(now.getTime() + wait, deadline.getTime()));
}
