import Type, { type Static } from 'typebox';
import { canSeeLead, type Principal, visibleTo } from '../../domain/access.js';
import { DUE_SOON_MS, TASK_KINDS, type Task } from '../../domain/desk/task.js';
import { HearthError } from '../../domain/errors.js';
import type { Lead } from '../../domain/lead.js';
import type { Store } from '../../store/store.js';
import type { TaskChanges } from '../../store/tasks.js';
import type { AppContext } from '../context.js';
import { actorLabel } from './lead-changes.js';
import { taskCreated } from './signals.js';

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Notes = Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]);
const OwnerId = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
  description: 'A user id; null leaves the task unassigned. Defaults to the lead’s owner.',
});
const DueAt = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const TaskInput = Type.Object(
  {
    leadId: Type.String({ format: 'uuid' }),
    kind: Type.Enum(TASK_KINDS),
    title: Title,
    notes: Type.Optional(Notes),
    ownerId: Type.Optional(OwnerId),
    dueAt: Type.Optional(DueAt),
  },
  { additionalProperties: false },
);
export type TaskInput = Static<typeof TaskInput>;

export const TaskPatch = Type.Object(
  {
    kind: Type.Optional(Type.Enum(TASK_KINDS)),
    title: Type.Optional(Title),
    notes: Type.Optional(Notes),
    ownerId: Type.Optional(OwnerId),
    dueAt: Type.Optional(DueAt),
    done: Type.Optional(
      Type.Boolean({
        description:
          'true completes the task now without logging a touch (a speed-to-lead task: the first touch); false re-opens it. To log what was done and how it went, POST /tasks/{id}/complete.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TaskPatch = Static<typeof TaskPatch>;

export interface TaskListInput {
  readonly leadId?: string;
  readonly owner?: string;
  readonly state?: 'open' | 'done' | 'due' | 'overdue';
  readonly limit: number;
  readonly after?: { readonly dueAt: Date | null; readonly id: string };
}

async function visibleLead(store: Store, actor: Principal, leadId: string, path: string): Promise<Lead> {
  const lead = await store.leads.byId(leadId);
  if (!lead || !canSeeLead(actor, lead)) {
    throw HearthError.invalid([{ path, message: `no lead has id ${leadId}` }]);
  }
  return lead;
}

async function checkOwner(store: Store, actor: Principal, ownerId: string | null | undefined): Promise<void> {
  if (ownerId === undefined || ownerId === null) return;
  if (actor.role === 'rep' && ownerId !== actor.userId) {
    throw new HearthError('forbidden', 'A rep can assign tasks only to themselves', { field: 'ownerId' });
  }
  const user = await store.users.byId(ownerId);
  if (!user) throw HearthError.invalid([{ path: 'ownerId', message: `no user has id ${ownerId}` }]);
  if (!user.active) throw HearthError.invalid([{ path: 'ownerId', message: `${user.email} is not active` }]);
}

/** A rep works on their own tasks and the unassigned ones of leads they may see. */
export function assertTaskWritable(actor: Principal, task: Task, lead: Lead | undefined): void {
  if (!lead || !canSeeLead(actor, lead)) throw new HearthError('not_found', `No task has id ${task.id}`);
  if (actor.role === 'rep' && task.ownerId !== null && task.ownerId !== actor.userId) {
    throw new HearthError('forbidden', 'This task belongs to another user', { id: task.id });
  }
}

/** Creates a task on a lead (SPEC §2 Task); announced as `task.created`. */
export async function createTask(ctx: AppContext, actor: Principal, input: TaskInput): Promise<Task> {
  return ctx.store.transaction(async (store) => {
    const now = ctx.clock();
    const lead = await visibleLead(store, actor, input.leadId, 'leadId');
    await checkOwner(store, actor, input.ownerId);
    const task = await store.tasks.create(
      {
        leadId: lead.id,
        kind: input.kind,
        title: input.title.trim(),
        notes: input.notes ?? null,
        ownerId: input.ownerId === undefined ? (lead.ownerId ?? actor.userId) : input.ownerId,
        dueAt: input.dueAt ? new Date(input.dueAt) : null,
        origin: 'user',
        createdBy: actorLabel(actor),
      },
      now,
    );
    await store.signals.emit([taskCreated(task)], now);
    return task;
  });
}

export async function getTask(ctx: AppContext, actor: Principal, id: string): Promise<Task> {
  const task = await ctx.store.tasks.byId(id);
  const lead = task && (await ctx.store.leads.byId(task.leadId));
  if (!task || !lead || !canSeeLead(actor, lead)) throw new HearthError('not_found', `No task has id ${id}`);
  return task;
}

/**
 * Changes a task. Completing a speed-to-lead task is a first touch: the lead's clock stops and
 * the time from hot to now is recorded.
 */
export async function updateTask(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: TaskPatch,
): Promise<Task> {
  return ctx.store.transaction(async (store) => {
    const now = ctx.clock();
    const task = await store.tasks.lock(id);
    if (!task) throw new HearthError('not_found', `No task has id ${id}`);
    assertTaskWritable(actor, task, await store.leads.byId(task.leadId));
    await checkOwner(store, actor, patch.ownerId);
    const changes: TaskChanges = {
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      ...(patch.ownerId !== undefined ? { ownerId: patch.ownerId } : {}),
      ...(patch.dueAt !== undefined ? { dueAt: patch.dueAt === null ? null : new Date(patch.dueAt) } : {}),
      ...(patch.done === true && task.doneAt === null
        ? { doneAt: now, closedReason: 'completed' as const }
        : {}),
      ...(patch.done === false && task.doneAt !== null
        ? { doneAt: null, closedReason: null, outcome: null }
        : {}),
    };
    const updated = (await store.tasks.update(id, changes, now)) as Task;
    if (task.sla && changes.doneAt) await store.desk.touchByTask(task.id, now);
    return updated;
  });
}

export async function listTasks(ctx: AppContext, actor: Principal, input: TaskListInput): Promise<Task[]> {
  const now = ctx.clock();
  const scope = visibleTo(actor);
  const owner = input.owner === 'me' ? (actor.userId ?? 'none') : input.owner;
  return ctx.store.tasks.list({
    ...(input.leadId !== undefined ? { leadId: input.leadId } : {}),
    ...(owner !== undefined ? { ownerId: owner === 'none' ? null : owner } : {}),
    ...(input.state !== undefined ? { state: input.state } : {}),
    ...(scope !== undefined ? { visibleTo: scope } : {}),
    ...(input.after ? { after: input.after } : {}),
    now,
    dueBy: new Date(now.getTime() + DUE_SOON_MS),
    limit: input.limit,
  });
}
