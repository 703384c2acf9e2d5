import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format, formatDistanceToNow } from 'date-fns';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type {
  Account,
  Lead,
  LeadEvent,
  LeadStatus,
  NextBestAction,
  Page,
  Task,
  Transition,
} from '../api/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { useOwnerName } from '../components/owners';
import { ProfileForm } from '../components/ProfileForm';
import { QualificationChecklist } from '../components/QualificationChecklist';
import { ScoreBreakdown } from '../components/ScoreBreakdown';
import { ScrollBox } from '../components/ScrollBox';
import { TemperatureBadge } from '../components/TemperatureBadge';
import { TouchButtons } from '../components/TouchButtons';
import { percentage } from './LeadsPage';

// Recharts loads with the chart, after the page: it stays out of the bundle every page needs.
const InterestChart = lazy(() => import('../components/InterestChart'));
const LeadPrediction = lazy(() => import('../components/LeadPrediction'));

const when = (iso: string) => format(new Date(iso), 'd MMM yyyy, HH:mm');
const ago = (iso: string) => formatDistanceToNow(new Date(iso), { addSuffix: true });

const OUTCOMES: { status: LeadStatus; label: string }[] = [
  { status: 'customer', label: 'Won' },
  { status: 'lost', label: 'Lost' },
  { status: 'disqualified', label: 'Disqualified' },
  { status: 'open', label: 'Re-open' },
];

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label={title}>
      <Title order={3} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function Profile({ lead }: { lead: Lead }) {
  const ownerName = useOwnerName();
  const [editing, setEditing] = useState(false);
  const fields: [string, string | null][] = [
    ['Email', lead.email],
    ['Phone', lead.phone],
    ['Company', lead.company],
    ['Job title', lead.jobTitle],
    ['Industry', lead.industry],
    ['Company size', lead.companySize === null ? null : `${lead.companySize} employees`],
    ['Country', lead.country],
    ['Source', lead.source],
    ['Owner', ownerName(lead.ownerId)],
    ['Status', lead.status],
    ['Marketing', lead.optedOut ? 'opted out' : 'allowed'],
    ['Created', when(lead.createdAt)],
  ];
  return (
    <Section title="Profile">
      {editing ? (
        <ProfileForm lead={lead} onDone={() => setEditing(false)} />
      ) : (
        <>
          <Table variant="vertical" withRowBorders={false}>
            <Table.Tbody>
              {fields.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={140}>{label}</Table.Th>
                  <Table.Td>{value ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button mt="sm" size="xs" variant="default" onClick={() => setEditing(true)}>
            Edit profile
          </Button>
        </>
      )}
    </Section>
  );
}

function Outcomes({ lead }: { lead: Lead }) {
  const client = useQueryClient();
  const record = useMutation({
    mutationFn: (status: LeadStatus) => api('POST', `/leads/${lead.id}/outcome`, { status }),
    onSuccess: () => client.invalidateQueries(),
  });
  return (
    <Section title="Outcome">
      <Group gap="xs">
        {OUTCOMES.filter(
          (o) => o.status !== lead.status && (o.status !== 'open' || lead.status !== 'open'),
        ).map((o) => (
          <Button
            key={o.status}
            variant="default"
            size="xs"
            onClick={() => record.mutate(o.status)}
            loading={record.isPending && record.variables === o.status}
          >
            {o.label}
          </Button>
        ))}
      </Group>
      {record.isError && <ErrorNotice error={record.error} />}
    </Section>
  );
}

/** The lead's company: its rolled-up interest and the other leads there, each linked. */
function Company({ lead }: { lead: Lead }) {
  const account = useQuery({
    queryKey: ['lead', lead.id, 'account'],
    queryFn: () => api<{ account: Account | null }>('GET', `/leads/${lead.id}/account`),
  });
  return (
    <Section title="Company">
      {account.isPending ? (
        <Loader size="sm" aria-label="Loading the company" />
      ) : account.isError ? (
        <ErrorNotice error={account.error} />
      ) : account.data.account === null ? (
        <Text size="sm">
          No company: a personal email address and no company name. Add the company in the profile to group
          this lead with its colleagues.
        </Text>
      ) : (
        <CompanyLeads account={account.data.account} leadId={lead.id} />
      )}
    </Section>
  );
}

function CompanyLeads({ account, leadId }: { account: Account; leadId: string }) {
  const others = account.leads.filter((l) => l.id !== leadId);
  return (
    <Stack gap="xs">
      <Group gap="sm" wrap="wrap">
        <Text fw={600}>{account.name}</Text>
        {account.domain && (
          <Text size="sm" c="gray.8">
            {account.domain}
          </Text>
        )}
      </Group>
      <Text size="sm">
        Account interest <strong>{Math.round(account.interest)}</strong> over {account.leadCount}{' '}
        {account.leadCount === 1 ? 'lead' : 'leads'}; hottest{' '}
        <TemperatureBadge temperature={account.hottestTemperature} />
      </Text>
      {others.length === 0 ? (
        <Text size="sm">No other leads at this company that you can see.</Text>
      ) : (
        <List spacing="xs" aria-label="Other leads at this company">
          {others.map((o) => (
            <List.Item key={o.id}>
              <Group gap="xs" wrap="wrap">
                <Anchor component={Link} to={`/leads/${o.id}`} size="sm">
                  {o.name ?? o.email ?? 'Unnamed lead'}
                </Anchor>
                <TemperatureBadge temperature={o.temperature} />
                <Text size="sm" c="gray.8">
                  interest {Math.round(o.interest)}
                  {o.jobTitle ? ` · ${o.jobTitle}` : ''}
                </Text>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** One lead: profile, scores, what to do next, and its history. */
export function LeadPage() {
  const { id = '' } = useParams();
  const lead = useQuery({ queryKey: ['lead', id], queryFn: () => api<Lead>('GET', `/leads/${id}`) });
  const actions = useQuery({
    queryKey: ['lead', id, 'next-actions'],
    queryFn: () => api<{ data: NextBestAction[] }>('GET', `/leads/${id}/next-actions`),
  });
  const transitions = useQuery({
    queryKey: ['lead', id, 'transitions'],
    queryFn: () => api<{ data: Transition[] }>('GET', `/leads/${id}/transitions`),
  });
  const events = useQuery({
    queryKey: ['lead', id, 'events'],
    queryFn: () => api<Page<LeadEvent>>('GET', `/leads/${id}/events?limit=50`),
  });
  const tasks = useQuery({
    queryKey: ['lead', id, 'tasks'],
    queryFn: () => api<Page<Task>>('GET', `/tasks?lead=${id}&state=open`),
  });

  if (lead.isPending) return <Loader aria-label="Loading the lead" />;
  if (lead.isError) return <ErrorNotice error={lead.error} />;
  const l = lead.data;
  const label = l.name ?? l.email ?? 'Unnamed lead';
  return (
    <Stack>
      <Anchor component={Link} to="/leads" size="sm">
        ← All leads
      </Anchor>
      <Group gap="sm" wrap="wrap">
        <Title order={2}>{label}</Title>
        <TemperatureBadge temperature={l.temperature} />
        <Badge variant="outline" color="gray.8">
          {l.status}
        </Badge>
      </Group>
      <Group gap="lg" wrap="wrap">
        <Text>
          Fit <strong>{Math.round(l.fit)}</strong>
        </Text>
        <Text>
          Interest <strong>{Math.round(l.interest)}</strong>
        </Text>
        <Text>
          Probability <strong>{percentage(l.probability)}</strong>
        </Text>
        <Text c="gray.8" size="sm">
          Model v{l.modelVersion} · last activity {l.lastActivityAt ? ago(l.lastActivityAt) : 'none'}
        </Text>
      </Group>
      <TouchButtons leadId={l.id} label={label} />
      <Suspense fallback={<Loader size="sm" aria-label="Loading interest over time" />}>
        <InterestChart leadId={l.id} />
      </Suspense>
      <Suspense fallback={<Loader size="sm" aria-label="Loading the conversion probability" />}>
        <LeadPrediction leadId={l.id} open={l.status === 'open'} />
      </Suspense>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section title="Next best actions">
          {actions.isPending ? (
            <Loader size="sm" aria-label="Loading next best actions" />
          ) : actions.isError ? (
            <ErrorNotice error={actions.error} />
          ) : actions.data.data.length === 0 ? (
            <Text size="sm">Nothing to do for this lead right now.</Text>
          ) : (
            <List spacing="xs">
              {actions.data.data.map((a) => (
                <List.Item key={a.id}>
                  <Text fw={600} size="sm">
                    {a.title}
                  </Text>
                  <Text size="sm" c="gray.8">
                    {a.reason}
                  </Text>
                </List.Item>
              ))}
            </List>
          )}
        </Section>
        <Section title="Open tasks">
          {tasks.isPending ? (
            <Loader size="sm" aria-label="Loading tasks" />
          ) : tasks.isError ? (
            <ErrorNotice error={tasks.error} />
          ) : tasks.data.data.length === 0 ? (
            <Text size="sm">No open tasks.</Text>
          ) : (
            <List spacing="xs">
              {tasks.data.data.map((t) => (
                <List.Item key={t.id}>
                  {t.title}
                  {t.dueAt ? ` — due ${ago(t.dueAt)}` : ''}
                </List.Item>
              ))}
            </List>
          )}
        </Section>
        <Section title="Qualification">
          <QualificationChecklist leadId={l.id} />
        </Section>
        <Profile lead={l} />
        <Company lead={l} />
        <Stack>
          <Outcomes lead={l} />
          <Section title="Temperature changes">
            {transitions.isPending ? (
              <Loader size="sm" aria-label="Loading temperature changes" />
            ) : transitions.isError ? (
              <ErrorNotice error={transitions.error} />
            ) : transitions.data.data.length === 0 ? (
              <Text size="sm">No change yet.</Text>
            ) : (
              <List spacing="xs">
                {[...transitions.data.data].reverse().map((t) => (
                  <List.Item key={t.id}>
                    <Text size="sm">
                      {t.from} → {t.to} ({t.cause.kind.replaceAll('_', ' ')}) · {when(t.at)}
                    </Text>
                  </List.Item>
                ))}
              </List>
            )}
          </Section>
        </Stack>
      </SimpleGrid>
      <Section title="Why these scores">
        <ScoreBreakdown leadId={l.id} />
      </Section>
      <Section title="Activity">
        {events.isPending ? (
          <Loader size="sm" aria-label="Loading activity" />
        ) : events.isError ? (
          <ErrorNotice error={events.error} />
        ) : events.data.data.length === 0 ? (
          <Text size="sm">No activity yet.</Text>
        ) : (
          <ScrollBox label="Activity table" minWidth={480}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Activity</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.data.data.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{when(e.occurredAt)}</Table.Td>
                    <Table.Td>{e.type.replaceAll('_', ' ')}</Table.Td>
                    <Table.Td>
                      {Object.entries(e.properties)
                        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                        .join(', ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollBox>
        )}
      </Section>
    </Stack>
  );
}
