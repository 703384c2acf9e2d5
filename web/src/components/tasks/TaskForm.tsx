import { Button, Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { TASK_KINDS } from '../../api/types';
import { ErrorNotice } from '../ErrorNotice';
import { quickPicks, toLocalInput, useCreateTask, words } from './taskQueries';

export interface TaskDraft {
  kind: string;
  title: string;
  dueAt: Date | null;
}

/**
 * A new task on a lead: kind, title and due time (quick picks or any time). Used by "Add task" and
 * by the next-step prompt after completing one, which prefills it.
 */
export function TaskForm({
  leadId,
  initial,
  submitLabel,
  cancelLabel,
  onDone,
  onCancel,
}: {
  leadId: string;
  initial: TaskDraft;
  submitLabel: string;
  cancelLabel: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [kind, setKind] = useState(initial.kind);
  const [title, setTitle] = useState(initial.title);
  const [due, setDue] = useState(initial.dueAt ? toLocalInput(initial.dueAt) : '');
  const create = useCreateTask();
  const titleProblem =
    create.error instanceof ApiError
      ? create.error.problems.find((p) => p.path === 'body.title')?.message
      : undefined;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(
          { leadId, kind, title: title.trim(), dueAt: due ? new Date(due).toISOString() : null },
          { onSuccess: onDone },
        );
      }}
    >
      <Stack gap="xs">
        <Group gap="xs" align="flex-end" wrap="wrap">
          <NativeSelect
            label="Kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value)}
            data={TASK_KINDS.map((k) => ({ value: k, label: words(k) }))}
          />
          <TextInput
            label="Title"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={titleProblem}
            style={{ flex: 1, minWidth: 200 }}
          />
        </Group>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            label="Due"
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
          />
          {quickPicks().map((pick) => (
            <Button
              key={pick.label}
              size="xs"
              variant="default"
              onClick={() => setDue(toLocalInput(pick.at))}
            >
              {pick.label}
            </Button>
          ))}
        </Group>
        {create.isError && !titleProblem && <ErrorNotice error={create.error} />}
        <Group gap="xs">
          <Button type="submit" loading={create.isPending} disabled={title.trim() === ''}>
            {submitLabel}
          </Button>
          <Button variant="subtle" color="gray.8" onClick={onCancel}>
            {cancelLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
