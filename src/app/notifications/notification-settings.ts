import Type, { type Static } from 'typebox';
import type { Principal } from '../../domain/access.js';
import { isTimeZone } from '../../domain/desk/local-time.js';
import { HearthError } from '../../domain/errors.js';
import { CHANNELS, NOTIFICATION_KINDS, type NotificationKind } from '../../domain/notifications/kinds.js';
import {
  DEFAULT_PREFERENCES,
  type NotificationPreferences,
  type PreferencesPatch,
  withPreferences,
} from '../../domain/notifications/preferences.js';
import type { Store } from '../../store/store.js';
import type { User } from '../../store/users.js';
import type { AppContext } from '../context.js';
import { channelAvailability } from './setup.js';

const WallTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: '`HH:MM`, 24-hour.',
});
const WebhookUrl = Type.String({
  pattern: '^https?://[^\\s/@]+(/[^\\s]*)?$',
  maxLength: 500,
  description: 'A Slack incoming-webhook URL (`https://hooks.slack.com/services/…`).',
});
const ChannelChoice = Type.Object(
  Object.fromEntries(CHANNELS.map((c) => [c, Type.Optional(Type.Boolean())])) as Record<
    (typeof CHANNELS)[number],
    ReturnType<typeof Type.Optional<ReturnType<typeof Type.Boolean>>>
  >,
  { additionalProperties: false },
);

/** `PUT /api/v1/me/notification-settings`: any part; the rest keep their values. */
export const MyNotificationSettingsPatch = Type.Object(
  {
    timeZone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone: `Europe/Berlin`.' }),
    ),
    digestHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
    quietHours: Type.Optional(
      Type.Union([
        Type.Object({ start: WallTime, end: WallTime }, { additionalProperties: false }),
        Type.Null(),
      ]),
    ),
    urgentDuringQuietHours: Type.Optional(Type.Boolean()),
    slackWebhookUrl: Type.Optional(Type.Union([WebhookUrl, Type.Null()])),
    channels: Type.Optional(
      Type.Object(
        Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Type.Optional(ChannelChoice)])) as Record<
          NotificationKind,
          ReturnType<typeof Type.Optional<typeof ChannelChoice>>
        >,
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MyNotificationSettingsPatch = Static<typeof MyNotificationSettingsPatch>;

/** What a user reads back: their choices, their zone, and what the server can send. */
export interface MyNotificationSettings extends NotificationPreferences {
  readonly timeZone: string;
  readonly availability: ReturnType<typeof channelAvailability>;
}

/** Each user's preferences in force: their stored choices over the defaults. */
export async function preferencesOf(
  store: Store,
  userIds: readonly string[],
): Promise<Map<string, NotificationPreferences>> {
  const stored = await store.notifications.preferencesOf(userIds);
  return new Map(userIds.map((id) => [id, withPreferences(DEFAULT_PREFERENCES, stored.get(id))]));
}

function userOf(actor: Principal): string {
  if (actor.userId === null) {
    throw new HearthError('forbidden', 'Notifications belong to a person: use a session or a key of a user');
  }
  return actor.userId;
}

export async function myNotificationSettings(
  ctx: AppContext,
  actor: Principal,
): Promise<MyNotificationSettings> {
  const userId = userOf(actor);
  const user = await ctx.store.users.byId(userId);
  if (!user) throw new HearthError('not_found', 'Your user no longer exists');
  return view(ctx, user, (await preferencesOf(ctx.store, [userId])).get(userId) ?? DEFAULT_PREFERENCES);
}

/** Changes the signed-in user's notification settings; fields left out keep their values. */
export async function updateMyNotificationSettings(
  ctx: AppContext,
  actor: Principal,
  patch: MyNotificationSettingsPatch,
): Promise<MyNotificationSettings> {
  const userId = userOf(actor);
  if (patch.timeZone !== undefined && !isTimeZone(patch.timeZone)) {
    throw HearthError.invalid([
      { path: 'timeZone', message: 'is not a time zone (an IANA name: Europe/Berlin)' },
    ]);
  }
  const now = ctx.clock();
  return ctx.store.transaction(async (store) => {
    const { timeZone, ...preferences } = patch;
    const user =
      timeZone === undefined
        ? await store.users.byId(userId)
        : await store.users.update(userId, { timeZone }, now);
    if (!user) throw new HearthError('not_found', 'Your user no longer exists');
    const current = (await preferencesOf(store, [userId])).get(userId) ?? DEFAULT_PREFERENCES;
    const next = withPreferences(current, preferences as PreferencesPatch);
    await store.notifications.savePreferences(userId, next, now);
    return view(ctx, user, next);
  });
}

function view(ctx: AppContext, user: User, preferences: NotificationPreferences): MyNotificationSettings {
  return { ...preferences, timeZone: user.timeZone, availability: channelAvailability(ctx.notifications) };
}

// ---- The team's settings (admins): the team Slack channel and the warning share.

const TEAM_KEY = 'notifications';

/** `GET|PUT /api/v1/settings/notifications`. */
export const TeamNotificationSettingsSchema = Type.Object(
  {
    slackWebhookUrl: Type.Union([WebhookUrl, Type.Null()], {
      description: "The team channel's Slack incoming-webhook URL; null: no team posts.",
    }),
    slackKinds: Type.Array(Type.Enum(NOTIFICATION_KINDS.filter((k) => k !== 'digest')), {
      uniqueItems: true,
      description: 'What the team channel hears of (every lead, whoever owns it).',
    }),
    slaWarningShare: Type.Number({
      minimum: 0.1,
      maximum: 0.95,
      description:
        'How far into a speed-to-lead window the "about to run out" warning goes (0.75: at 45 of 60 min).',
    }),
  },
  { additionalProperties: false },
);
export type TeamNotificationSettings = Static<typeof TeamNotificationSettingsSchema>;
export const TeamNotificationSettingsPatch = Type.Partial(TeamNotificationSettingsSchema, {
  additionalProperties: false,
  minProperties: 1,
});
export type TeamNotificationSettingsPatch = Static<typeof TeamNotificationSettingsPatch>;

export const DEFAULT_TEAM_SETTINGS: TeamNotificationSettings = {
  slackWebhookUrl: null,
  slackKinds: ['lead_hot', 'sla_breached'],
  // Three quarters of the window: 15 of 60 minutes left is time to make the call; the desk's
  // five-minute teams get 75 s, which is what a five-minute promise allows.
  slaWarningShare: 0.75,
};

export async function teamNotificationSettings(store: Store): Promise<TeamNotificationSettings> {
  return {
    ...DEFAULT_TEAM_SETTINGS,
    ...((await store.settings.get<Partial<TeamNotificationSettings>>(TEAM_KEY)) ?? {}),
  };
}

/** Admins; audited like the desk settings. */
export async function updateTeamNotificationSettings(
  ctx: AppContext,
  actor: Principal,
  patch: TeamNotificationSettingsPatch,
): Promise<TeamNotificationSettings> {
  return ctx.store.transaction(async (store) => {
    const next = { ...(await teamNotificationSettings(store)), ...patch };
    await store.settings.put(TEAM_KEY, next);
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'settings.update',
      entity: 'settings',
      entityId: TEAM_KEY,
      details: {
        changed: Object.keys(patch),
        // The URL is a secret of the Slack channel: the log says whether it is set, not what it is.
        slackWebhookUrl: next.slackWebhookUrl === null ? null : 'set',
      },
    });
    return next;
  });
}
