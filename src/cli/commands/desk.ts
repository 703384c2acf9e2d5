import Table from 'cli-table3';
import { recordOutcome } from '../../app/desk/outcomes.js';
import { hotQueue } from '../../app/desk/queue.js';
import { listTasks } from '../../app/desk/tasks.js';
import { findLead } from '../../app/leads/lead-service.js';
import type { SlaView } from '../../domain/desk/speed-to-lead.js';
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
      return 'closed';
  }
}

/** `hearth queue`: who to contact now. */
export async function queueCommand(io: Io, options: { limit: string; json?: boolean }): Promise<void> {
  const limit = parseLimit(options.limit);
  await withApp(io, async (app) => {
    const items = await hotQueue(app.ctx, OPERATOR, limit);
    if (options.json) {
      line(io.out, JSON.stringify(items, null, 2));
      return;
    }
    if (items.length === 0) {
      line(io.out, 'The queue is empty: no hot leads and no tasks due.');
      return;
    }
    const table = new Table({ style: PLAIN, head: ['waiting since', 'what', 'lead', 'owner', 'SLA / due'] });
    for (const item of items) {
      const who = item.lead.email ?? item.lead.name ?? item.lead.id;
      table.push(
        item.kind === 'lead'
          ? [
              item.waitingSince.toISOString(),
              'hot lead',
              who,
              item.lead.ownerId ?? '(unassigned)',
              describeSla(item.sla),
            ]
          : [
              item.waitingSince.toISOString(),
              `${item.task.kind}: ${item.task.title}`,
              who,
              item.task.ownerId ?? '(unassigned)',
              item.state,
            ],
      );
    }
    line(io.out, table.toString());
  });
}

/** `hearth tasks`: tasks, soonest due first. */
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
    const tasks = await listTasks(app.ctx, OPERATOR, {
      ...(options.state !== undefined ? { state: options.state } : {}),
      ...(options.owner !== undefined ? { owner: options.owner } : {}),
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
    const table = new Table({ style: PLAIN, head: ['id', 'due', 'kind', 'title', 'lead', 'owner', 'done'] });
    for (const t of tasks) {
      table.push([
        t.id,
        t.dueAt?.toISOString() ?? '',
        t.kind,
        t.title,
        t.leadId,
        t.ownerId ?? '',
        t.doneAt?.toISOString() ?? '',
      ]);
    }
    line(io.out, table.toString());
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
