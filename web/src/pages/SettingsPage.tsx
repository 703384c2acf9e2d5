import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { DeskSettings, User } from '../api/types';
import { canManageSettings, useSession } from '../auth/session';
import { ErrorNotice } from '../components/ErrorNotice';
import { ScrollBox } from '../components/ScrollBox';
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

function DeskForm({ settings }: { settings: DeskSettings }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(settings);
  const save = useMutation({
    mutationFn: (next: DeskSettings) =>
      api<DeskSettings>('PUT', '/settings/desk', {
        speedToLead: {
          enabled: next.speedToLead.enabled,
          slaMinutes: next.speedToLead.slaMinutes,
          taskTitle: next.speedToLead.taskTitle,
        },
        escalation: next.escalation,
        routing: { mode: next.routing.mode, keepExistingOwner: next.routing.keepExistingOwner },
        lostFollowUp: next.lostFollowUp,
      }),
    onSuccess: (saved) => {
      client.setQueryData(['settings', 'desk'], saved);
      setDraft(saved);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };
  const patch = <K extends keyof DeskSettings>(key: K, value: Partial<DeskSettings[K]>) =>
    setDraft((d) => ({ ...d, [key]: { ...d[key], ...value } }));
  return (
    <form onSubmit={submit}>
      <Stack maw={560}>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Speed to lead
          </Title>
          <Stack gap="sm">
            <Switch
              label="Start an SLA timer and a task when a lead turns hot"
              checked={draft.speedToLead.enabled}
              onChange={(e) => patch('speedToLead', { enabled: e.currentTarget.checked })}
            />
            <NumberInput
              label="Time to first touch (minutes)"
              min={1}
              value={draft.speedToLead.slaMinutes}
              onChange={(v) => patch('speedToLead', { slaMinutes: Number(v) })}
            />
            <TextInput
              label="Task title"
              value={draft.speedToLead.taskTitle}
              onChange={(e) => patch('speedToLead', { taskTitle: e.currentTarget.value })}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            When the SLA is breached
          </Title>
          <Stack gap="sm">
            <Switch
              label="Notify managers"
              checked={draft.escalation.notifyManagers}
              onChange={(e) => patch('escalation', { notifyManagers: e.currentTarget.checked })}
            />
            <Switch
              label="Reassign the lead"
              checked={draft.escalation.reassign}
              onChange={(e) => patch('escalation', { reassign: e.currentTarget.checked })}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Routing
          </Title>
          <Stack gap="sm">
            <Select
              label="Assign new hot leads"
              data={[
                { value: 'round_robin', label: 'Round robin among reps' },
                { value: 'fixed', label: 'To one fixed owner' },
                { value: 'none', label: 'Do not assign' },
              ]}
              value={draft.routing.mode}
              onChange={(v) => v && patch('routing', { mode: v as DeskSettings['routing']['mode'] })}
              allowDeselect={false}
            />
            <Switch
              label="Keep an existing owner"
              checked={draft.routing.keepExistingOwner}
              onChange={(e) => patch('routing', { keepExistingOwner: e.currentTarget.checked })}
            />
          </Stack>
        </Card>
        <Card withBorder component="fieldset">
          <Title order={3} size="h5" component="legend">
            Follow-up of leads lost after being hot
          </Title>
          <Stack gap="sm">
            <Switch
              label="Create a follow-up task"
              checked={draft.lostFollowUp.enabled}
              onChange={(e) => patch('lostFollowUp', { enabled: e.currentTarget.checked })}
            />
            <NumberInput
              label="After (days)"
              min={1}
              value={draft.lostFollowUp.delayDays}
              onChange={(v) => patch('lostFollowUp', { delayDays: Number(v) })}
            />
          </Stack>
        </Card>
        {save.isError && <ErrorNotice error={save.error} />}
        {save.isSuccess && (
          <Alert color="green" role="status">
            Saved.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save desk settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeskTab() {
  const settings = useQuery({
    queryKey: ['settings', 'desk'],
    queryFn: () => api<DeskSettings>('GET', '/settings/desk'),
  });
  if (settings.isPending) return <Loader aria-label="Loading desk settings" />;
  if (settings.isError) return <ErrorNotice error={settings.error} />;
  return <DeskForm settings={settings.data} />;
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
