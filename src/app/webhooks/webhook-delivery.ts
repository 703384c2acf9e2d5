import { performance } from 'node:perf_hooks';
import { nextAttemptAt } from '../../domain/desk/webhook-retry.js';
import type { AttemptOutcome, ClaimedDelivery, DeliveryAttempt } from '../../store/webhooks.js';
import type { AppContext } from '../context.js';
import { signatureHeader } from './webhook-signature.js';

// A receiver should answer at once and work later; 10 s is GitHub's delivery timeout
// (HEARTH_WEBHOOK_TIMEOUT_MS).
export const DELIVERY_TIMEOUT_MS = 10_000;
// A lease outlasts a whole batch of sends (they run together, each cut at the timeout) and the
// recording of their results, so it expires only when its sender died: then another instance
// sends it again (at least once).
const leaseFor = (timeoutMs: number) => 3 * timeoutMs;
// Deliveries leased per claim, sent concurrently.
export const DELIVERY_BATCH = 20;
// A pass stops after this many attempts, so that a poll never runs unbounded.
export const MAX_ATTEMPTS_PER_PASS = 1_000;

export interface DeliverOptions {
  /** The HTTP client; global fetch unless a test passes another. */
  readonly fetch?: typeof fetch;
  /** In [0, 1): the jitter of the retry schedule. */
  readonly random?: () => number;
  readonly batch?: number;
  /** How long a receiver has to answer; DELIVERY_TIMEOUT_MS unless configured. */
  readonly timeoutMs?: number;
}

export interface DeliverySummary {
  readonly attempted: number;
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
}

/**
 * Sends due webhook deliveries until none is due (or MAX_ATTEMPTS_PER_PASS): each claim leases
 * a batch in a short transaction, the POSTs happen outside any transaction, and each attempt is
 * recorded in its own. A 2xx answer delivers; anything else (another status, a refused
 * connection, a timeout) schedules the next attempt, or gives up after the retry window.
 */
export async function deliverWebhooks(
  ctx: AppContext,
  options: DeliverOptions = {},
): Promise<DeliverySummary> {
  const send = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const batch = options.batch ?? DELIVERY_BATCH;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const summary = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  while (summary.attempted < MAX_ATTEMPTS_PER_PASS) {
    const now = ctx.clock();
    const claimed = await ctx.store.transaction((store) =>
      store.webhooks.claimDue(now, new Date(now.getTime() + leaseFor(timeoutMs)), batch),
    );
    if (claimed.length === 0) break;
    const results = await Promise.allSettled(
      claimed.map(async (delivery) => {
        const attempt = await post(ctx, send, delivery, timeoutMs);
        const outcome = outcomeOf(attempt, delivery, ctx.clock(), random);
        await ctx.store.transaction((store) => store.webhooks.recordAttempt(delivery.id, attempt, outcome));
        return outcome.state;
      }),
    );
    for (const result of results) {
      if (result.status === 'rejected') continue;
      summary.attempted += 1;
      if (result.value === 'delivered') summary.delivered += 1;
      else if (result.value === 'pending') summary.retrying += 1;
      else summary.failed += 1;
    }
    // An attempt that could not be recorded keeps its lease and is sent again when it expires.
    const unrecorded = results.find((r) => r.status === 'rejected');
    if (unrecorded) throw unrecorded.reason;
  }
  return summary;
}

function outcomeOf(
  attempt: DeliveryAttempt,
  delivery: ClaimedDelivery,
  now: Date,
  random: () => number,
): AttemptOutcome {
  if (attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300) {
    return { state: 'delivered' };
  }
  const next = nextAttemptAt(delivery.attemptCount, now, delivery.giveUpAt, random);
  return next === null ? { state: 'failed' } : { state: 'pending', nextAttemptAt: next };
}

async function post(
  ctx: AppContext,
  send: typeof fetch,
  delivery: ClaimedDelivery,
  timeoutMs: number,
): Promise<DeliveryAttempt> {
  const body = JSON.stringify(delivery.body);
  const attemptedAt = ctx.clock();
  const started = performance.now();
  try {
    const response = await send(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hearth-Webhooks/1',
        'hearth-event': delivery.event,
        'hearth-delivery': String(delivery.id),
        'hearth-signature': signatureHeader(delivery.secret, Math.floor(attemptedAt.getTime() / 1000), body),
      },
      body,
      // A redirect is an answer other than 2xx: following it would send the lead's data to a
      // place the admin did not choose.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Only the status matters; the connection is freed without reading what came with it.
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return {
      attemptedAt,
      statusCode: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return {
      attemptedAt,
      statusCode: null,
      error: failureOf(error, timeoutMs),
      durationMs: performance.now() - started,
    };
  }
}

/** A readable reason for a send that got no answer: `fetch failed: ECONNREFUSED`. */
function failureOf(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const cause: unknown = error.cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause
      ? String((cause as { code: unknown }).code)
      : '';
  return code === '' ? error.message : `${error.message}: ${code}`;
}
