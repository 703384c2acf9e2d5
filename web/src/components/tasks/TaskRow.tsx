import { Badge, Button, Group, NativeSelect, Popover, Stack, Text, TextInput } from '@mantine/core';
import { formatDistanceToNow } from 'date-fns';
import { useState } from 'react';
import type { Task, User } from '../../api/types';
import { canListUsers, useSession } from '../../auth/session';
import { ErrorNotice } from '../ErrorNotice';
import { useOwnerName } from '../owners';
import { quickPicks, toLocalInput, useUpdateTask, words } from './taskQueries';
import { useUsers } from './useUsers';

function dueText(task: Task, now: number): { text: string; overdue: boolean } {
  if (task.dueAt === null) return { text: 'no due time', overdue: false };
  const due = new Date(task.dueAt);
  const overdue = due.getTime() < now;
  return {
    text: `${overdue ? 'overdue, was due' : 'due'} ${formatDistanceToNow(due, { addSuffix: true })}`,
    overdue,
  };
}

/** A new due time: the quick picks, or any time. */
function SnoozeButton({ task, label }: { task: Task; label: string }) {
  const [opened, setOpened] = useState(false);
  const [custom, setCustom] = useState('');
  const update = useUpdateTask();
  const snooze = (at: Date) =>
    update.mutate(
      { taskId: task.id, patch: { dueAt: at.toISOString() } },
      { onSuccess: () => setOpened(false) },
    );
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withinPortal trapFocus>
      <Popover.Target>
        <Button
          size="xs"
          variant="default"
          onClick={() => setOpened((o) => !o)}
          aria-label={`Snooze ${label}`}
        >
          Snooze
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          {quickPicks().map((pick) => (
            <Button
              key={pick.label}
              size="xs"
              variant="default"
              onClick={() => snooze(pick.at)}
              loading={update.isPending}
            >
              {pick.label}
            </Button>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (custom) snooze(new Date(custom));
            }}
          >
            <Group gap="xs" align="flex-end">
              <TextInput
                size="xs"
                type="datetime-local"
                label="Another time"
                value={custom}
                min={toLocalInput(new Date())}
                onChange={(e) => setCustom(e.currentTarget.value)}
              />
              <Button size="xs" type="submit" disabled={!custom}>
                Set
              </Button>
            </Group>
          </form>
          {update.isError && <ErrorNotice error={update.error} />}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** Admins give a task to anyone; everyone else may take an unassigned or someone else's task. */
function AssignControl({ task, label }: { task: Task; label: string }) {
  const { session } = useSession();
  const update = useUpdateTask();
  const users = useUsers();
  const assign = (ownerId: string | null) => update.mutate({ taskId: task.id, patch: { ownerId } });
  if (canListUsers(session.user.role)) {
    return (
      <NativeSelect
        size="xs"
        aria-label={`Owner of the task ${label}`}
        value={task.ownerId ?? ''}
        disabled={update.isPending || !users.data}
        onChange={(e) => assign(e.currentTarget.value || null)}
        data={[
          { value: '', label: 'Unassigned' },
          ...(users.data?.data ?? [])
            .filter((u: User) => u.active)
            .map((u: User) => ({ value: u.id, label: u.name })),
        ]}
      />
    );
  }
  if (task.ownerId === session.user.id) return null;
  return (
    <Button
      size="xs"
      variant="default"
      loading={update.isPending}
      onClick={() => assign(session.user.id)}
      aria-label={`Take it: ${label}`}
    >
      Take it
    </Button>
  );
}

/** One open task: what, when, whose, and Done / Snooze / owner. */
export function TaskRow({ task, now, onDone }: { task: Task; now: number; onDone: (task: Task) => void }) {
  const ownerName = useOwnerName();
  const due = dueText(task, now);
  return (
    <Group justify="space-between" gap="xs" wrap="wrap" data-task-id={task.id}>
      <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
        <Group gap={6} wrap="wrap">
          <Badge size="sm" variant="outline" color="gray.8">
            {words(task.kind)}
          </Badge>
          <Text size="sm" fw={600}>
            {task.title}
          </Text>
          {task.sla && (
            <Badge size="sm" variant="outline" color="#991b1b">
              speed to lead
            </Badge>
          )}
        </Group>
        <Text size="xs" c={due.overdue ? 'red.9' : 'gray.8'} fw={due.overdue ? 600 : 400}>
          {due.text} · {ownerName(task.ownerId)}
        </Text>
      </Stack>
      <Group gap="xs" wrap="nowrap">
        <Button size="xs" data-action="done" onClick={() => onDone(task)} aria-label={`Done: ${task.title}`}>
          Done
        </Button>
        <SnoozeButton task={task} label={task.title} />
        <AssignControl task={task} label={task.title} />
      </Group>
    </Group>
  );
}
