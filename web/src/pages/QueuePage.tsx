import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Kbd,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { formatDistanceToNow } from 'date-fns';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import { QUEUE_SECTIONS, type QueueCard, type QueueLead, type QueueSection, type Task } from '../api/types';
import { canListUsers, useSession } from '../auth/session';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import { LeadStateBadge } from '../components/LeadStateBadge';
import { useOwnerName } from '../components/owners';
import { SlaCountdown } from '../components/SlaCountdown';
import { TouchButtons } from '../components/TouchButtons';
import { CompleteTaskDialog } from '../components/tasks/CompleteTaskDialog';
import { TaskForm } from '../components/tasks/TaskForm';
import { TaskRow } from '../components/tasks/TaskRow';
import { localTimeIn, useQueue } from '../components/tasks/taskQueries';
import { useUsers } from '../components/tasks/useUsers';
import { useNow } from '../components/useNow';

const leadLabel = (lead: QueueLead) => lead.name ?? lead.email ?? 'Unnamed lead';

const SECTIONS: Record<QueueSection, { title: string; empty: string }> = {
  now: { title: 'Now', empty: 'No speed-to-lead clock is running.' },
  overdue: { title: 'Overdue', empty: 'Nothing overdue.' },
  due_today: { title: 'Due today', empty: 'Nothing else due today.' },
  later: { title: 'Later', empty: 'Nothing scheduled later.' },
};

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
  const users = useUsers();
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

