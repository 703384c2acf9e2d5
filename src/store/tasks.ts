import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Task, TaskClosedReason, TaskKind, TaskOrigin } from '../domain/desk/task.js';
import type { Database, TasksTable } from './schema.js';

export interface NewTask {
  readonly leadId: string;
  readonly kind: TaskKind;
  readonly title: string;
  readonly notes?: string | null;
  readonly ownerId: string | null;
  readonly dueAt: Date | null;
  readonly sla?: boolean;
  readonly origin: TaskOrigin;
  readonly createdBy: string | null;
}

export interface TaskChanges {
  readonly kind?: TaskKind;
  readonly title?: string;
  readonly notes?: string | null;
  readonly ownerId?: string | null;
  readonly dueAt?: Date | null;
  readonly doneAt?: Date | null;
  readonly closedReason?: TaskClosedReason | null;
  readonly outcome?: string | null;
}

export interface TaskQuery {
  readonly leadId?: string;
  /** A user id, or null for unassigned tasks. */
  readonly ownerId?: string | null;
  readonly state?: 'open' | 'done' | 'overdue' | 'due';
  /** `due` means due by this instant (now + the due-soon window); `overdue` before `now`. */
  readonly now: Date;
  readonly dueBy?: Date;
  /** A rep: their own tasks and the unassigned ones on leads they may see. */
  readonly visibleTo?: string;
  readonly limit: number;
  /** Keyset position: tasks after this (due_at nulls last, id). */
  readonly after?: { readonly dueAt: Date | null; readonly id: string };
}

export interface TaskStore {
  create(task: NewTask, now: Date): Promise<Task>;
  byId(id: string): Promise<Task | undefined>;
  /** Locks the task for the rest of the transaction. */
  lock(id: string): Promise<Task | undefined>;
  update(id: string, changes: TaskChanges, now: Date): Promise<Task | undefined>;
  list(query: TaskQuery): Promise<Task[]>;
  openOf(leadIds: readonly string[]): Promise<Task[]>;
  /**
   * Claims open tasks whose due time passed and that were not yet announced as overdue
   * (`for update skip locked`), and marks them announced.
   */
  claimOverdue(now: Date, limit: number): Promise<Task[]>;
  /** Gives a lead's open SLA tasks to another owner (escalation). */
  reassignOpenSla(leadId: string, ownerId: string, now: Date): Promise<void>;
  /** Gives a lead's open tasks owned by `from` to `to` (null: unassigned); returns how many moved. */
  moveOpenOfOwner(leadId: string, from: string, to: string | null, now: Date): Promise<number>;
  /**
   * Closes a lead's open tasks because of what became of the lead (docs/lead-desk.md, "Work
   * follows the lead"): won, lost, disqualified, merged away — or, with `only: 'sla'`, its
   * "contact now" tasks when it cooled. Done at `at`, or at a task's creation if that is later (a
   * backdated outcome), with the reason. Returns the tasks closed.
   */
  closeOpenOfLead(leadId: string, reason: LeadFateReason, at: Date, now: Date, only?: 'sla'): Promise<Task[]>;
}

