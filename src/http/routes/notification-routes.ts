import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { markMyNotificationsRead, myNotifications, myUnreadCount } from '../../app/notifications/inbox.js';
import {
  MyNotificationSettingsPatch,
  myNotificationSettings,
  type TeamNotificationSettings,
  TeamNotificationSettingsPatch,
  TeamNotificationSettingsSchema,
  teamNotificationSettings,
  updateMyNotificationSettings,
  updateTeamNotificationSettings,
} from '../../app/notifications/notification-settings.js';
import { CHANNELS, DELIVERY_STATES, NOTIFICATION_KINDS } from '../../domain/notifications/kinds.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const DeliveryView = Type.Object({
  channel: Type.Enum(CHANNELS),
  state: Type.Enum(DELIVERY_STATES),
  attempts: Type.Integer(),
  heldUntil: NullableDateTime('Held by quiet hours until this instant.'),
  lastError: Type.Union([Type.String(), Type.Null()]),
  sentAt: NullableDateTime('When the SMTP server accepted it, Slack answered 2xx, or the app listed it.'),
});

const NotificationView = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(NOTIFICATION_KINDS),
  title: Type.String(),
  lines: Type.Array(Type.String()),
  path: Type.String({ description: 'Where to act in the web app, e.g. `/leads/{id}`.' }),
  leadId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  createdAt: DateTime(),
  readAt: NullableDateTime(),
  deliveries: Type.Array(DeliveryView, { description: 'One per channel: the delivery log.' }),
});

const ChannelChoiceView = Type.Object(
  Object.fromEntries(CHANNELS.map((c) => [c, Type.Boolean()])) as Record<
    (typeof CHANNELS)[number],
    ReturnType<typeof Type.Boolean>
  >,
);
const Availability = Type.Object({
  available: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
});

const MySettingsView = Type.Object({
  timeZone: Type.String(),
  digestHour: Type.Integer(),
  quietHours: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
  urgentDuringQuietHours: Type.Boolean(),
  slackWebhookUrl: Type.Union([Type.String(), Type.Null()]),
  channels: Type.Object(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, ChannelChoiceView])) as Record<
      (typeof NOTIFICATION_KINDS)[number],
      typeof ChannelChoiceView
    >,
  ),
  availability: Type.Object({ email: Availability, slack: Availability, publicUrl: Type.String() }),
});

// The team URL is the channel's secret (anyone with it can post there): never read back.
const TeamSettingsView = Type.Object({
  slackWebhookSet: Type.Boolean({ description: 'Whether a team Slack URL is set (it is never returned).' }),
  slackKinds: TeamNotificationSettingsSchema.properties.slackKinds,
  slaWarningShare: TeamNotificationSettingsSchema.properties.slaWarningShare,
});
const teamView = ({ slackWebhookUrl, ...rest }: TeamNotificationSettings) => ({
  ...rest,
  slackWebhookSet: slackWebhookUrl !== null,
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/**
 * The signed-in user's notifications and their settings (docs/notifications.md), and the team's
 * notification settings (admins). `session:read`: anyone signed in, or a key of a person, for
 * their own.
 */
export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/me/notifications',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['notifications'],
          summary: 'Your notifications, newest first, with each channel’s delivery log',
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
              before: Type.Optional(
                Type.Integer({
                  minimum: 1,
                  maximum: Number.MAX_SAFE_INTEGER,
                  description: 'The `next` of the previous page.',
                }),
              ),
              unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones.' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(NotificationView),
              unread: Type.Integer(),
              next: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => myNotifications(ctx, principalOf(request), request.query),
    );

    app.get(
      '/me/notifications/unread-count',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['notifications'],
          summary: 'How many of your notifications are unread (the bell’s number)',
          response: { 200: Type.Object({ unread: Type.Integer() }), ...errors },
        },
      },
      async (request) => ({ unread: await myUnreadCount(ctx, principalOf(request)) }),
    );

    app.post(
      '/me/notifications/read',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['notifications'],
          summary: 'Mark notifications read: these `ids`, or `all`',
          body: Type.Object(
            {
              ids: Type.Optional(
                Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { maxItems: 500 }),
              ),
              all: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ marked: Type.Integer(), unread: Type.Integer() }), ...errors },
        },
      },
      async (request) => onBody(markMyNotificationsRead(ctx, principalOf(request), request.body)),
    );

    app.get(
      '/me/notification-settings',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['notifications'],
          summary: 'Your notification settings, and which channels the server can send on',
          response: { 200: MySettingsView, ...errors },
        },
      },
      async (request) => myNotificationSettings(ctx, principalOf(request)),
    );

    app.put(
      '/me/notification-settings',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['notifications'],
          summary: 'Change your notification settings: any part; the rest keep their values',
          body: MyNotificationSettingsPatch,
          response: { 200: MySettingsView, ...errors },
        },
      },
      async (request) => onBody(updateMyNotificationSettings(ctx, principalOf(request), request.body)),
    );

    app.get(
      '/settings/notifications',
      {
        config: { permission: 'settings:read' },
        schema: {
          tags: ['notifications'],
          summary: "The team's notification settings: its Slack channel and the SLA warning share",
          response: { 200: TeamSettingsView, ...errors },
        },
      },
      async () => teamView(await teamNotificationSettings(ctx.store)),
    );

    app.put(
      '/settings/notifications',
      {
        config: { permission: 'settings:manage' },
        schema: {
          tags: ['notifications'],
          summary: "Change the team's notification settings (audited)",
          body: TeamNotificationSettingsPatch,
          response: { 200: TeamSettingsView, ...errors },
        },
      },
      async (request) =>
        teamView(await onBody(updateTeamNotificationSettings(ctx, principalOf(request), request.body))),
    );
  };
}
