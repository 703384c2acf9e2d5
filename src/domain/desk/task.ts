/** A follow-up for a lead (SPEC §2 Task). */
export const TASK_KINDS = ['call', 'email', 'meeting', 'other'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Who made a task: a person, or one of the desk's own rules. */
export const TASK_ORIGINS = ['user', 'speed_to_lead', 'follow_up', 'automation'] as const;
export type TaskOrigin = (typeof TASK_ORIGINS)[number];

export interface Task {
  readonly id: string;
  readonly leadId: string;
  readonly kind: TaskKind;
  readonly title: string;
  readonly notes: string | null;
  readonly ownerId: string | null;
  readonly dueAt: Date | null;
  readonly doneAt: Date | null;
  /** Part of a speed-to-lead timer: completing it is a first touch. */
  readonly sla: boolean;
  readonly origin: TaskOrigin;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type TaskState = 'done' | 'overdue' | 'due' | 'upcoming' | 'unscheduled';

/** A task is due from this long before its due time: it enters the queue then. */
export const DUE_SOON_MS = 60 * 60 * 1000;

/** Where a task stands at `now`: overdue once its due time has passed, due within the hour before. */
export function taskState(task: Pick<Task, 'doneAt' | 'dueAt'>, now: Date): TaskState {
  if (task.doneAt !== null) return 'done';
  if (task.dueAt === null) return 'unscheduled';
  const left = task.dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= DUE_SOON_MS ? 'due' : 'upcoming';
}
