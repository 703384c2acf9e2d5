import Table from 'cli-table3';
import type { AppContext } from '../../app/context.js';
import { recordOutcome } from '../../app/desk/outcomes.js';
import { hotQueue } from '../../app/desk/queue.js';
import { completeTask } from '../../app/desk/task-completion.js';
import { createTask, listTasks, updateTask } from '../../app/desk/tasks.js';
import { findLead } from '../../app/leads/lead-service.js';
import { isTimeZone, localTimeOn } from '../../domain/desk/local-time.js';
import { QUEUE_SECTIONS, type QueueSection } from '../../domain/desk/queue.js';
import type { SlaView } from '../../domain/desk/speed-to-lead.js';
import type { Task, TaskActivity, TaskKind } from '../../domain/desk/task.js';
import { HearthError } from '../../domain/errors.js';
import type { LeadStatus } from '../../domain/lead.js';
import type { TaskState } from '../choices.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

const PLAIN = { head: [], border: [] };

function parseLimit(raw: string): number {
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw HearthError.invalid([{ path: '--limit', message: 'must be a whole number from 1 to 500' }]);
  }
  return limit;
}

/** "12m left", "breached 3m ago", "met in 17m". */
export function describeSla(sla: SlaView | null): string {
  if (sla === null) return '';
  const minutes = (ms: number) => `${Math.round(Math.abs(ms) / 60_000)}m`;
  switch (sla.state) {
    case 'running':
      return `${minutes(sla.msLeft ?? 0)} left`;
    case 'breached':
      return `breached ${minutes(sla.msLeft ?? 0)} ago`;
    case 'met':
      return `met in ${minutes(sla.elapsedMs ?? 0)}`;
    case 'late':
      return `late: touched after ${minutes(sla.elapsedMs ?? 0)}`;
    case 'closed':
      return sla.closedReason ? `closed (${sla.closedReason})` : 'closed';
  }
}

const SECTION_TITLES: Record<QueueSection, string> = {
  now: 'Now',
  overdue: 'Overdue',
  due_today: 'Due today',
  later: 'Later',
};

/** The shell's own time zone (the viewer's, for "due today" and "tomorrow 9:00"), or `--tz`. */
function timeZoneOption(raw: string | undefined): string {
  const zone = raw ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  if (!isTimeZone(zone)) {
    throw HearthError.invalid([
      { path: '--tz', message: `"${zone}" is not a time zone, e.g. Europe/Berlin` },
    ]);
  }
  return zone;
}

const whoOf = (lead: { email: string | null; name: string | null; id: string }) =>
  lead.email ?? lead.name ?? lead.id;

/**
 * Owners as people read them: the user's name (else the sign-in email), marked when deactivated;
 * an id that names no user is shown as it is. One read of the users: a team is small.
 */
async function ownerLabels(ctx: AppContext): Promise<(ownerId: string | null) => string> {
  const labels = new Map(
    (await ctx.store.users.list()).map((u) => [
      u.id,
      `${u.name.trim() || u.email}${u.active ? '' : ' (inactive)'}`,
    ]),
  );
  return (ownerId) => (ownerId === null ? '(unassigned)' : (labels.get(ownerId) ?? ownerId));
}

const taskLine = (t: Task) =>
  `${t.kind}: ${t.title}${t.dueAt ? ` (due ${t.dueAt.toISOString()})` : ''} [${t.id}]`;

/** `hearth queue`: the triage list, section by section, one line per lead and its tasks below. */
export async function queueCommand(
  io: Io,
  options: { limit: string; tz?: string; json?: boolean },
): Promise<void> {
  const limit = parseLimit(options.limit);
  const timeZone = timeZoneOption(options.tz);
  await withApp(io, async (app) => {
    const queue = await hotQueue(app.ctx, OPERATOR, { limit, timeZone });
    if (options.json) {
      line(io.out, JSON.stringify(queue, null, 2));
      return;
    }
    if (queue.cards.length === 0) {
      line(io.out, 'The queue is empty: no hot lead waits and no task is open.');
      return;
    }
    const ownerOf = await ownerLabels(app.ctx);
    for (const section of QUEUE_SECTIONS) {
      const cards = queue.cards.filter((c) => c.section === section);
      if (cards.length === 0) continue;
      line(io.out, `${SECTION_TITLES[section]} (${queue.counts[section]})`);
      const table = new Table({
        style: PLAIN,
        head: ['lead', 'status', 'temperature', 'owner', 'SLA', 'tasks'],
      });
      for (const card of cards) {
        table.push([
          whoOf(card.lead),
          card.lead.status,
          card.lead.temperature,
          ownerOf(card.lead.ownerId),
          describeSla(card.sla),
          card.tasks.map(taskLine).join('\n'),
        ]);
      }
      line(io.out, table.toString());
    }
    if (queue.truncated) line(io.out, 'The queue is longer than one read covers: counts are lower bounds.');
  });
}

