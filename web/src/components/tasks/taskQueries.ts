import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Page, Queue, Task, TaskActivity, TaskCompletion } from '../../api/types';

/** The viewer's time zone: where "due today" ends and "tomorrow 9:00" falls. */
export const viewerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const taskKeys = {
  queue: ['queue'] as const,
  ofLead: (leadId: string) => ['lead', leadId, 'tasks'] as const,
};

/** The hot queue, refreshed every 5 s so that a new hot lead shows up without a reload. */
export function useQueue() {
  return useQuery({
    queryKey: taskKeys.queue,
    queryFn: () => api<Queue>('GET', `/queue?limit=100&tz=${encodeURIComponent(viewerTimeZone())}`),
    refetchInterval: 5_000,
  });
}

export function useLeadTasks(leadId: string) {
  return useQuery({
    queryKey: taskKeys.ofLead(leadId),
    queryFn: () => api<Page<Task>>('GET', `/tasks?lead=${leadId}&state=open&limit=100`),
  });
}

// A task change moves cards between sections, stops clocks and changes scores: every view of
// leads and tasks is stale after it.
function useInvalidateAll() {
  const client = useQueryClient();
  return () => client.invalidateQueries();
}

export function useCompleteTask() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (input: { taskId: string; activity: TaskActivity; outcome: string | null; note: string }) =>
      api<TaskCompletion>('POST', `/tasks/${input.taskId}/complete`, {
        activity: input.activity,
        ...(input.outcome ? { outcome: input.outcome } : {}),
        ...(input.note.trim() ? { note: input.note.trim() } : {}),
      }),
    onSuccess: invalidate,
  });
}

export interface TaskPatch {
  dueAt?: string | null;
  ownerId?: string | null;
}

export function useUpdateTask() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (input: { taskId: string; patch: TaskPatch }) =>
      api<Task>('PATCH', `/tasks/${input.taskId}`, input.patch),
    onSuccess: invalidate,
  });
}

export interface NewTask {
  leadId: string;
  kind: string;
  title: string;
  dueAt: string | null;
}

export function useCreateTask() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (input: NewTask) => api<Task>('POST', '/tasks', input),
    onSuccess: invalidate,
  });
}

/** `days` days from today at `hour`:00, local time. */
export function localTimeIn(days: number, hour: number, from = new Date()): Date {
  const at = new Date(from);
  at.setDate(at.getDate() + days);
  at.setHours(hour, 0, 0, 0);
  return at;
}

/** The quick picks for a due time: in an hour, tomorrow 9:00, next week (in 7 days, 9:00). */
export function quickPicks(from = new Date()): { label: string; at: Date }[] {
  return [
    { label: 'In 1 hour', at: new Date(from.getTime() + 3_600_000) },
    { label: 'Tomorrow 9:00', at: localTimeIn(1, 9, from) },
    { label: 'Next week', at: localTimeIn(7, 9, from) },
  ];
}

/** A Date as the value of an `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export const words = (value: string) => value.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
