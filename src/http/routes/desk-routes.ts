import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { DeskSettingsPatchSchema, deskSettings, updateDeskSettings } from '../../app/desk/desk-settings.js';
import { OutcomeInput, recordOutcome, statusHistory } from '../../app/desk/outcomes.js';
import { hotQueue } from '../../app/desk/queue.js';
import { completeTask, TaskCompletionInput } from '../../app/desk/task-completion.js';
import { createTask, getTask, listTasks, TaskInput, TaskPatch, updateTask } from '../../app/desk/tasks.js';
import { withScores } from '../../app/scoring/scoring-service.js';
import { isTimeZone } from '../../domain/desk/local-time.js';
import { QUEUE_SECTIONS } from '../../domain/desk/queue.js';
import { type DeskSettingsPatch, DeskSettingsSchema } from '../../domain/desk/settings.js';
import { SLA_CLOSED_REASONS } from '../../domain/desk/speed-to-lead.js';
import { TASK_CLOSED_REASONS, TASK_KINDS, TASK_ORIGINS } from '../../domain/desk/task.js';
import { HearthError } from '../../domain/errors.js';
import { LEAD_STATUSES } from '../../domain/lead.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

const TaskView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  leadId: Type.String({ format: 'uuid' }),
  kind: Type.Enum(TASK_KINDS),
  title: Type.String(),
  notes: Type.Union([Type.String(), Type.Null()]),
  ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  dueAt: NullableDateTime(),
  doneAt: NullableDateTime(),
  closedReason: Type.Union([Type.Enum(TASK_CLOSED_REASONS), Type.Null()], {
    description:
      'Why it closed: completed (by a person or a touch), or the lead’s fate (customer, lost, disqualified, merged, cooled). Null while open.',
  }),
  outcome: Type.Union([Type.String(), Type.Null()], {
    description: 'What was logged on completing it, e.g. `call: interested`.',
  }),
  sla: Type.Boolean({ description: 'A speed-to-lead task: completing it is the first touch.' }),
  origin: Type.Enum(TASK_ORIGINS),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

const SlaView = Type.Object({
  state: Type.Enum(['running', 'breached', 'met', 'late', 'closed'], {
    description:
      'running (time left), breached (no touch, deadline passed), met / late (touched within / after the deadline), closed (stopped without a touch: see closedReason).',
  }),
  startedAt: DateTime('When the lead turned hot.'),
  dueAt: DateTime('The first-touch deadline.'),
  msLeft: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Milliseconds to the deadline at the time of the request; negative once breached.',
  }),
  elapsedMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Hot to first touch, once touched.' }),
  closedReason: Type.Union([Type.Enum(SLA_CLOSED_REASONS), Type.Null()], {
    description:
      'Why a closed clock stopped: the lead was won (customer), lost, disqualified, merged away, or cooled before a touch. Null unless closed.',
  }),
});

const QueueLead = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  status: Type.Enum(LEAD_STATUSES),
  fit: Type.Number(),
  interest: Type.Number(),
  temperature: Type.String(),
});

const Count = Type.Integer({ minimum: 0 });
const QueueCounts = Type.Object(
  { now: Count, overdue: Count, due_today: Count, later: Count },
  { description: 'Cards per section, before `limit` cut each section.' },
);

const QueueView = Type.Object({
  now: DateTime('The instant the queue was computed at.'),
  endOfDay: DateTime('The end of the viewer’s day in `timeZone`: tasks due before it are due today.'),
  timeZone: Type.String(),
  counts: QueueCounts,
  truncated: Type.Boolean({
    description:
      'The read stopped at its bound (500 hot leads, 2,000 open tasks): counts are lower bounds and the latest tasks are missing.',
  }),
  data: Type.Array(
    Type.Object({
      section: Type.Enum(QUEUE_SECTIONS, {
        description:
          'now: hot, open, speed-to-lead clock running or breached and untouched; overdue: an open task past due; due_today: an open task due before endOfDay; later: other open tasks, or a hot lead already touched.',
      }),
      lead: QueueLead,
      sla: Type.Union([SlaView, Type.Null()]),
      hotSince: NullableDateTime('When the lead turned hot; null when it is not hot.'),
      tasks: Type.Array(TaskView, { description: 'Its open tasks, soonest due first.' }),
    }),
    { description: 'One card per lead, section by section (now, overdue, due_today, later).' },
  ),
});