/** `hearth tasks list`: tasks, soonest due first. */
export async function tasksCommand(
  io: Io,
  options: {
    state?: TaskState;
    owner?: string;
    lead?: string;
    limit: string;
    json?: boolean;
  },
): Promise<void> {
  const limit = parseLimit(options.limit);
  await withApp(io, async (app) => {
    const leadId =
      options.lead === undefined ? undefined : (await findLead(app.ctx, OPERATOR, options.lead)).id;
    const owner =
      options.owner === undefined || options.owner === 'none'
        ? options.owner
        : await userIdOf(app.ctx, options.owner, '--owner');
    const tasks = await listTasks(app.ctx, OPERATOR, {
      ...(options.state !== undefined ? { state: options.state } : {}),
      ...(owner !== undefined ? { owner } : {}),
      ...(leadId !== undefined ? { leadId } : {}),
      limit,
    });
    if (options.json) {
      line(io.out, JSON.stringify(tasks, null, 2));
      return;
    }
    if (tasks.length === 0) {
      line(io.out, 'No tasks match.');
      return;
    }
    const ownerOf = await ownerLabels(app.ctx);
    const table = new Table({
      style: PLAIN,
      head: ['id', 'due', 'kind', 'title', 'lead', 'owner', 'closed'],
    });
    for (const t of tasks) {
      table.push([
        t.id,
        t.dueAt?.toISOString() ?? '',
        t.kind,
        t.title,
        t.leadId,
        ownerOf(t.ownerId),
        t.doneAt
          ? `${t.closedReason ?? 'completed'} ${t.doneAt.toISOString()}${t.outcome ? ` (${t.outcome})` : ''}`
          : '',
      ]);
    }
    line(io.out, table.toString());
  });
}

/** A user by id or sign-in email, for `--owner` and `tasks assign`. */
async function userIdOf(ctx: AppContext, reference: string, path: string): Promise<string> {
  const user = reference.includes('@')
    ? await ctx.store.users.byEmail(reference.trim().toLowerCase())
    : await ctx.store.users.byId(reference);
  if (!user) throw HearthError.invalid([{ path, message: `no user is ${reference}` }]);
  return user.id;
}

/** An ISO 8601 time, or a quick pick: `1h`, `tomorrow` (9:00 in the zone), `next-week` (in 7 days, 9:00). */
export function dueFrom(text: string, now: Date, timeZone: string, path: string): Date {
  switch (text) {
    case '1h':
      return new Date(now.getTime() + 3_600_000);
    case 'tomorrow':
      return localTimeOn(now, timeZone, 1, 9);
    case 'next-week':
      return localTimeOn(now, timeZone, 7, 9);
  }
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) {
    throw HearthError.invalid([
      { path, message: 'give an ISO 8601 time (2026-11-02T10:00:00Z) or 1h, tomorrow, next-week' },
    ]);
  }
  return at;
}

