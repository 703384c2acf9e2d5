import {
  Button,
  Group,
  Modal,
  Radio,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { type NextStep, TASK_ACTIVITY_OUTCOMES, type Task, type TaskActivity } from '../../api/types';
import { ErrorNotice } from '../ErrorNotice';
import { TaskForm } from './TaskForm';
import { localTimeIn, useCompleteTask, words } from './taskQueries';

const ACTIVITIES: { value: TaskActivity; label: string }[] = [
  { value: 'call', label: 'Call' },
  { value: 'email', label: 'Email' },
  { value: 'meeting', label: 'Meeting' },
  { value: 'other', label: 'Other' },
];

/**
 * "Done" on a task: say what was done and how it went (stored as the call, email or meeting on the
 * lead's timeline), then the prompt to schedule the next step, prefilled; skipping is fine.
 */
export function CompleteTaskDialog({
  task,
  leadLabel,
  opened,
  onClose,
}: {
  task: Task;
  leadLabel: string;
  opened: boolean;
  onClose: () => void;
}) {
  const [activity, setActivity] = useState<TaskActivity>(task.kind as TaskActivity);
  const [outcome, setOutcome] = useState<string>('');
  const [note, setNote] = useState('');
  const [next, setNext] = useState<NextStep | null>(null);
  const complete = useCompleteTask();
  const outcomes = TASK_ACTIVITY_OUTCOMES[activity];
  const close = () => {
    setNext(null);
    setOutcome('');
    setNote('');
    complete.reset();
    onClose();
  };
  const outcomeProblem =
    complete.error instanceof ApiError
      ? complete.error.problems.find((p) => p.path === 'body.outcome')?.message
      : undefined;
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={next ? `Next step for ${leadLabel}` : `Complete: ${task.title}`}
      size="lg"
    >
      {next ? (
        <Stack gap="sm">
          <Text size="sm" role="status">
            Done and logged. Schedule the next step?
          </Text>
          <TaskForm
            leadId={task.leadId}
            initial={{ kind: next.kind, title: next.title, dueAt: localTimeIn(next.inDays, 9) }}
            submitLabel="Schedule next step"
            cancelLabel="Skip"
            onDone={close}
            onCancel={close}
          />
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            complete.mutate(
              { taskId: task.id, activity, outcome: outcome || null, note },
              { onSuccess: (done) => setNext(done.nextStep) },
            );
          }}
        >
          <Stack gap="sm">
            <div>
              <Text size="sm" fw={500} id={`done-what-${task.id}`}>
                What did you do?
              </Text>
              <SegmentedControl
                aria-labelledby={`done-what-${task.id}`}
                value={activity}
                onChange={(value) => {
                  setActivity(value as TaskActivity);
                  setOutcome('');
                }}
                data={ACTIVITIES}
              />
            </div>
            {outcomes.length > 0 ? (
              <Radio.Group
                label="How did it go?"
                value={outcome}
                onChange={setOutcome}
                error={outcomeProblem}
              >
                <Group gap="md" mt={4} wrap="wrap">
                  {outcomes.map((o) => (
                    <Radio key={o} value={o} label={words(o)} />
                  ))}
                </Group>
              </Radio.Group>
            ) : (
              <TextInput
                label="What happened (optional)"
                maxLength={200}
                value={outcome}
                onChange={(e) => setOutcome(e.currentTarget.value)}
              />
            )}
            <Textarea
              label="Note (optional)"
              maxLength={2000}
              autosize
              minRows={2}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            {complete.isError && !outcomeProblem && <ErrorNotice error={complete.error} />}
            <Group gap="xs">
              <Button
                type="submit"
                loading={complete.isPending}
                disabled={outcomes.length > 0 && outcome === ''}
              >
                Complete task
              </Button>
              <Button variant="subtle" color="gray.8" onClick={close}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
