import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet, NavLink as RouterLink, useLocation } from 'react-router';
import { canEditModel, canImport, canManageSettings, canReadReports, useSession } from '../auth/session';
import { NotificationBell } from './NotificationBell';

const LINKS = [
  { to: '/', label: 'Hot queue', end: true },
  { to: '/leads', label: 'Leads', end: false },
] as const;

/** The signed-in frame: a header, the navigation (a drawer on phones) and the page. */
export function Layout() {
  const { session, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const links = [
    ...LINKS,
    ...(canReadReports(session.user.role) ? [{ to: '/dashboard', label: 'Dashboard', end: false }] : []),
    ...(canEditModel(session.user.role) ? [{ to: '/model', label: 'Scoring model', end: false }] : []),
    ...(canImport(session.user.role) ? [{ to: '/import', label: 'Import', end: false }] : []),
    ...(canManageSettings(session.user.role) ? [{ to: '/settings', label: 'Settings', end: false }] : []),
  ];
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Title order={1} size="h3" c="ember.8">
              Hearth
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <NotificationBell />
            <Text size="sm" visibleFrom="xs" c="gray.8">
              {session.user.name} · {session.user.role}
            </Text>
            <Button variant="default" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <Stack gap={4} component="nav" aria-label="Main navigation">
          {links.map((link) => (
            <NavLink
              key={link.to}
              component={RouterLink}
              to={link.to}
              end={link.end}
              label={link.label}
              onClick={close}
              active={link.end ? location.pathname === link.to : location.pathname.startsWith(link.to)}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