/** `hearth tasks add LEAD --kind call --title …`: a task on a lead. */
export async function addTaskCommand(
  io: Io,
  reference: string,
  options: { kind: TaskKind; title: string; due?: string; owner?: string; notes?: string; tz?: string },
): Promise<void> {
  const timeZone = timeZoneOption(options.tz);
  if (options.due !== undefined) dueFrom(options.due, new Date(), timeZone, '--due');
  await withApp(io, async (app) => {
    const lead = await findLead(app.ctx, OPERATOR, reference);
    const dueAt = options.due === undefined ? null : dueFrom(options.due, app.ctx.clock(), timeZone, '--due');
    const ownerId =
      options.owner === undefined
        ? undefined
        : options.owner === 'none'
          ? null
          : await userIdOf(app.ctx, options.owner, '--owner');
    const task = await createTask(app.ctx, OPERATOR, {
      leadId: lead.id,
      kind: options.kind,
      title: options.title,
      dueAt: dueAt?.toISOString() ?? null,
      ...(ownerId !== undefined ? { ownerId } : {}),
      ...(options.notes !== undefined ? { notes: options.notes } : {}),
    });
    line(io.out, `Added ${taskLine(task)} on ${whoOf(lead)}.`);
  });
}

/** `hearth tasks done ID --outcome …`: completes a task, logging the touch; prints the suggested next step. */
export async function doneTaskCommand(
  io: Io,
  id: string,
  options: { as?: TaskActivity; outcome?: string; note?: string; tz?: string },
): Promise<void> {
  const timeZone = timeZoneOption(options.tz);
  await withApp(io, async (app) => {
    const { task, eventId, nextStep } = await completeTask(app.ctx, OPERATOR, id, {
      ...(options.as !== undefined ? { activity: options.as } : {}),
      ...(options.outcome !== undefined ? { outcome: options.outcome } : {}),
      ...(options.note !== undefined ? { note: options.note } : {}),
    });
    line(
      io.out,
      `Completed ${task.kind}: ${task.title}${task.outcome ? ` (${task.outcome})` : ''}${eventId !== null ? `; logged event ${eventId}` : ''}.`,
    );
    line(
      io.out,
      `Next step? hearth tasks add ${task.leadId} --kind ${nextStep.kind} --title "${nextStep.title}" --due ${localTimeOn(app.ctx.clock(), timeZone, nextStep.inDays, 9).toISOString()}`,
    );
  });
}

/** `hearth tasks snooze ID --until …`: a new due time. */
export async function snoozeTaskCommand(
  io: Io,
  id: string,
  options: { until: string; tz?: string },
): Promise<void> {
  const timeZone = timeZoneOption(options.tz);
  dueFrom(options.until, new Date(), timeZone, '--until'); // bad input is refused before the database opens
  await withApp(io, async (app) => {
    const dueAt = dueFrom(options.until, app.ctx.clock(), timeZone, '--until');
    const task = await updateTask(app.ctx, OPERATOR, id, { dueAt: dueAt.toISOString() });
    line(io.out, `Snoozed ${task.kind}: ${task.title} to ${task.dueAt?.toISOString()}.`);
  });
}

/** `hearth tasks assign ID USER`: another owner (`none` unassigns). */
export async function assignTaskCommand(io: Io, id: string, owner: string): Promise<void> {
  await withApp(io, async (app) => {
    const ownerId = owner === 'none' ? null : await userIdOf(app.ctx, owner, 'owner');
    const task = await updateTask(app.ctx, OPERATOR, id, { ownerId });
    line(io.out, `Assigned ${task.kind}: ${task.title} to ${owner === 'none' ? 'nobody' : owner}.`);
  });
}

/** `hearth outcome LEAD STATUS`: won (customer), lost, disqualified, or re-open. */
export async function outcomeCommand(
  io: Io,
  reference: string,
  status: LeadStatus,
  options: { reason?: string; value?: string; currency?: string; at?: string },
): Promise<void> {
  const value = options.value === undefined ? undefined : Number(options.value);
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw HearthError.invalid([{ path: '--value', message: 'must be a number ≥ 0' }]);
  }
  if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) {
    throw HearthError.invalid([
      { path: '--at', message: 'must be an ISO 8601 time, e.g. 2026-11-02T10:00:00Z' },
    ]);
  }
  await withApp(io, async (app) => {
    const lead = await findLead(app.ctx, OPERATOR, reference);
    const { change } = await recordOutcome(app.ctx, OPERATOR, lead.id, {
      status,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(options.currency !== undefined ? { currency: options.currency.toUpperCase() } : {}),
      ...(options.at !== undefined ? { at: new Date(options.at).toISOString() } : {}),
    });
    line(io.out, `${lead.email ?? lead.id}: ${change.from} → ${change.to} at ${change.at.toISOString()}`);
  });
}
