import { Alert, Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { canManageSettings, useSession } from '../auth/session';
import { IntegrationsTab } from './integrations/IntegrationsTab';
import { DeskTab, PlaybookTab } from './SettingsDesk';
import { AutomationsTab, KeysTab, WebhooksTab } from './SettingsIntegrations';
import { NotificationsTab } from './SettingsNotifications';
import { UsersTab } from './SettingsUsers';

/**
 * Admins: every tab. Others: their own notification settings, and a plain refusal of the rest
 * (nothing of the team's settings is fetched).
 */
export function SettingsPage() {
  const { session } = useSession();
  const [search] = useSearchParams();
  if (!canManageSettings(session.user.role)) {
    return (
      <Stack>
        <Title order={2}>Settings</Title>
        <NotificationsTab />
        <Alert color="red" title="Not allowed" role="alert">
          Only admins can open the other settings. Ask an admin if something there needs to change.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs defaultValue={search.get('tab') ?? 'users'} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="desk">Desk</Tabs.Tab>
          <Tabs.Tab value="playbook">Playbook</Tabs.Tab>
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
          <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
          <Tabs.Tab value="automations">Automations</Tabs.Tab>
          <Tabs.Tab value="notifications">Notifications</Tabs.Tab>
          <Tabs.Tab value="integrations">Integrations</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <UsersTab />
        </Tabs.Panel>
        <Tabs.Panel value="desk" pt="md">
          <DeskTab />
        </Tabs.Panel>
        <Tabs.Panel value="playbook" pt="md">
          <PlaybookTab />
        </Tabs.Panel>
        <Tabs.Panel value="keys" pt="md">
          <KeysTab />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhooksTab />
        </Tabs.Panel>
        <Tabs.Panel value="automations" pt="md">
          <AutomationsTab />
        </Tabs.Panel>
        <Tabs.Panel value="notifications" pt="md">
          <NotificationsTab />
        </Tabs.Panel>
        <Tabs.Panel value="integrations" pt="md">
          <IntegrationsTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
