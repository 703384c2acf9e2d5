import {
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import {
  CHANNELS,
  type Channel,
  KIND_LABELS,
  NOTIFICATION_KINDS,
  type NotificationSettings,
  useNotificationSettings,
  useUpdateNotificationSettings,
} from '../api/notifications';
import { ErrorNotice } from '../components/ErrorNotice';
import { fieldProblems } from '../components/field-problems';

const CHANNEL_LABELS: Record<Channel, string> = { app: 'In the app', email: 'Email', slack: 'Slack' };
const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);
const zones = (): string[] => {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  return supported ? supported('timeZone') : ['UTC'];
};

type Draft = Omit<NotificationSettings, 'availability'>;

/**
 * Settings → Notifications: the signed-in user's own choices (docs/notifications.md) — which
 * kinds reach them on which channel, their time zone and digest hour, quiet hours, their Slack URL.
 */
export function NotificationsTab() {
  const settings = useNotificationSettings();
  const save = useUpdateNotificationSettings();
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (settings.data && draft === null) {
      const { availability: _a, ...rest } = settings.data;
      setDraft(rest);
    }
  }, [settings.data, draft]);
  if (settings.isError) return <ErrorNotice error={settings.error} />;
  if (!settings.data || draft === null) return <Loader aria-label="Loading your notification settings" />;
  const { availability } = settings.data;
  const { fieldError, atFields } = fieldProblems(save.error);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ ...draft, slackWebhookUrl: draft.slackWebhookUrl?.trim() || null });
  };
  const zoneList = zones().includes(draft.timeZone) ? zones() : [draft.timeZone, ...zones()];
  return (
    <form onSubmit={submit} aria-label="Your notification settings">
      <Stack maw={720}>
        <Title order={3}>Your notifications</Title>
        {!availability.email.available && (
          <Alert color="yellow" title="Email is off on this server" styles={{ title: { color: '#212529' } }}>
            {availability.email.reason} Notifications still reach you in the app and on Slack.
          </Alert>
        )}
        <Stack gap={4}>
          <Text fw={600} id="channels-heading">
            What reaches you, and where
          </Text>
          <SimpleGrid cols={4} spacing="xs" aria-labelledby="channels-heading" role="group">
            <Text size="sm" fw={600}>
              Kind
            </Text>
            {CHANNELS.map((c) => (
              <Text size="sm" fw={600} key={c}>
                {CHANNEL_LABELS[c]}
              </Text>
            ))}
            {NOTIFICATION_KINDS.map((kind) => (
              <KindRow
                key={kind}
                label={KIND_LABELS[kind]}
                value={draft.channels[kind]}
                emailOff={!availability.email.available}
                onChange={(channel, on) =>
                  set({ channels: { ...draft.channels, [kind]: { ...draft.channels[kind], [channel]: on } } })
                }
              />
            ))}
          </SimpleGrid>
        </Stack>
        <TextInput
          label="Your Slack incoming-webhook URL"
          description="Create one in Slack (Apps → Incoming Webhooks) for a channel or a direct message to you. Empty: no personal Slack posts."
          placeholder="https://hooks.slack.com/services/…"
          value={draft.slackWebhookUrl ?? ''}
          onChange={(e) => set({ slackWebhookUrl: e.currentTarget.value })}
          {...fieldError('slackWebhookUrl')}
        />
        <Group grow align="flex-start">
          <NativeSelect
            label="Your time zone"
            description="Your digest's morning, quiet hours and the times in your messages."
            data={zoneList}
            value={draft.timeZone}
            onChange={(e) => set({ timeZone: e.currentTarget.value })}
            {...fieldError('timeZone')}
          />
          <NativeSelect
            label="Daily digest at"
            description="Today's hot leads, due tasks and yesterday's results."
            data={HOURS}
            value={HOURS[draft.digestHour]}
            onChange={(e) => set({ digestHour: HOURS.indexOf(e.currentTarget.value) })}
            {...fieldError('digestHour')}
          />
        </Group>
        <Switch
          label="Quiet hours: hold email and Slack, send them when quiet hours end"
          checked={draft.quietHours !== null}
          onChange={(e) =>
            set({ quietHours: e.currentTarget.checked ? { start: '22:00', end: '07:00' } : null })
          }
        />
        {draft.quietHours !== null && (
          <>
            <Group grow>
              <TextInput
                type="time"
                label="Quiet from"
                value={draft.quietHours.start}
                onChange={(e) =>
                  set({
                    quietHours: { ...(draft.quietHours ?? { end: '07:00' }), start: e.currentTarget.value },
                  })
                }
                {...fieldError('quietHours.start')}
              />
              <TextInput
                type="time"
                label="Until"
                value={draft.quietHours.end}
                onChange={(e) =>
                  set({
                    quietHours: { ...(draft.quietHours ?? { start: '22:00' }), end: e.currentTarget.value },
                  })
                }
                {...fieldError('quietHours.end')}
              />
            </Group>
            <Checkbox
              label="Let a hot lead and a missed deadline through during quiet hours"
              checked={draft.urgentDuringQuietHours}
              onChange={(e) => set({ urgentDuringQuietHours: e.currentTarget.checked })}
            />
          </>
        )}
        {save.isError && !atFields && <ErrorNotice error={save.error} />}
        {save.isSuccess && !save.isPending && (
          <Text size="sm" role="status">
            Saved.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save notification settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function KindRow(props: {
  label: string;
  value: Record<Channel, boolean>;
  emailOff: boolean;
  onChange: (channel: Channel, on: boolean) => void;
}) {
  return (
    <>
      <Text size="sm">{props.label}</Text>
      {CHANNELS.map((c) => (
        <Checkbox
          key={c}
          aria-label={`${props.label}: ${CHANNEL_LABELS[c]}`}
          checked={props.value[c]}
          disabled={c === 'email' && props.emailOff}
          onChange={(e) => props.onChange(c, e.currentTarget.checked)}
        />
      ))}
    </>
  );
}
