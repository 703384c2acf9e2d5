import type { CollectAdmission } from '../app/tracking/collect.js';
import type { Clock } from '../domain/clock.js';
import { HearthError } from '../domain/errors.js';

/** Collect requests allowed per window: per visitor and per site key; 0 = no limit. */
export interface TrackerLimits {
  readonly perVisitor: number;
  readonly perSiteKey: number;
  readonly windowMs: number;
}

/**
 * Counts per name over fixed windows. The names of one window are all forgotten when the next
 * begins, so memory holds one window's callers at most. Counters live in this process (like the
 * other rate limits, docs/security.md).
 */
class FixedWindow {
  private counts = new Map<string, number>();
  private windowStart = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one request for `name`; the milliseconds until the window ends when over the limit. */
  hit(name: string): number | null {
    if (this.limit === 0) return null;
    const now = this.clock().getTime();
    if (now - this.windowStart >= this.windowMs || now < this.windowStart) {
      this.windowStart = now - (now % this.windowMs);
      this.counts = new Map();
    }
    const count = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, count);
    return count > this.limit ? this.windowStart + this.windowMs - now : null;
  }
}

/**
 * The collect endpoint's admission: a visitor may send `perVisitor` requests per window, a site
 * key (all its visitors) `perSiteKey`; more get `rate_limited` (429 with Retry-After). The per-
 * address ingest limit applies before these.
 */
export function trackerAdmission(limits: TrackerLimits, clock: Clock): CollectAdmission {
  const visitors = new FixedWindow(limits.perVisitor, limits.windowMs, clock);
  const keys = new FixedWindow(limits.perSiteKey, limits.windowMs, clock);
  const refuse = (what: string, limit: number, waitMs: number) => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new HearthError(
      'rate_limited',
      `Too many tracker requests ${what}: at most ${limit} per ${Math.round(limits.windowMs / 1000)} s; retry in ${seconds} s`,
      { limit, windowMs: limits.windowMs, retryAfterSeconds: seconds },
    );
  };
  return (siteKeyId, visitorId) => {
    const keyWait = keys.hit(siteKeyId);
    if (keyWait !== null) throw refuse('for this site', limits.perSiteKey, keyWait);
    const visitorWait = visitors.hit(visitorId);
    if (visitorWait !== null) throw refuse('from this visitor', limits.perVisitor, visitorWait);
  };
}
