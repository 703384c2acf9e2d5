import { CALL_OUTCOMES } from '../event.js';

/** A follow-up for a lead (SPEC §2 Task). */
export const TASK_KINDS = ['call', 'email', 'meeting', 'other'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Who made a task: a person, or one of the desk's own rules. */
export const TASK_ORIGINS = ['user', 'speed_to_lead', 'follow_up', 'automation'] as const;
export type TaskOrigin = (typeof TASK_ORIGINS)[number];

/**
 * Why a task closed: a person or a touch completed it, or the lead's fate closed it (won, lost,
 * disqualified, merged away, cooled before anyone touched it). Null while open.
 */
export const TASK_CLOSED_REASONS = [
  'completed',
  'customer',
  'lost',
  'disqualified',
  'merged',
  'cooled',
] as const;
export type TaskClosedReason = (typeof TASK_CLOSED_REASONS)[number];

export interface Task {
  readonly id: string;
  readonly leadId: string;
  readonly kind: TaskKind;
  readonly title: string;
  readonly notes: string | null;
  readonly ownerId: string | null;
  readonly dueAt: Date | null;
  readonly doneAt: Date | null;
  readonly closedReason: TaskClosedReason | null;
  /** What the rep logged on completing it, e.g. `call: interested`. */
  readonly outcome: string | null;
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

/**
 * What a rep did to complete a task, with the outcomes each may have and the touch event it
 * stores: the same events the lead page's "Log call / email / meeting" buttons post, so scoring
 * and the speed-to-lead clock read a completed task exactly as a logged touch. `other` stores no
 * event (its outcome is free text).
 */
export const TASK_ACTIVITIES = {
  call: { event: 'call', outcomes: CALL_OUTCOMES },
  email: { event: 'email_sent', outcomes: ['sent', 'replied'] },
  meeting: { event: 'meeting', outcomes: ['held', 'no_show', 'rescheduled'] },
} as const;
export type TouchActivity = keyof typeof TASK_ACTIVITIES;
export type TaskActivity = TouchActivity | 'other';
export const TASK_ACTIVITY_NAMES = [
  'call',
  'email',
  'meeting',
  'other',
] as const satisfies readonly TaskActivity[];

/** The event a completion stores, or null for `other`. */
export function touchEventOf(
  activity: TaskActivity,
  outcome: string | null,
): { readonly type: string; readonly outcome: string | null } | null {
  return activity === 'other' ? null : { type: TASK_ACTIVITIES[activity].event, outcome };
}

/** A problem with an outcome for an activity, or null when it fits. */
export function outcomeProblem(activity: TaskActivity, outcome: string | null): string | null {
  if (activity === 'other') return null;
  const allowed: readonly string[] = TASK_ACTIVITIES[activity].outcomes;
  if (outcome === null) return `say how the ${activity} went: one of ${allowed.join(', ')}`;
  return allowed.includes(outcome) ? null : `a ${activity} ends ${allowed.join(', ')}; not "${outcome}"`;
}

/** How the task records its outcome: `call: interested`, or the free text of `other`. */
export function outcomeLabel(activity: TaskActivity, outcome: string | null): string | null {
  if (activity === 'other') return outcome;
  return outcome === null ? activity : `${activity}: ${outcome}`;
}

/** A next step the desk proposes after a task is completed: the rep may change it or skip it. */
export interface NextStep {
  readonly kind: TaskKind;
  readonly title: string;
  /** Due that many days after today, at 9:00 in the viewer's time zone. */
  readonly inDays: number;
}

/**
 * The next step Pipedrive-style desks prompt for after "Done", from what happened: an unanswered
 * call is tried again tomorrow, an interested lead gets a meeting, a held meeting a recap, a lead
 * not interested a light check-in a month later.
 */
export function suggestNextStep(activity: TaskActivity, outcome: string | null): NextStep {
  switch (`${activity}:${outcome ?? ''}`) {
    case 'call:interested':
      return { kind: 'meeting', title: 'Hold a discovery meeting', inDays: 2 };
    case 'call:no_answer':
    case 'call:voicemail':
      return { kind: 'call', title: 'Call again', inDays: 1 };
    case 'call:callback_requested':
      return { kind: 'call', title: 'Call back as asked', inDays: 1 };
    case 'call:wrong_number':
      return { kind: 'email', title: 'Ask for the right phone number', inDays: 1 };
    case 'call:not_interested':
      return { kind: 'email', title: 'Check in with useful content', inDays: 30 };
    case 'email:replied':
      return { kind: 'call', title: 'Call about their reply', inDays: 1 };
    case 'email:sent':
      return { kind: 'call', title: 'Follow up on the email', inDays: 3 };
    case 'meeting:held':
      return { kind: 'email', title: 'Send the meeting recap and next steps', inDays: 1 };
    case 'meeting:no_show':
      return { kind: 'call', title: 'Call to find a new meeting time', inDays: 1 };
    case 'meeting:rescheduled':
      return { kind: 'meeting', title: 'Hold the rescheduled meeting', inDays: 2 };
    default:
      return { kind: 'call', title: 'Follow up', inDays: 7 };
  }
}
