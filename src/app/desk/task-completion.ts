import Type, { type Static } from 'typebox';
import type { Principal } from '../../domain/access.js';
import {
  type NextStep,
  outcomeLabel,
  outcomeProblem,
  suggestNextStep,
  TASK_ACTIVITY_NAMES,
  type Task,
  type TaskActivity,
  touchEventOf,
} from '../../domain/desk/task.js';
import { HearthError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
// Completing a task logs a touch: it goes through the one ingest path so that scoring, the
// speed-to-lead clock and every reaction read it as they read a call logged over the API.
import { ingestEvents } from '../events/ingest.js';
import { assertTaskWritable } from './tasks.js';

export const TaskCompletionInput = Type.Object(
  {
    activity: Type.Optional(
      Type.Enum(TASK_ACTIVITY_NAMES, {
        description:
          'What was done: call, email or meeting store the matching touch event (call, email_sent, meeting); other stores none. Default: the task’s kind.',
      }),
    ),
    outcome: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'How it went. call: interested, not_interested, no_answer, voicemail, callback_requested, wrong_number; email: sent, replied; meeting: held, no_show, rescheduled; other: free text (optional).',
      }),
    ),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Stored on the touch event.' })),
  },
  { additionalProperties: false },
);
export type TaskCompletionInput = Static<typeof TaskCompletionInput>;

export interface TaskCompletion {
  readonly task: Task;
  /** The touch event stored, or null (`other`). */
  readonly eventId: number | null;
  readonly nextStep: NextStep;
}

/**
 * Completes a task with what was done and how it went: stores the touch event (which stops a
 * running speed-to-lead clock and moves the scores), then closes the task as `completed` with its
 * outcome, in one transaction. Proposes the next step; creating it is the client's choice. A task
 * the desk closed meanwhile (the lead cooled, was won, lost, disqualified or merged away) keeps
 * its reason: the touch is stored and the task answered unchanged; one already completed is a
 * conflict.
 */
export async function completeTask(
  ctx: AppContext,
  actor: Principal,
  id: string,
  input: TaskCompletionInput,
): Promise<TaskCompletion> {
  return ctx.store.transaction(async (store) => {
    const now = ctx.clock();
    const task = await store.tasks.lock(id);
    if (!task) throw new HearthError('not_found', `No task has id ${id}`);
    assertTaskWritable(actor, task, await store.leads.byId(task.leadId));
    // Closed by hand (`completed`) means the work is done twice: refused. Closed by the lead's fate
    // (cooled, won, lost, disqualified, merged) while the rep was on the phone: the touch they
    // logged still happened, so it is stored and the task is answered as it is.
    const closedByFate =
      task.doneAt !== null && task.closedReason !== null && task.closedReason !== 'completed';
    if (task.doneAt !== null && !closedByFate) {
      throw new HearthError('conflict', `The task is already closed (${task.closedReason ?? 'completed'})`, {
        id,
      });
    }
    const activity: TaskActivity = input.activity ?? task.kind;
    const outcome = input.outcome?.trim() || null;
    const problem = outcomeProblem(activity, outcome);
    if (problem) throw HearthError.invalid([{ path: 'outcome', message: problem }]);

    const touch = touchEventOf(activity, outcome);
    let eventId: number | null = null;
    if (touch) {
      const properties = {
        ...(touch.outcome !== null ? { outcome: touch.outcome } : {}),
        ...(input.note ? { note: input.note } : {}),
        taskId: task.id,
      };
      const [result] = (
        await ingestEvents({ ...ctx, store }, [{ leadId: task.leadId, type: touch.type, properties }])
      ).results;
      if (result?.status !== 'stored') {
        throw HearthError.invalid(
          result?.problems ?? [{ path: 'outcome', message: 'the touch was not stored' }],
        );
      }
      eventId = result.eventId ?? null;
    }
    if (closedByFate) return { task, eventId, nextStep: suggestNextStep(activity, outcome) };
    const updated = (await store.tasks.update(
      id,
      { doneAt: now, closedReason: 'completed', outcome: outcomeLabel(activity, outcome) },
      now,
    )) as Task;
    // A touch type an admin removed from `touchEvents` stopped nothing: completing the task does.
    if (task.sla) await store.desk.touchByTask(task.id, now);
    return { task: updated, eventId, nextStep: suggestNextStep(activity, outcome) };
  });
}
