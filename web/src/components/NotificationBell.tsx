import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  Indicator,
  Popover,
  Stack,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { type AppNotification, useMarkRead, useNotifications, useUnreadCount } from '../api/notifications';

const OPT_IN_KEY = 'hearth.browserNotifications';
const browserNotificationsSupported = () => typeof window !== 'undefined' && 'Notification' in window;

/**
 * The bell in the top bar: the unread count, the latest notifications (each opens its lead and is
 * marked read), mark all read, and the opt-in to the browser's own notifications, which then pop
 * up for each new unread one while Hearth is open in a tab.
 */
export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const unread = useUnreadCount();
  const list = useNotifications(opened);
  const markRead = useMarkRead();
  const count = unread.data?.unread ?? 0;
  useBrowserNotifications(count);
  const open = (n: AppNotification) => {
    if (n.readAt === null) markRead.mutate({ ids: [n.id] });
    setOpened(false);
  };
  return (
    // The count sits outside the popover's target: the target gets aria-expanded, which only the
    // button may carry.
    <Indicator label={count > 99 ? '99+' : count} size={18} disabled={count === 0} color="red.9">
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={360} shadow="md" trapFocus>
        <Popover.Target>
          <ActionIcon
            variant="default"
            size="lg"
            onClick={() => setOpened((o) => !o)}
            aria-label={count === 0 ? 'Notifications' : `Notifications: ${count} unread`}
          >
            <BellIcon />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="xs" aria-label="Notifications" role="region">
            <Group justify="space-between">
              <Text fw={600}>Notifications</Text>
              <Button
                size="xs"
                variant="subtle"
                disabled={count === 0 || markRead.isPending}
                onClick={() => markRead.mutate({ all: true })}
              >
                Mark all read
              </Button>
            </Group>
            {list.isPending && <Text size="sm">Loading…</Text>}
            {list.data?.data.length === 0 && <Text size="sm">Nothing yet.</Text>}
            <Stack
              gap={6}
              component="ul"
              style={{ listStyle: 'none', padding: 0, margin: 0, maxHeight: 360, overflowY: 'auto' }}
            >
              {list.data?.data.map((n) => (
                <li key={n.id}>
                  <Anchor component={Link} to={n.path} onClick={() => open(n)} underline="never" c="dark.9">
                    <Text size="sm" fw={n.readAt === null ? 700 : 400}>
                      {n.readAt === null && <VisuallyHidden>Unread: </VisuallyHidden>}
                      {n.title}
                    </Text>
                    <Text size="xs" c="gray.8" lineClamp={2}>
                      {n.lines[0]}
                    </Text>
                    <Text size="xs" c="gray.8">
                      {new Date(n.createdAt).toLocaleString()}
                    </Text>
                  </Anchor>
                </li>
              ))}
            </Stack>
            <Group justify="space-between">
              <BrowserOptIn />
              <Anchor
                component={Link}
                to="/settings?tab=notifications"
                size="sm"
                onClick={() => setOpened(false)}
              >
                Notification settings
              </Anchor>
            </Group>
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}

function BrowserOptIn() {
  const [state, setState] = useState(() =>
    browserNotificationsSupported() ? Notification.permission : ('unsupported' as const),
  );
  const [optedIn, setOptedIn] = useState(() => localStorage.getItem(OPT_IN_KEY) === 'on');
  if (state === 'unsupported') return null;
  if (state === 'granted' && optedIn) {
    return (
      <Button
        size="xs"
        variant="subtle"
        onClick={() => {
          localStorage.removeItem(OPT_IN_KEY);
          setOptedIn(false);
        }}
      >
        Turn off browser notifications
      </Button>
    );
  }
  if (state === 'denied') return <Text size="xs">Browser notifications are blocked for this site.</Text>;
  return (
    <Button
      size="xs"
      variant="light"
      onClick={async () => {
        const answer = await Notification.requestPermission();
        setState(answer);
        if (answer === 'granted') {
          localStorage.setItem(OPT_IN_KEY, 'on');
          setOptedIn(true);
        }
      }}
    >
      Browser notifications
    </Button>
  );
}

/** Pops up the browser's notification for each unread one that arrived since the last look. */
function useBrowserNotifications(count: number) {
  const seen = useRef<number | null>(null);
  const list = useNotifications(count > 0 && seen.current !== null && count > seen.current);
  useEffect(() => {
    if (seen.current === null) {
      seen.current = count;
      return;
    }
    if (count <= seen.current) {
      seen.current = count;
      return;
    }
    if (!list.data) return;
    const fresh = list.data.data.filter((n) => n.readAt === null).slice(0, count - seen.current);
    seen.current = count;
    if (!browserNotificationsSupported() || Notification.permission !== 'granted') return;
    if (localStorage.getItem(OPT_IN_KEY) !== 'on') return;
    for (const n of fresh) {
      const shown = new Notification(n.title, { body: n.lines[0] ?? '', tag: `hearth-${n.id}` });
      shown.onclick = () => {
        window.focus();
        window.location.assign(n.path);
      };
    }
  }, [count, list.data]);
}

function BellIcon() {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}