export function toTask(row: Selectable<TasksTable>): Task {
  return {
    id: row.id,
    leadId: row.lead_id,
    kind: row.kind,
    title: row.title,
    notes: row.notes,
    ownerId: row.owner_id,
    dueAt: row.due_at,
    doneAt: row.done_at,
    closedReason: row.closed_reason,
    outcome: row.outcome,
    sla: row.sla,
    origin: row.origin,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

export function taskStore(db: Kysely<Database> | Transaction<Database>): TaskStore {
  return {
    create: async (task, now) =>
      toTask(
        await db
          .insertInto('tasks')
          .values({
            lead_id: task.leadId,
            kind: task.kind,
            title: task.title,
            notes: task.notes ?? null,
            owner_id: task.ownerId,
            due_at: task.dueAt,
            sla: task.sla ?? false,
            origin: task.origin,
            created_by: task.createdBy,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    byId: async (id) => {
      const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toTask(row);
    },
    lock: async (id) => {
      const row = await db
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return row && toTask(row);
    },
    update: async (id, changes, now) => {
      const row = await db
        .updateTable('tasks')
        .set({
          ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
          ...(changes.title !== undefined ? { title: changes.title } : {}),
          ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
          ...(changes.ownerId !== undefined ? { owner_id: changes.ownerId } : {}),
          // A new due time may be overdue again later: announce that again.
          ...(changes.dueAt !== undefined ? { due_at: changes.dueAt, overdue_signalled_at: null } : {}),
          ...(changes.doneAt !== undefined ? { done_at: changes.doneAt } : {}),
          ...(changes.closedReason !== undefined ? { closed_reason: changes.closedReason } : {}),
          ...(changes.outcome !== undefined ? { outcome: changes.outcome } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toTask(row);
    },
    list: async (query) => {
      let q = db.selectFrom('tasks').selectAll('tasks');
      if (query.leadId !== undefined) q = q.where('tasks.lead_id', '=', query.leadId);
      if (query.ownerId !== undefined) {
        q =
          query.ownerId === null
            ? q.where('tasks.owner_id', 'is', null)
            : q.where('tasks.owner_id', '=', query.ownerId);
      }
      if (query.visibleTo !== undefined) {
        const me = query.visibleTo;
        q = q.where((eb) =>
          eb.or([
            eb('tasks.owner_id', '=', me),
            eb.and([
              eb('tasks.owner_id', 'is', null),
              eb.exists(
                eb
                  .selectFrom('leads')
                  .select('leads.id')
                  .whereRef('leads.id', '=', 'tasks.lead_id')
                  .where((l) => l.or([l('leads.owner_id', 'is', null), l('leads.owner_id', '=', me)])),
              ),
            ]),
          ]),
        );
      }
      switch (query.state) {
        case undefined:
          break;
        case 'open':
          q = q.where('tasks.done_at', 'is', null);
          break;
        case 'done':
          q = q.where('tasks.done_at', 'is not', null);
          break;
        case 'overdue':
          q = q.where('tasks.done_at', 'is', null).where('tasks.due_at', '<', query.now);
          break;
        case 'due':
          q = q.where('tasks.done_at', 'is', null).where('tasks.due_at', '<=', query.dueBy ?? query.now);
          break;
      }
      // Soonest due first; unscheduled tasks last. The coalesced key is what the keyset uses.
      const dueKey = sql<Date>`coalesce(tasks.due_at, ${FAR_FUTURE.toISOString()}::timestamptz)`;
      if (query.after) {
        const afterDue = query.after.dueAt ?? FAR_FUTURE;
        const afterId = query.after.id;
        q = q.where((eb) =>
          eb.or([
            eb(dueKey, '>', afterDue),
            eb.and([eb(dueKey, '=', afterDue), eb('tasks.id', '>', afterId)]),
          ]),
        );
      }
      const rows = await q.orderBy(dueKey).orderBy('tasks.id').limit(query.limit).execute();
      return rows.map(toTask);
    },
    openOf: async (leadIds) => {
      if (leadIds.length === 0) return [];
      const rows = await db
        .selectFrom('tasks')
        .selectAll()
        .where('lead_id', 'in', [...leadIds])
        .where('done_at', 'is', null)
        .orderBy('due_at')
        .orderBy('id')
        .execute();
      return rows.map(toTask);
    },
    claimOverdue: async (now, limit) => {
      const rows = await db
        .updateTable('tasks')
        .set({ overdue_signalled_at: now })
        .where(
          'id',
          'in',
          db
            .selectFrom('tasks')
            .select('id')
            .where('done_at', 'is', null)
            .where('due_at', '<', now)
            .where('overdue_signalled_at', 'is', null)
            .orderBy('due_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      return rows.map(toTask).sort((a, b) => (a.dueAt?.getTime() ?? 0) - (b.dueAt?.getTime() ?? 0));
    },
    reassignOpenSla: async (leadId, ownerId, now) => {
      await db
        .updateTable('tasks')
        .set({ owner_id: ownerId, updated_at: now })
        .where('lead_id', '=', leadId)
        .where('sla', '=', true)
        .where('done_at', 'is', null)
        .execute();
    },
    moveOpenOfOwner: async (leadId, from, to, now) => {
      const result = await db
        .updateTable('tasks')
        .set({ owner_id: to, updated_at: now })
        .where('lead_id', '=', leadId)
        .where('owner_id', '=', from)
        .where('done_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    closeOpenOfLead: async (leadId, reason, at, now, only) => {
      let q = db
        .updateTable('tasks')
        .set({
          done_at: sql<Date>`greatest(${at.toISOString()}::timestamptz, created_at)`,
          closed_reason: reason,
          updated_at: now,
        })
        .where('lead_id', '=', leadId)
        .where('done_at', 'is', null);
      if (only === 'sla') q = q.where('sla', '=', true);
      return (await q.returningAll().execute()).map(toTask);
    },
  };
}

/** Why the desk closes a task by itself: what became of its lead (every closed reason but `completed`). */
export type LeadFateReason = Exclude<NonNullable<TasksTable['closed_reason']>, 'completed'>;
