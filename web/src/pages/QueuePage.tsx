import { Anchor, Badge, Button, Card, Group, Loader, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatDistanceToNow } from 'date-fns';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { QueueItem, QueueLead, User } from '../api/types';
import { canListUsers, useSession } from '../auth/session';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import { useOwnerName } from '../components/owners';
import { SlaCountdown } from '../components/SlaCountdown';
import { TemperatureBadge } from '../components/TemperatureBadge';
import { TouchButtons } from '../components/TouchButtons';
import { useNow } from '../components/useNow';

const leadLabel = (lead: QueueLead) => lead.name ?? lead.email ?? 'Unnamed lead';

function ClaimButton({ lead }: { lead: QueueLead }) {
  const { session } = useSession();
  const client = useQueryClient();
  const claim = useMutation({
    mutationFn: () => api('PATCH', `/leads/${lead.id}`, { ownerId: session.user.id }),
    onSuccess: () => client.invalidateQueries(),
  });
  if (lead.ownerId === session.user.id) return null;
  return (
    <Button
      size="xs"
      variant="outline"
      onClick={() => claim.mutate()}
      loading={claim.isPending}
      aria-label={`Claim ${leadLabel(lead)}`}
    >
      Claim
    </Button>
  );
}

/** Admins hand a lead to someone else (the user list is theirs to read). */
function ReassignSelect({ lead }: { lead: QueueLead }) {
  const client = useQueryClient();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => api<{ data: User[] }>('GET', '/users'),
    staleTime: 60_000,
  });
  const reassign = useMutation({
    mutationFn: (ownerId: string | null) => api('PATCH', `/leads/${lead.id}`, { ownerId }),
    onSuccess: () => client.invalidateQueries(),
  });
  return (
    <NativeSelect
      size="xs"
      aria-label={`Owner of ${leadLabel(lead)}`}
      value={lead.ownerId ?? ''}
      disabled={reassign.isPending || !users.data}
      onChange={(e) => reassign.mutate(e.currentTarget.value || null)}
      data={[
        { value: '', label: 'Unassigned' },
        ...(users.data?.data ?? [])
          .filter((u) => u.active)
          .map((u) => ({ value: u.id, label: `${u.name} (${u.role})` })),
      ]}
    />
  );
}

function QueueCard({ item, receivedAt }: { item: QueueItem; receivedAt: number }) {
  const ownerName = useOwnerName();
  const { session } = useSession();
  useNow(30_000);
  const lead = item.lead;
  const label = leadLabel(lead);
  return (
    <Card withBorder padding="md" radius="md" component="li" aria-label={label} data-lead-id={lead.id}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Anchor component={Link} to={`/leads/${lead.id}`} fw={600} size="lg">
              {label}
            </Anchor>
            <TemperatureBadge temperature={lead.temperature} />
            {item.kind === 'task' && (
              <Badge color={item.state === 'overdue' ? '#991b1b' : '#1e40af'} variant="outline">
                Task {item.state}
              </Badge>
            )}
          </Group>
          {item.kind === 'lead' && item.sla && <SlaCountdown sla={item.sla} receivedAt={receivedAt} />}
        </Group>
        <Text size="sm" c="gray.8">
          {[lead.company, lead.email].filter(Boolean).join(' · ')} · fit {Math.round(lead.fit)} · interest{' '}
          {Math.round(lead.interest)} · {ownerName(lead.ownerId)}
        </Text>
        <Text size="sm">
          {item.kind === 'task' ? `${item.task.title} — due ` : 'Hot '}
          {formatDistanceToNow(new Date(item.waitingSince), { addSuffix: true })}
        </Text>
        {item.kind === 'lead' && item.tasks.length > 0 && (
          <Text size="sm" c="gray.8">
            Open tasks: {item.tasks.map((t) => t.title).join(', ')}
          </Text>
        )}
        <Group gap="xs" justify="space-between">
          <TouchButtons leadId={lead.id} label={label} />
          <Group gap="xs">
            {canListUsers(session.user.role) && <ReassignSelect lead={lead} />}
            <ClaimButton lead={lead} />
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}

/**
 * The queue as the rep reads it: a due task of a hot lead that is itself in the queue shows on
 * that lead's card (the API lists both), so that one person appears once.
 */
function byPerson(items: QueueItem[]): QueueItem[] {
  const hotLeads = new Set(items.flatMap((i) => (i.kind === 'lead' ? [i.lead.id] : [])));
  return items.filter((i) => i.kind === 'lead' || !hotLeads.has(i.lead.id));
}

/** The rep's home: hot leads and due tasks, longest waiting first, with the speed-to-lead clock. */
export function QueuePage() {
  const queue = useQuery({
    queryKey: ['queue'],
    queryFn: () => api<{ data: QueueItem[] }>('GET', '/queue?limit=100'),
    refetchInterval: 5_000,
  });
  return (
    <Stack>
      <Title order={2}>Hot queue</Title>
      {queue.isPending ? (
        <Loader aria-label="Loading the queue" />
      ) : queue.isError ? (
        <ErrorNotice error={queue.error} />
      ) : byPerson(queue.data.data).length === 0 ? (
        <EmptyState title="Nobody is waiting">
          <Text size="sm">
            Hot leads and tasks that are due appear here, longest waiting first, with the time left to call
            them.
          </Text>
        </EmptyState>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Waiting">
          {byPerson(queue.data.data).map((item) => (
            <QueueCard
              key={item.kind === 'task' ? `task-${item.task.id}` : `lead-${item.lead.id}`}
              item={item}
              receivedAt={queue.dataUpdatedAt}
            />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
