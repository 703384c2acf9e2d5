import { Button, Loader, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { Task } from '../../api/types';
import { ErrorNotice } from '../ErrorNotice';
import { useNow } from '../useNow';
import { CompleteTaskDialog } from './CompleteTaskDialog';
import { TaskForm } from './TaskForm';
import { TaskRow } from './TaskRow';
import { localTimeIn, useLeadTasks } from './taskQueries';

/**
 * The lead page's "Open tasks": each with Done (logging the touch, then the next-step prompt),
 * Snooze and owner, and "Add task".
 */
export function LeadTasks({ leadId, label }: { leadId: string; label: string }) {
  const tasks = useLeadTasks(leadId);
  const now = useNow(30_000);
  const [adding, setAdding] = useState(false);
  const [completing, setCompleting] = useState<Task | null>(null);
  return (
    <Stack gap="sm">
      {tasks.isPending ? (
        <Loader size="sm" aria-label="Loading tasks" />
      ) : tasks.isError ? (
        <ErrorNotice error={tasks.error} />
      ) : tasks.data.data.length === 0 ? (
        <Text size="sm">No open tasks.</Text>
      ) : (
        <Stack
          gap="sm"
          component="ul"
          p={0}
          m={0}
          style={{ listStyle: 'none' }}
          aria-label={`Open tasks of ${label}`}
        >
          {tasks.data.data.map((t) => (
            <li key={t.id}>
              <TaskRow task={t} now={now} onDone={setCompleting} />
            </li>
          ))}
        </Stack>
      )}
      {adding ? (
        <TaskForm
          leadId={leadId}
          initial={{ kind: 'call', title: '', dueAt: localTimeIn(1, 9) }}
          submitLabel="Add task"
          cancelLabel="Cancel"
          onDone={() => setAdding(false)}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <Button size="xs" variant="light" onClick={() => setAdding(true)} style={{ alignSelf: 'flex-start' }}>
          Add task
        </Button>
      )}
      {completing && (
        <CompleteTaskDialog
          key={completing.id}
          task={completing}
          leadLabel={label}
          opened
          onClose={() => setCompleting(null)}
        />
      )}
    </Stack>
  );
}
