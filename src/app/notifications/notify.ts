import type { NotificationFacts, NotificationKind } from '../../domain/notifications/kinds.js';
import { channelsFor } from '../../domain/notifications/preferences.js';
import type { Recipient } from '../../domain/notifications/recipients.js';
import { holdUntil } from '../../domain/notifications/schedule.js';
import type { Store } from '../../store/store.js';
import type { User } from '../../store/users.js';
import { preferencesOf, teamNotificationSettings } from './notification-settings.js';

/**
 * A push delivery is tried for a day after it may first go: a hot-lead alert or a digest older
 * than that helps nobody (the queue and the next digest carry on), unlike a webhook receiver's
 * copy of history, which gets three days.
 */
export const NOTIFICATION_RETRY_WINDOW_MS = 24 * 3_600_000;

/** One occasion to tell people about: its key, its lead, and the facts each recipient gets. */
export interface Occasion {
  readonly kind: NotificationKind;
  /** Unique per occasion (`lead_hot:<transition id>`): no recipient hears of it twice. */
  readonly dedupeKey: string;
  readonly leadId: string | null;
  readonly factsFor: (recipient: Recipient | 'team') => NotificationFacts;
}

/**
 * Stores the occasion's notification for each recipient — on the channels their preferences
 * choose, email and Slack held through their quiet hours — and for the team's Slack channel when
 * the team hears of this kind. A recipient who turned every channel off still gets a row (not
 * listed, nothing sent): the occasion is decided and no sweep looks at it again. Runs in the
 * caller's transaction; an occasion already stored (another instance, a retried batch) is left as
 * it is. Returns how many notifications were stored.
 */
export async function notify(
  store: Store,
  occasion: Occasion,
  recipients: readonly Recipient[],
  users: ReadonlyMap<string, User>,
  now: Date,
): Promise<number> {
  let stored = 0;
  const preferences = await preferencesOf(
    store,
    recipients.map((r) => r.userId),
  );
  for (const recipient of recipients) {
    const user = users.get(recipient.userId);
    const chosen = preferences.get(recipient.userId);
    if (!user || !chosen) continue;
    const channels = channelsFor(chosen, occasion.kind);
    const heldUntil = holdUntil(now, occasion.kind, chosen, user.timeZone);
    const id = await store.notifications.create(
      {
        recipient: user.id,
        userId: user.id,
        kind: occasion.kind,
        dedupeKey: occasion.dedupeKey,
        leadId: occasion.leadId,
        facts: occasion.factsFor(recipient),
        inApp: channels.includes('app'),
        push: channels.flatMap((channel) => (channel === 'app' ? [] : [{ channel, heldUntil }])),
        retryWindowMs: NOTIFICATION_RETRY_WINDOW_MS,
      },
      now,
    );
    if (id !== undefined) stored += 1;
  }
  const team = await teamNotificationSettings(store);
  if (team.slackWebhookUrl !== null && (team.slackKinds as readonly string[]).includes(occasion.kind)) {
    const id = await store.notifications.create(
      {
        recipient: 'team',
        userId: null,
        kind: occasion.kind,
        dedupeKey: occasion.dedupeKey,
        leadId: occasion.leadId,
        facts: occasion.factsFor('team'),
        inApp: false,
        push: [{ channel: 'slack', heldUntil: null }],
        retryWindowMs: NOTIFICATION_RETRY_WINDOW_MS,
      },
      now,
    );
    if (id !== undefined) stored += 1;
  }
  return stored;
}

/** Users by id, for naming owners and reading time zones. */
export async function usersById(store: Store): Promise<Map<string, User>> {
  return new Map((await store.users.list()).map((u) => [u.id, u]));
}
