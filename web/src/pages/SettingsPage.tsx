import { Alert, Badge, Loader, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { api } from '../api/client';
import type { User } from '../api/types';
import { canManageSettings, useSession } from '../auth/session';
import { ErrorNotice } from '../components/ErrorNotice';
import { ScrollBox } from '../components/ScrollBox';
import { DeskTab, PlaybookTab } from './SettingsDesk';
import { AutomationsTab, KeysTab, WebhooksTab } from './SettingsIntegrations';

function UsersTab() {
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<{ data: User[] }>('GET', '/users') });
  if (users.isPending) return <Loader aria-label="Loading users" />;
  if (users.isError) return <ErrorNotice error={users.error} />;
  return (
    <Stack>
      <Text size="sm">
        Add people with <code>hearth users add --email E --name N --role admin|manager|rep</code> or{' '}
        <code>POST /api/v1/users</code>.
      </Text>
      <ScrollBox label="Users table" minWidth={520}>
        <Table striped aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Added</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data.data.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.name}</Table.Td>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>{u.role}</Table.Td>
                <Table.Td>
                  <Badge color={u.active ? '#166534' : '#374151'} variant="outline">
                    {u.active ? 'active' : 'inactive'}
                  </Badge>
                </Table.Td>
                <Table.Td>{format(new Date(u.createdAt), 'd MMM yyyy')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
    </Stack>
  );
}

/** Admins only: a rep or manager who opens it gets a plain refusal, and nothing is fetched. */
export function SettingsPage() {
  const { session } = useSession();
  if (!canManageSettings(session.user.role)) {
    return (
      <Stack>
        <Title order={2}>Settings</Title>
        <Alert color="red" title="Not allowed" role="alert">
          Only admins can open the settings. Ask an admin if something here needs to change.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="desk">Desk</Tabs.Tab>
          <Tabs.Tab value="playbook">Playbook</Tabs.Tab>
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
          <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
          <Tabs.Tab value="automations">Automations</Tabs.Tab>
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
      </Tabs>
    </Stack>
  );
}
