import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  List,
  Loader,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { type FormEvent, useState } from 'react';
import { ApiError, api, type FieldProblem, query } from '../api/client';
import type { Page } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { OlderButton } from '../components/OlderButton';
import { ScrollBox } from '../components/ScrollBox';
import { SecretOnce } from '../components/SecretOnce';

const when = (iso: string | null | undefined) => (iso ? format(new Date(iso), 'd MMM yyyy HH:mm') : '—');
const DELIVERIES_PAGE = 50;
const RUNS_PAGE = 20;

// ---------------------------------------------------------------- API keys

type Role = 'admin' | 'manager' | 'rep' | 'ingest';
interface ApiKey {
  id: string;
  name: string;
  role: Role;
  userId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function KeysTab() {
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api<{ data: ApiKey[] }>('GET', '/keys') });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('ingest');
  const [userEmail, setUserEmail] = useState('');
  const [expires, setExpires] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api<{ key: string; apiKey: ApiKey }>('POST', '/keys', {
        name,
        role,
        ...(userEmail ? { userEmail } : {}),
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      }),
    onSuccess: (created) => {
      setSecret(created.key);
      setName('');
      setUserEmail('');
      setExpires('');
      void client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/keys/${id}`),
    onSettled: () => client.invalidateQueries({ queryKey: ['keys'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Stack>
      {secret && <SecretOnce title="The new API key" secret={secret} onDone={() => setSecret(null)} />}
      <form onSubmit={submit}>
        <Card withBorder component="fieldset" maw={560}>
          <Title order={3} size="h5" component="legend">
            New API key
          </Title>
          <Stack gap="sm">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Select
              label="Role"
              data={[
                { value: 'ingest', label: 'Ingest (send events and leads)' },
                { value: 'rep', label: 'Rep (acts for one user)' },
                { value: 'manager', label: 'Manager' },
                { value: 'admin', label: 'Admin' },
              ]}
              value={role}
              onChange={(v) => v && setRole(v as Role)}
              allowDeselect={false}
            />
            <TextInput
              label="User email (required for rep keys)"
              type="email"
              value={userEmail}
              onChange={(e) => setUserEmail(e.currentTarget.value)}
            />
            <TextInput
              label="Expires on (optional)"
              type="date"
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
            />
            {create.isError && <ErrorNotice error={create.error} />}
            <Group>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </Card>
      </form>
      {keys.isPending && <Loader aria-label="Loading API keys" />}
      {keys.isError && <ErrorNotice error={keys.error} />}
      {revoke.isError && <ErrorNotice error={revoke.error} />}
      {keys.data && (
        <ScrollBox label="API keys table" minWidth={720}>
          <Table striped aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key starts</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.data.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{k.role}</Table.Td>
                  <Table.Td>{when(k.createdAt)}</Table.Td>
                  <Table.Td>{when(k.lastUsedAt)}</Table.Td>
                  <Table.Td>{when(k.expiresAt)}</Table.Td>
                  <Table.Td>
                    {k.revokedAt ? (
                      <Text size="sm">revoked {when(k.revokedAt)}</Text>
                    ) : (
                      <ConfirmButton
                        label="Revoke"
                        question={`Revoke ${k.name}?`}
                        loading={revoke.isPending && revoke.variables === k.id}
                        onConfirm={() => revoke.mutate(k.id)}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollBox>
      )}
    </Stack>
  );
}

// ---------------------------------------------------------------- webhooks

const EVENTS = [
  'lead.created',
  'lead.temperature_changed',
  'lead.status_changed',
  'task.created',
  'task.overdue',
  'sla.breached',
  'automation.notify',
] as const;
type EventType = (typeof EVENTS)[number];
interface Webhook {
  id: string;
  url: string;
  events: EventType[];
  description: string | null;
  active: boolean;
  createdAt: string;
}
interface Delivery {
  id: number;
  event: EventType;
  state: 'pending' | 'delivered' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attempts: { attemptedAt: string; statusCode: number | null; error: string | null; durationMs: number }[];
}

// A pending delivery that has failed once can be sent now; one never tried goes out on its own.
const retriable = (d: Delivery) => d.state === 'failed' || (d.state === 'pending' && d.attemptCount > 0);

function Deliveries({ webhook }: { webhook: Webhook }) {
  const client = useQueryClient();
  const key = ['webhooks', webhook.id, 'deliveries'];
  const deliveries = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) =>
      api<Page<Delivery>>(
        'GET',
        `/webhooks/${webhook.id}/deliveries${query({ limit: DELIVERIES_PAGE, cursor: pageParam })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // While something is on its way, the log follows it.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.data.some((d) => d.state === 'pending')) ? 2000 : false,
  });
  const retry = useMutation({
    mutationFn: (id: number) => api<Delivery>('POST', `/webhooks/${webhook.id}/deliveries/${id}/retry`),
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
  if (deliveries.isPending) return <Loader size="sm" aria-label="Loading deliveries" />;
  if (deliveries.isError) return <ErrorNotice error={deliveries.error} />;
  const rows = deliveries.data.pages.flatMap((p) => p.data);
  if (rows.length === 0) return <Text size="sm">No deliveries yet.</Text>;
  return (
    <Stack gap="xs">
      {retry.isError && <ErrorNotice error={retry.error} />}
      <ScrollBox label={`Deliveries to ${webhook.url}`} minWidth={640}>
        <Table aria-label={`Deliveries to ${webhook.url}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Attempts</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Delivered / next try</Table.Th>
              <Table.Th>Retry</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{d.event}</Table.Td>
                <Table.Td>{d.state}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {d.attemptCount} {d.attemptCount === 1 ? 'attempt' : 'attempts'}
                  </Text>
                  <List size="sm">
                    {d.attempts.map((a) => (
                      <List.Item key={a.attemptedAt}>
                        {when(a.attemptedAt)}: {a.statusCode ?? 'no answer'}
                        {a.error ? ` (${a.error})` : ''}, {a.durationMs} ms
                      </List.Item>
                    ))}
                  </List>
                  {d.attempts.length === 0 && <Text size="sm">none yet</Text>}
                </Table.Td>
                <Table.Td>{when(d.createdAt)}</Table.Td>
                <Table.Td>{d.deliveredAt ? when(d.deliveredAt) : when(d.nextAttemptAt)}</Table.Td>
                <Table.Td>
                  {retriable(d) && (
                    <Button
                      size="xs"
                      variant="default"
                      loading={retry.isPending && retry.variables === d.id}
                      onClick={() => retry.mutate(d.id)}
                      aria-label={`${d.state === 'failed' ? 'Retry' : 'Retry now'}, delivery ${d.id}`}
                    >
                      {d.state === 'failed' ? 'Retry' : 'Retry now'}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
      <OlderButton label="Show older deliveries" {...deliveries} />
    </Stack>
  );
}

function WebhookCard({ webhook }: { webhook: Webhook }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/webhooks/${webhook.id}`),
    onSettled: () => client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  return (
    <Card withBorder component="li" aria-label={webhook.url}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600} style={{ wordBreak: 'break-all' }}>
            {webhook.url}
          </Text>
          <Badge color={webhook.active ? '#166534' : '#374151'} variant="outline">
            {webhook.active ? 'active' : 'deleted'}
          </Badge>
        </Group>
        {webhook.description && <Text size="sm">{webhook.description}</Text>}
        <Text size="sm">Events: {webhook.events.join(', ')}</Text>
        <Text size="sm">Added {when(webhook.createdAt)}</Text>
        {remove.isError && <ErrorNotice error={remove.error} />}
        <Group>
          <Button size="xs" variant="default" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide deliveries' : 'Show deliveries'}
          </Button>
          {webhook.active && (
            <ConfirmButton
              label="Delete"
              question={`Delete the webhook to ${webhook.url}?`}
              loading={remove.isPending}
              onConfirm={() => remove.mutate()}
            />
          )}
        </Group>
        {open && <Deliveries webhook={webhook} />}
      </Stack>
    </Card>
  );
}

export function WebhooksTab() {
  const client = useQueryClient();
  const hooks = useQuery({
    queryKey: ['webhooks'],
    queryFn: () => api<{ data: Webhook[] }>('GET', '/webhooks'),
  });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['lead.temperature_changed']);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api<{ secret: string; webhook: Webhook }>('POST', '/webhooks', {
        url,
        events,
        ...(description ? { description } : {}),
      }),
    onSuccess: (created) => {
      setSecret(created.secret);
      setUrl('');
      setDescription('');
      void client.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Stack>
      {secret && (
        <SecretOnce title="The webhook's signing secret" secret={secret} onDone={() => setSecret(null)} />
      )}
      <form onSubmit={submit}>
        <Card withBorder component="fieldset" maw={560}>
          <Title order={3} size="h5" component="legend">
            New webhook
          </Title>
          <Stack gap="sm">
            <TextInput
              label="URL"
              type="url"
              required
              placeholder="https://example.com/hearth"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
            />
            <TextInput
              label="Description (optional)"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <Checkbox.Group label="Events" value={events} onChange={setEvents}>
              <Stack gap={6} mt={4}>
                {EVENTS.map((e) => (
                  <Checkbox key={e} value={e} label={e} />
                ))}
              </Stack>
            </Checkbox.Group>
            {create.isError && <ErrorNotice error={create.error} />}
            <Group>
              <Button type="submit" loading={create.isPending} disabled={events.length === 0}>
                Create webhook
              </Button>
            </Group>
          </Stack>
        </Card>
      </form>
      {hooks.isPending && <Loader aria-label="Loading webhooks" />}
      {hooks.isError && <ErrorNotice error={hooks.error} />}
      {hooks.data && hooks.data.data.length === 0 && <Text size="sm">No webhooks yet.</Text>}
      {hooks.data && hooks.data.data.length > 0 && (
        <Stack component="ul" aria-label="Webhooks" gap="sm" p={0} style={{ listStyle: 'none' }}>
          {hooks.data.data.map((w) => (
            <WebhookCard key={w.id} webhook={w} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

// ---------------------------------------------------------------- automations

interface Automation {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  trigger: Record<string, unknown>;
  where: Record<string, unknown> | null;
  actions: Record<string, unknown>[];
  updatedAt: string;
}
interface AutomationRun {
  id: number;
  signalType: string;
  leadId: string | null;
  at: string;
  outcome: 'done' | 'skipped' | 'failed';
  detail: Record<string, unknown>;
}

const EXAMPLE = `{
  "name": "Call new hot leads within the hour",
  "trigger": { "on": "temperature_changed", "to": "hot" },
  "where": { "optedOut": { "equals": false } },
  "actions": [
    { "type": "create_task", "kind": "call", "title": "Call now", "dueInMinutes": 60, "owner": "lead_owner" }
  ]
}`;

/** The editable part of a rule, as the PUT and POST take it. */
function documentOf(a: Automation): string {
  const doc: Record<string, unknown> = { name: a.name, enabled: a.enabled, trigger: a.trigger };
  if (a.where) doc.where = a.where;
  doc.actions = a.actions;
  return JSON.stringify(doc, null, 2);
}

function AutomationEditor({ editing, onDone }: { editing: Automation | null; onDone: () => void }) {
  const client = useQueryClient();
  const [text, setText] = useState(editing ? documentOf(editing) : EXAMPLE);
  const [parseError, setParseError] = useState<string | null>(null);
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const save = useMutation({
    mutationFn: (doc: unknown) =>
      editing
        ? api<Automation>('PUT', `/automations/${editing.id}`, doc)
        : api<Automation>('POST', '/automations', doc),
    onSuccess: () => {
      setProblems([]);
      void client.invalidateQueries({ queryKey: ['automations'] });
      onDone();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.problems.length > 0) setProblems(error.problems);
      else setProblems([]);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      setParseError((error as Error).message);
      return;
    }
    setParseError(null);
    save.mutate(doc);
  };
  const otherError = save.error && !(save.error instanceof ApiError && save.error.problems.length > 0);
  return (
    <form onSubmit={submit}>
      <Card withBorder component="fieldset">
        <Title order={3} size="h5" component="legend">
          {editing ? `Edit ${editing.name}` : 'New automation'}
        </Title>
        <Stack gap="sm">
          <Text size="sm" c="gray.8" id="automation-editor-help">
            A rule as JSON: name, trigger (<Code>on</Code>: temperature_changed, status_changed, sla_breached,
            task_overdue), an optional where condition, and actions.
          </Text>
          <Textarea
            className="model-editor"
            label="Automation (JSON)"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={8}
            maxRows={24}
            spellCheck={false}
            aria-invalid={parseError !== null || problems.length > 0}
            aria-describedby={
              parseError
                ? 'automation-editor-help automation-parse-error'
                : problems.length > 0
                  ? 'automation-editor-help automation-problems'
                  : 'automation-editor-help'
            }
          />
          {parseError && (
            <Text size="sm" c="red.9" role="alert" id="automation-parse-error">
              Not valid JSON: {parseError}
            </Text>
          )}
          {problems.length > 0 && (
            <Alert color="red" title="The automation was not saved" role="alert" id="automation-problems">
              <List size="sm" aria-label="Problems in the automation">
                {problems.map((p) => (
                  <List.Item key={`${p.path}:${p.message}`}>
                    <Code>{p.path || '(document)'}</Code> {p.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {otherError && <ErrorNotice error={save.error} />}
          <Group>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save automation' : 'Create automation'}
            </Button>
            {editing && (
              <Button variant="default" onClick={onDone}>
                Cancel
              </Button>
            )}
          </Group>
        </Stack>
      </Card>
    </form>
  );
}

function Runs({ automation }: { automation: Automation }) {
  const runs = useInfiniteQuery({
    queryKey: ['automations', automation.id, 'runs'],
    queryFn: ({ pageParam }) =>
      api<Page<AutomationRun>>(
        'GET',
        `/automations/${automation.id}/runs${query({ limit: RUNS_PAGE, cursor: pageParam })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  if (runs.isPending) return <Loader size="sm" aria-label="Loading runs" />;
  if (runs.isError) return <ErrorNotice error={runs.error} />;
  const rows = runs.data.pages.flatMap((p) => p.data);
  if (rows.length === 0) return <Text size="sm">It has not run yet.</Text>;
  return (
    <Stack gap="xs">
      <ScrollBox label={`Runs of ${automation.name}`} minWidth={560}>
        <Table aria-label={`Runs of ${automation.name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Signal</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Detail</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{when(r.at)}</Table.Td>
                <Table.Td>{r.signalType}</Table.Td>
                <Table.Td>{r.outcome}</Table.Td>
                <Table.Td>
                  <Code>{JSON.stringify(r.detail)}</Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
      <OlderButton label="Show older runs" {...runs} />
    </Stack>
  );
}

function AutomationCard({ automation, onEdit }: { automation: Automation; onEdit: () => void }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      api<Automation>('PUT', `/automations/${automation.id}`, {
        ...(JSON.parse(documentOf(automation)) as object),
        enabled,
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['automations'] }),
  });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/automations/${automation.id}`),
    onSettled: () => client.invalidateQueries({ queryKey: ['automations'] }),
  });
  return (
    <Card withBorder component="li" aria-label={automation.name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{automation.name}</Text>
          <Switch
            label="Enabled"
            aria-label={`${automation.name} enabled`}
            checked={automation.enabled}
            disabled={toggle.isPending}
            onChange={(e) => toggle.mutate(e.currentTarget.checked)}
          />
        </Group>
        <Text size="sm">
          On <Code>{String(automation.trigger.on)}</Code>, {automation.actions.length} action
          {automation.actions.length === 1 ? '' : 's'}; changed {when(automation.updatedAt)}
        </Text>
        {toggle.isError && <ErrorNotice error={toggle.error} />}
        {remove.isError && <ErrorNotice error={remove.error} />}
        <Group>
          <Button size="xs" variant="default" onClick={onEdit}>
            Edit
          </Button>
          <Button size="xs" variant="default" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide runs' : 'Show runs'}
          </Button>
          <ConfirmButton
            label="Delete"
            question={`Delete ${automation.name}?`}
            loading={remove.isPending}
            onConfirm={() => remove.mutate()}
          />
        </Group>
        {open && <Runs automation={automation} />}
      </Stack>
    </Card>
  );
}

export function AutomationsTab() {
  const rules = useQuery({
    queryKey: ['automations'],
    queryFn: () => api<{ data: Automation[] }>('GET', '/automations'),
  });
  const [editing, setEditing] = useState<Automation | null>(null);
  const [generation, setGeneration] = useState(0);
  const done = () => {
    setEditing(null);
    setGeneration((g) => g + 1);
  };
  return (
    <Stack>
      <AutomationEditor key={editing ? editing.id : `new-${generation}`} editing={editing} onDone={done} />
      {rules.isPending && <Loader aria-label="Loading automations" />}
      {rules.isError && <ErrorNotice error={rules.error} />}
      {rules.data && rules.data.data.length === 0 && <Text size="sm">No automations yet.</Text>}
      {rules.data && rules.data.data.length > 0 && (
        <Stack component="ul" aria-label="Automations" gap="sm" p={0} style={{ listStyle: 'none' }}>
          {rules.data.data.map((a) => (
            <AutomationCard key={a.id} automation={a} onEdit={() => setEditing(a)} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
