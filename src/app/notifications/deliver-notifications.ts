import { nextAttemptAt } from '../../domain/desk/webhook-retry.js';
import { emailText, messageOf, slackPayload } from '../../domain/notifications/messages.js';
import { DEFAULT_PREFERENCES, withPreferences } from '../../domain/notifications/preferences.js';
import type { ClaimedNotification, SendOutcome } from '../../store/notifications.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { teamNotificationSettings } from './notification-settings.js';
import { SendFailure, type Transports } from './transports.js';

// Deliveries leased per claim, sent together.
const BATCH = 20;
// Longer than a batch of sends can take (each is cut at 10 s, 20 s for a slow SMTP socket):
// the lease runs out only when its sender died, and then another instance sends it.
const LEASE_MS = 60_000;
// A pass stops after this many attempts, so that a poll never runs unbounded.
const MAX_PER_PASS = 1_000;

export interface NotificationDeliverySummary {
  readonly sent: number;
  readonly retrying: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * Sends due email and Slack deliveries until none is due: each claim leases a batch in a short
 * transaction (`for update skip locked`, so instances never take the same one), the sends happen
 * outside any transaction, and each outcome is recorded in its own. A failure is retried with the
 * webhooks' backoff (src/domain/desk/webhook-retry.ts) for a day; a permanent one (a mailbox the
 * SMTP server refuses, a deleted Slack URL) and one that is no longer needed (a warning about a
 * clock touched while the message was held) end at once, with the reason in the log.
 */
export async function deliverNotifications(
  ctx: AppContext,
  transports: Transports,
  options: { random?: () => number } = {},
): Promise<NotificationDeliverySummary> {
  const random = options.random ?? Math.random;
  const publicUrl = ctx.notifications?.publicUrl ?? 'http://localhost:3000';
  const summary = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  let attempted = 0;
  while (attempted < MAX_PER_PASS) {
    const now = ctx.clock();
    const claimed = await ctx.store.transaction((store) =>
      store.notifications.claimDue(now, new Date(now.getTime() + LEASE_MS), BATCH),
    );
    if (claimed.length === 0) break;
    attempted += claimed.length;
    const team = await teamNotificationSettings(ctx.store);
    const results = await Promise.allSettled(
      claimed.map(async (delivery) => {
        const outcome = await send(
          ctx.store,
          transports,
          delivery,
          team.slackWebhookUrl,
          publicUrl,
          ctx.clock,
        );
        const recorded: SendOutcome =
          outcome.state !== 'retry' ? outcome : retryOrFail(delivery, outcome.error, ctx.clock(), random);
        await ctx.store.notifications.record(delivery.deliveryId, recorded);
        return recorded.state;
      }),
    );
    for (const result of results) {
      if (result.status === 'rejected') continue;
      if (result.value === 'sent') summary.sent += 1;
      else if (result.value === 'pending') summary.retrying += 1;
      else if (result.value === 'failed') summary.failed += 1;
      else summary.skipped += 1;
    }
    // An outcome that could not be recorded keeps its lease and is sent again when it expires.
    const unrecorded = results.find((r) => r.status === 'rejected');
    if (unrecorded) throw unrecorded.reason;
  }
  return summary;
}

function retryOrFail(
  delivery: ClaimedNotification,
  error: string,
  now: Date,
  random: () => number,
): SendOutcome {
  const next = nextAttemptAt(delivery.attempts, now, delivery.giveUpAt, random);
  return next === null ? { state: 'failed', error } : { state: 'pending', nextAttemptAt: next, error };
}

type Attempt = SendOutcome | { readonly state: 'retry'; readonly error: string };

async function send(
  store: Store,
  transports: Transports,
  delivery: ClaimedNotification,
  teamSlackUrl: string | null,
  publicUrl: string,
  clock: () => Date,
): Promise<Attempt> {
  const { user } = delivery;
  if (user !== null && !user.active) return { state: 'skipped', error: 'the user was deactivated' };
  const stale = await noLongerNeeded(store, delivery);
  if (stale !== null) return { state: 'skipped', error: `no longer needed: ${stale}` };
  const message = messageOf(delivery.facts, user?.timeZone ?? 'UTC', clock());
  try {
    if (delivery.channel === 'email') {
      if (transports.email === null) {
        return { state: 'skipped', error: 'email is off: the server has no HEARTH_SMTP_URL setting' };
      }
      if (user === null) return { state: 'skipped', error: 'the team has no email address' };
      await transports.email({
        to: user.email,
        subject: message.title,
        text: emailText(message, publicUrl),
        messageId: `<notification-${delivery.deliveryId}@hearth>`,
        kind: delivery.kind,
      });
    } else {
      const url =
        user === null ? teamSlackUrl : withPreferences(DEFAULT_PREFERENCES, user.preferences).slackWebhookUrl;
      if (url === null) return { state: 'skipped', error: 'no Slack webhook URL is set (removed since)' };
      await transports.slack(url, slackPayload(message, publicUrl));
    }
    return { state: 'sent', at: clock() };
  } catch (error) {
    if (error instanceof SendFailure) {
      return error.permanent
        ? { state: 'failed', error: error.message }
        : { state: 'retry', error: error.message };
    }
    return { state: 'retry', error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Why a message held back (quiet hours, retries) would only be noise now, or null: a warning about
 * a clock that was touched or closed meanwhile, a due task done or rescheduled since. A hot lead
 * and a missed deadline still go: they happened.
 */
async function noLongerNeeded(store: Store, delivery: ClaimedNotification): Promise<string | null> {
  const facts = delivery.facts;
  if (facts.kind === 'sla_warning') {
    const timer = (await store.desk.latestTimers([facts.lead.id])).get(facts.lead.id);
    if (!timer || timer.id !== facts.timerId || timer.touchedAt !== null || timer.closedAt !== null) {
      return 'the speed-to-lead clock stopped';
    }
    if (timer.dueAt.getTime() <= Date.parse(facts.dueAt) && timer.breachedAt !== null) {
      return 'the deadline passed (told as a missed deadline)';
    }
  }
  if (facts.kind === 'task_due') {
    const task = await store.tasks.byId(facts.taskId);
    if (!task || task.doneAt !== null) return 'the task is done';
    if (task.dueAt?.toISOString() !== facts.dueAt) return 'the task was rescheduled';
  }
  return null;
}