const TaskCompletionView = Type.Object({
  task: TaskView,
  eventId: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The touch event stored; null for other.',
  }),
  nextStep: Type.Object(
    {
      kind: Type.Enum(TASK_KINDS),
      title: Type.String(),
      inDays: Type.Integer({ description: 'Due that many days after today, at 9:00 in the viewer’s zone.' }),
    },
    { description: 'A suggested next step to offer the rep; nothing is created.' },
  ),
});

const StatusChangeView = Type.Object({
  id: Type.Integer(),
  leadId: Type.String({ format: 'uuid' }),
  from: Type.Enum(LEAD_STATUSES),
  to: Type.Enum(LEAD_STATUSES),
  at: DateTime('When it happened.'),
  recordedAt: DateTime('When Hearth learned it.'),
  reason: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.Number(), Type.Null()]),
  currency: Type.Union([Type.String(), Type.Null()]),
  wasHot: Type.Boolean({ description: 'The lead had been hot before.' }),
  actor: Type.Union([Type.String(), Type.Null()]),
});

const TaskListQuery = Type.Object(
  {
    lead: Type.Optional(Type.String({ format: 'uuid' })),
    owner: Type.Optional(
      Type.Union([Type.String({ format: 'uuid' }), Type.Literal('none'), Type.Literal('me')], {
        description: 'A user id, `me`, or `none` for unassigned tasks.',
      }),
    ),
    state: Type.Optional(
      Type.Enum(['open', 'done', 'due', 'overdue'], {
        description: '`due`: open and due within the hour or overdue; `overdue`: past due.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const isTaskCursor = (v: unknown): v is { dueAt: string | null; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { id: unknown }).id === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as { id: string }).id) &&
  ((v as { dueAt: unknown }).dueAt === null ||
    (typeof (v as { dueAt: unknown }).dueAt === 'string' &&
      !Number.isNaN(Date.parse((v as { dueAt: string }).dueAt))));

/** Tasks, the hot queue, outcomes and the desk settings (SPEC §2 Playbook, Task, Outcome). */
export function deskRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/tasks',
      {
        config: { permission: 'tasks:read' },
        schema: {
          tags: ['tasks'],
          summary: 'List tasks, soonest due first (unscheduled last)',
          querystring: TaskListQuery,
          response: {
            200: Type.Object({
              data: Type.Array(TaskView),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const limit = q.limit ?? 50;
        const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, isTaskCursor);
        const tasks = await listTasks(ctx, principalOf(request), {
          ...(q.lead !== undefined ? { leadId: q.lead } : {}),
          ...(q.owner !== undefined ? { owner: q.owner } : {}),
          ...(q.state !== undefined ? { state: q.state } : {}),
          limit,
          ...(after
            ? { after: { id: after.id, dueAt: after.dueAt === null ? null : new Date(after.dueAt) } }
            : {}),
        });
        const last = tasks.at(-1);
        return {
          data: tasks,
          nextCursor:
            tasks.length === limit && last
              ? encodeCursor({ id: last.id, dueAt: last.dueAt?.toISOString() ?? null })
              : null,
        };
      },
    );

    app.post(
      '/tasks',
      {
        config: { permission: 'tasks:write' },
        schema: {
          tags: ['tasks'],
          summary: 'Create a task on a lead',
          body: TaskInput,
          response: { 201: TaskView, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await onBody(createTask(ctx, principalOf(request), request.body))),
    );

    app.get(
      '/tasks/:id',
      {
        config: { permission: 'tasks:read' },
        schema: {
          tags: ['tasks'],
          summary: 'One task',
          params: IdParams,
          response: { 200: TaskView, ...errors },
        },
      },
      async (request) => getTask(ctx, principalOf(request), request.params.id),
    );

    app.patch(
      '/tasks/:id',
      {
        config: { permission: 'tasks:write' },
        schema: {
          tags: ['tasks'],
          summary: 'Change a task; `done: true` completes it (for a speed-to-lead task, the first touch)',
          params: IdParams,
          body: TaskPatch,
          response: { 200: TaskView, ...errors },
        },
      },
      async (request) => onBody(updateTask(ctx, principalOf(request), request.params.id, request.body)),
    );

    app.post(
      '/tasks/:id/complete',
      {
        config: { permission: 'tasks:write' },
        schema: {
          tags: ['tasks'],
          summary:
            'Complete a task with what was done and how it went: stores the touch event (call, email_sent, meeting) and suggests a next step',
          params: IdParams,
          body: TaskCompletionInput,
          response: { 200: TaskCompletionView, ...errors },
        },
      },
      async (request) =>
        onBody(completeTask(ctx, principalOf(request), request.params.id, request.body ?? {})),
    );

    app.get(
      '/queue',
      {
        config: { permission: 'queue:read' },
        schema: {
          tags: ['tasks'],
          summary:
            'The hot queue as a triage list, one card per lead: now (running speed-to-lead clocks), overdue, due today, later',
          querystring: Type.Object(
            {
              limit: Type.Optional(
                Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Cards per section.' }),
              ),
              tz: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 64,
                  default: 'UTC',
                  description: 'The viewer’s IANA time zone (e.g. Europe/Berlin): where their day ends.',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: QueueView, ...errors },
        },
      },
      async (request) => {
        const timeZone = request.query.tz ?? 'UTC';
        if (!isTimeZone(timeZone)) {
          throw HearthError.invalid([
            {
              path: 'query.tz',
              message: `"${timeZone}" is not a time zone; use an IANA name such as Europe/Berlin`,
            },
          ]);
        }
        const { cards, ...queue } = await hotQueue(ctx, principalOf(request), {
          limit: request.query.limit ?? 50,
          timeZone,
        });
        return { ...queue, data: cards };
      },
    );

    app.post(
      '/leads/:id/outcome',
      {
        config: { permission: 'leads:outcome' },
        schema: {
          tags: ['leads'],
          summary: 'Record an outcome: won (customer), lost, disqualified, or re-open',
          params: IdParams,
          body: OutcomeInput,
          response: {
            200: Type.Object({ lead: Type.Ref('Lead'), change: StatusChangeView }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { lead, change } = await onBody(
          recordOutcome(ctx, principalOf(request), request.params.id, request.body),
        );
        const [scored] = await withScores(ctx.store, [lead], ctx.clock());
        return { lead: scored, change };
      },
    );

    app.get(
      '/leads/:id/status-history',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary: "A lead's outcomes and re-opens, oldest first",
          params: IdParams,
          response: { 200: Type.Object({ data: Type.Array(StatusChangeView) }), ...errors },
        },
      },
      async (request) => ({ data: await statusHistory(ctx, principalOf(request), request.params.id) }),
    );

    app.get(
      '/settings/desk',
      {
        config: { permission: 'settings:read' },
        schema: {
          tags: ['settings'],
          summary: 'The desk settings: speed to lead, escalation, routing, follow-ups',
          response: { 200: DeskSettingsSchema, ...errors },
        },
      },
      async () => deskSettings(ctx.store),
    );

    app.put(
      '/settings/desk',
      {
        config: { permission: 'settings:manage' },
        schema: {
          tags: ['settings'],
          summary: 'Change the desk settings; sections and fields left out keep their values',
          body: DeskSettingsPatchSchema,
          response: { 200: DeskSettingsSchema, ...errors },
        },
      },
      async (request) =>
        onBody(updateDeskSettings(ctx, principalOf(request), request.body as DeskSettingsPatch)),
    );
  };
}