function QueueCardView({
  card,
  receivedAt,
  onDone,
  onAdd,
}: {
  card: QueueCard;
  receivedAt: number;
  onDone: (task: Task, label: string) => void;
  onAdd: (lead: QueueLead) => void;
}) {
  const ownerName = useOwnerName();
  const { session } = useSession();
  const now = useNow(30_000);
  const { lead } = card;
  const label = leadLabel(lead);
  const clockRuns = card.section === 'now' && card.sla !== null;
  return (
    <Card
      withBorder
      padding="md"
      radius="md"
      component="li"
      aria-label={label}
      data-lead-id={lead.id}
      data-queue-card
      tabIndex={0}
      style={clockRuns ? { borderLeft: '6px solid var(--mantine-color-ember-8)' } : undefined}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
          <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs" wrap="wrap">
              <Anchor component={Link} to={`/leads/${lead.id}`} fw={700} size="lg">
                {label}
              </Anchor>
              <LeadStateBadge status={lead.status} temperature={lead.temperature} showWas />
            </Group>
            <Text size="sm" c="gray.8">
              {[lead.company, lead.email].filter(Boolean).join(' · ')} · fit {Math.round(lead.fit)} · interest{' '}
              {Math.round(lead.interest)} · {ownerName(lead.ownerId)}
            </Text>
            {card.hotSince && (
              <Text size="sm">Hot {formatDistanceToNow(new Date(card.hotSince), { addSuffix: true })}</Text>
            )}
          </Stack>
          {/* A closed lead's clock is history; its card is here for a task, not for speed to lead. */}
          {card.sla && lead.status === 'open' && (
            <SlaCountdown sla={card.sla} receivedAt={receivedAt} prominent={clockRuns} />
          )}
        </Group>
        {card.tasks.length > 0 && (
          <Stack
            gap="xs"
            component="ul"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
            aria-label={`Open tasks of ${label}`}
          >
            {card.tasks.map((t) => (
              <li key={t.id}>
                <TaskRow task={t} now={now} onDone={(task) => onDone(task, label)} />
              </li>
            ))}
          </Stack>
        )}
        <Group gap="xs" justify="space-between">
          <Group gap="xs">
            <TouchButtons leadId={lead.id} label={label} />
            <Button
              size="xs"
              variant="light"
              onClick={() => onAdd(lead)}
              aria-label={`Add task for ${label}`}
            >
              Add task
            </Button>
          </Group>
          <Group gap="xs">
            {canListUsers(session.user.role) && <ReassignSelect lead={lead} />}
            <ClaimButton lead={lead} />
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * j / k or the arrows move between cards, Enter opens the focused lead, l logs a call, d completes
 * its first task. Keys typed into a field, with a modifier, or while a dialog or menu is open are
 * left alone.
 */
function useQueueKeys(list: React.RefObject<HTMLElement | null>) {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (document.querySelector('[role="dialog"], [role="menu"]')) return;
      const cards = [...(list.current?.querySelectorAll<HTMLElement>('[data-queue-card]') ?? [])];
      if (cards.length === 0) return;
      const active = document.activeElement;
      const index = cards.findIndex((c) => c === active || c.contains(active));
      const card = cards[index];
      const move = (to: number) => {
        e.preventDefault();
        const target = cards[Math.max(0, Math.min(cards.length - 1, to))];
        target?.focus();
        target?.scrollIntoView({ block: 'nearest' });
      };
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          move(index + 1);
          break;
        case 'k':
        case 'ArrowUp':
          move(index < 0 ? 0 : index - 1);
          break;
        case 'Enter':
          if (card && card === active) void navigate(`/leads/${card.dataset.leadId}`);
          break;
        case 'l':
          card?.querySelector<HTMLElement>('[data-action="log"]')?.click();
          break;
        case 'd':
          card?.querySelector<HTMLElement>('[data-action="done"]')?.click();
          break;
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [list, navigate]);
}

function KeyLegend() {
  return (
    <Text size="xs" c="gray.8" aria-label="Keyboard shortcuts" visibleFrom="sm">
      <Kbd>j</Kbd> / <Kbd>k</Kbd> or <Kbd>↓</Kbd> / <Kbd>↑</Kbd> move · <Kbd>Enter</Kbd> open · <Kbd>l</Kbd>{' '}
      log a call · <Kbd>d</Kbd> done (first task)
    </Text>
  );
}

/** The rep's home: the triage list, one card per lead; the running speed-to-lead clocks first. */
export function QueuePage() {
  const queue = useQueue();
  const [laterOpen, setLaterOpen] = useState(false);
  const [completing, setCompleting] = useState<{ task: Task; label: string } | null>(null);
  const [adding, setAdding] = useState<QueueLead | null>(null);
  const list = useRef<HTMLDivElement>(null);
  useQueueKeys(list);

  if (queue.isPending) return <Loader aria-label="Loading the queue" />;
  if (queue.isError) return <ErrorNotice error={queue.error} />;
  const { counts, data } = queue.data;
  const total = QUEUE_SECTIONS.reduce((sum, s) => sum + counts[s], 0);
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2}>Hot queue</Title>
        {total > 0 && <KeyLegend />}
      </Group>
      {total === 0 ? (
        <EmptyState title="Nobody is waiting">
          <Text size="sm">
            Hot leads and open tasks appear here: first the leads whose speed-to-lead clock runs, then what is
            overdue, due today and later.
          </Text>
        </EmptyState>
      ) : (
        <Stack ref={list} gap="lg">
          {QUEUE_SECTIONS.map((section) => {
            const cards = data.filter((c) => c.section === section);
            const collapsed = section === 'later' && !laterOpen;
            const count = (
              <Badge
                variant={section === 'now' && counts.now > 0 ? 'filled' : 'outline'}
                color={section === 'now' ? 'ember.8' : 'gray.8'}
                aria-label={`${counts[section]} leads`}
              >
                {counts[section]}
              </Badge>
            );
            // Later is a disclosure: the button sits inside the heading so both keep their roles.
            const heading =
              section === 'later' ? (
                <Title order={3} size="h4" id="queue-later">
                  <UnstyledButton
                    onClick={() => setLaterOpen((o) => !o)}
                    aria-expanded={!collapsed}
                    aria-controls="queue-later-list"
                    style={{ font: 'inherit' }}
                  >
                    <Group gap="xs" component="span">
                      {SECTIONS.later.title}
                      {count}
                      <Text span size="sm" fw={400} c="gray.8">
                        <span aria-hidden>{collapsed ? '▸ ' : '▾ '}</span>
                        {collapsed ? 'Show' : 'Hide'}
                      </Text>
                    </Group>
                  </UnstyledButton>
                </Title>
              ) : (
                <Group gap="xs">
                  <Title order={3} size="h4" id={`queue-${section}`}>
                    {SECTIONS[section].title}
                  </Title>
                  {count}
                </Group>
              );
            const body =
              cards.length === 0 ? (
                <Text size="sm" c="gray.8">
                  {SECTIONS[section].empty}
                </Text>
              ) : (
                <Stack
                  component="ul"
                  gap="sm"
                  p={0}
                  m={0}
                  style={{ listStyle: 'none' }}
                  aria-label={SECTIONS[section].title}
                >
                  {cards.map((card) => (
                    <QueueCardView
                      key={card.lead.id}
                      card={card}
                      receivedAt={queue.dataUpdatedAt}
                      onDone={(task, label) => setCompleting({ task, label })}
                      onAdd={setAdding}
                    />
                  ))}
                </Stack>
              );
            return (
              <Stack key={section} gap="xs" component="section" aria-labelledby={`queue-${section}`}>
                {heading}
                {section === 'later' ? (
                  // Always in the page so aria-controls has a target; its cards only while open, so
                  // j / k never land on a hidden card.
                  <div id="queue-later-list" hidden={collapsed}>
                    {collapsed ? null : body}
                  </div>
                ) : (
                  body
                )}
                {!collapsed && counts[section] > cards.length && (
                  <Text size="xs" c="gray.8">
                    Showing {cards.length} of {counts[section]}.
                  </Text>
                )}
              </Stack>
            );
          })}
          {queue.data.truncated && (
            <Text size="xs" c="gray.8">
              More open work exists than one read of the queue covers; the counts are at least these.
            </Text>
          )}
        </Stack>
      )}
      {completing && (
        <CompleteTaskDialog
          key={completing.task.id}
          task={completing.task}
          leadLabel={completing.label}
          opened
          onClose={() => setCompleting(null)}
        />
      )}
      <Modal
        opened={adding !== null}
        onClose={() => setAdding(null)}
        title={adding ? `New task for ${leadLabel(adding)}` : ''}
        size="lg"
      >
        {adding && (
          <TaskForm
            leadId={adding.id}
            initial={{ kind: 'call', title: '', dueAt: localTimeIn(1, 9) }}
            submitLabel="Add task"
            cancelLabel="Cancel"
            onDone={() => setAdding(null)}
            onCancel={() => setAdding(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}
