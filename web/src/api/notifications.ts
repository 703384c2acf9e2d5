import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

// The shapes of /api/v1/me/notifications and /me/notification-settings (src/http/routes/notification-routes.ts).

export const NOTIFICATION_KINDS = ['lead_hot', 'sla_warning', 'sla_breached', 'task_due', 'digest'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const CHANNELS = ['app', 'email', 'slack'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface NotificationDelivery {
  channel: Channel;
  state: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  heldUntil: string | null;
  lastError: string | null;
  sentAt: string | null;
}

export interface AppNotification {
  id: number;
  kind: NotificationKind;
  title: string;
  lines: string[];
  path: string;
  leadId: string | null;
  createdAt: string;
  readAt: string | null;
  deliveries: NotificationDelivery[];
}

export interface NotificationSettings {
  timeZone: string;
  digestHour: number;
  quietHours: { start: string; end: string } | null;
  urgentDuringQuietHours: boolean;
  slackWebhookUrl: string | null;
  channels: Record<NotificationKind, Record<Channel, boolean>>;
  availability: {
    email: { available: boolean; reason: string | null };
    slack: { available: boolean; reason: string | null };
    publicUrl: string;
  };
}

export type NotificationSettingsPatch = Partial<Omit<NotificationSettings, 'availability'>>;

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
  list: ['notifications', 'list'] as const,
  settings: ['notification-settings'] as const,
};

/** The bell's number, refreshed every 30 s (and at once after a change). */
export function useUnreadCount() {
  return useQuery({
    queryKey: notificationKeys.unread,
    queryFn: () => api<{ unread: number }>('GET', '/me/notifications/unread-count'),
    refetchInterval: 30_000,
  });
}

export function useNotifications(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.list,
    queryFn: () =>
      api<{ data: AppNotification[]; unread: number; next: number | null }>(
        'GET',
        '/me/notifications?limit=20',
      ),
    enabled,
  });
}

export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (which: { ids: number[] } | { all: true }) =>
      api<{ marked: number; unread: number }>('POST', '/me/notifications/read', which),
    onSuccess: () => client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: notificationKeys.settings,
    queryFn: () => api<NotificationSettings>('GET', '/me/notification-settings'),
  });
}

export function useUpdateNotificationSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: NotificationSettingsPatch) =>
      api<NotificationSettings>('PUT', '/me/notification-settings', patch),
    onSuccess: (saved) => client.setQueryData(notificationKeys.settings, saved),
  });
}

export const KIND_LABELS: Record<NotificationKind, string> = {
  lead_hot: 'A lead of mine turned hot',
  sla_warning: 'Speed to lead about to run out',
  sla_breached: 'Speed-to-lead deadline missed',
  task_due: 'A task of mine is due',
  digest: 'Daily digest',
};
