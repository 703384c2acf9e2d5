import type { Channel, NotificationKind } from './kinds.js';

/** A wall time `HH:MM` (24-hour). */
export type WallTime = string;

export interface QuietHours {
  /** Quiet from this local time … */
  readonly start: WallTime;
  /** … until this one (the next day when it is earlier than `start`). */
  readonly end: WallTime;
}

/** One user's choices (Settings → Notifications; `PUT /api/v1/me/notification-settings`). */
export interface NotificationPreferences {
  /** Per kind, the channels that carry it. */
  readonly channels: Readonly<Record<NotificationKind, Readonly<Record<Channel, boolean>>>>;
  /** Email and Slack wait while these last (in the user's time zone); null: never quiet. */
  readonly quietHours: QuietHours | null;
  /** Whether a hot lead and a missed deadline go out during quiet hours anyway. */
  readonly urgentDuringQuietHours: boolean;
  /** The local hour (0–23) the daily digest is sent at. */
  readonly digestHour: number;
  /** The user's own Slack incoming-webhook URL; null: no personal Slack posts. */
  readonly slackWebhookUrl: string | null;
}

const on = (app: boolean, email: boolean, slack: boolean) => ({ app, email, slack });

/**
 * The defaults: everything in the app; by email the things a rep must not miss (a hot lead, a
 * missed deadline) and the digest; on Slack everything that needs acting on now. A warning and a
 * due task by email as well would double what the queue already shows.
 */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  channels: {
    lead_hot: on(true, true, true),
    sla_warning: on(true, false, true),
    sla_breached: on(true, true, true),
    task_due: on(true, false, true),
    digest: on(true, true, false),
  },
  quietHours: null,
  urgentDuringQuietHours: false,
  // 08:00: before a rep's first call of the day (the queue's "tomorrow 9:00" is an hour later).
  digestHour: 8,
  slackWebhookUrl: null,
};

/** What a user may send: any part; missing parts keep their value. */
export interface PreferencesPatch {
  readonly channels?: Partial<Record<NotificationKind, Partial<Record<Channel, boolean>>>>;
  readonly quietHours?: QuietHours | null;
  readonly urgentDuringQuietHours?: boolean;
  readonly digestHour?: number;
  readonly slackWebhookUrl?: string | null;
}

/**
 * `base` with `patch` applied: kinds and channels merged one by one, so a stored document from
 * before a kind existed gets that kind's defaults.
 *
 * @example withPreferences(DEFAULT_PREFERENCES, { channels: { digest: { email: false } } }).channels.digest
 * // { app: true, email: false, slack: false }
 */
export function withPreferences(
  base: NotificationPreferences,
  patch: PreferencesPatch | undefined | null,
): NotificationPreferences {
  if (!patch) return base;
  const channels = Object.fromEntries(
    Object.entries(base.channels).map(([kind, current]) => [
      kind,
      { ...current, ...(patch.channels?.[kind as NotificationKind] ?? {}) },
    ]),
  ) as unknown as NotificationPreferences['channels'];
  return {
    channels,
    quietHours: patch.quietHours === undefined ? base.quietHours : patch.quietHours,
    urgentDuringQuietHours: patch.urgentDuringQuietHours ?? base.urgentDuringQuietHours,
    digestHour: patch.digestHour ?? base.digestHour,
    slackWebhookUrl: patch.slackWebhookUrl === undefined ? base.slackWebhookUrl : patch.slackWebhookUrl,
  };
}

/** The channels a user gets `kind` on; Slack only with a URL to post to. */
export function channelsFor(preferences: NotificationPreferences, kind: NotificationKind): Channel[] {
  const chosen = preferences.channels[kind];
  const list: Channel[] = [];
  if (chosen.app) list.push('app');
  if (chosen.email) list.push('email');
  if (chosen.slack && preferences.slackWebhookUrl !== null) list.push('slack');
  return list;
}
