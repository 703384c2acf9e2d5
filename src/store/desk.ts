import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { FirstTouchTimer } from '../domain/desk/speed-to-lead.js';
import type { StatusChange } from '../domain/desk/status.js';
import type { Lead, LeadStatus } from '../domain/lead.js';
import { toLead } from './leads.js';
import type { Database, FirstTouchTimersTable, LeadStatusChangesTable } from './schema.js';

export interface NewTimer {
  readonly leadId: string;
  readonly transitionId: number;
  readonly startedAt: Date;
  readonly dueAt: Date;
  readonly ownerId: string | null;
}

export interface Touch {
  readonly leadId: string;
  readonly at: Date;
  /** What it was: an event type, or `task` for a completed SLA task. */
  readonly touch: string;
}

export type NewStatusChange = Omit<StatusChange, 'id'>;

/** Speed-to-lead timers, status history and routing state: what the desk keeps besides tasks. */
export interface DeskStore {
  /**
   * Starts a timer for a transition to hot. Undefined when the transition already has one or the
   * lead has a running timer (one clock per hot episode).
   */
  startTimer(timer: NewTimer): Promise<FirstTouchTimer | undefined>;
  attachTask(timerId: number, taskId: string): Promise<void>;
  /**
   * Stops running timers with their first touch: for each lead, the earliest touch at or after the
   * timer's start. Returns the timers stopped.
   */
  recordTouches(touches: readonly Touch[]): Promise<FirstTouchTimer[]>;
  /**
   * A lead's first events of these types at or after `since`, oldest first (the touches that may
   * have come before its timer was started).
   */
  eventsSince(
    leadId: string,
    types: readonly string[],
    since: Date,
    limit: number,
  ): Promise<{ type: string; occurredAt: Date; properties: Record<string, unknown> }[]>;
  /** Stops the running timer whose task this is. */
  touchByTask(taskId: string, at: Date): Promise<FirstTouchTimer | undefined>;
  /**
   * Stops a lead's running timer without a touch (won, lost, disqualified: `status …`; merged
   * away; `cooled`) at `at` — or at its start, if that is later — and returns it.
   */
  closeRunning(leadId: string, at: Date, reason: string): Promise<FirstTouchTimer[]>;
  /** Claims running timers past their deadline not yet marked breached, and marks them. */
  claimBreaches(now: Date, limit: number): Promise<FirstTouchTimer[]>;
  setTimerOwner(timerId: number, ownerId: string): Promise<void>;
  /** The newest timer of each lead. */
  latestTimers(leadIds: readonly string[]): Promise<Map<string, FirstTouchTimer>>;
  timersOf(leadId: string): Promise<FirstTouchTimer[]>;
  addStatusChange(change: NewStatusChange): Promise<StatusChange>;
  statusChangesOf(leadId: string): Promise<StatusChange[]>;
  /** Whether the lead has ever been hot (a stored transition to hot). */
  wasEverHot(leadId: string): Promise<boolean>;
  /**
   * Open hot leads, those with an untouched speed-to-lead clock first, then longest hot first (the
   * hot queue); `visibleTo` restricts to a rep's own and unassigned leads.
   */
  hotQueue(
    visibleTo: string | undefined,
    limit: number,
  ): Promise<{ readonly lead: Lead; readonly hotSince: Date }[]>;
  /** The user the rotation gave a lead to last; locks the cursor for the transaction. */
  lockRotation(): Promise<string | null>;
  setRotation(userId: string): Promise<void>;
}

function toTimer(r: Selectable<FirstTouchTimersTable>): FirstTouchTimer {
  return {
    id: r.id,
    leadId: r.lead_id,
    startedAt: r.started_at,
    dueAt: r.due_at,
    ownerId: r.owner_id,
    taskId: r.task_id,
    touchedAt: r.touched_at,
    touch: r.touch,
    elapsedMs: r.elapsed_ms,
    breachedAt: r.breached_at,
    closedAt: r.closed_at,
    closedReason: r.closed_reason,
  };
}

function toStatusChange(r: Selectable<LeadStatusChangesTable>): StatusChange {
  return {
    id: r.id,
    leadId: r.lead_id,
    from: r.from_status as LeadStatus,
    to: r.to_status as LeadStatus,
    at: r.at,
    recordedAt: r.recorded_at,
    reason: r.reason,
    value: r.value === null ? null : Number(r.value),
    currency: r.currency,
    wasHot: r.was_hot,
    actor: r.actor,
  };
}

const ROTATION_KEY = 'desk.rotation';

export function deskStore(db: Kysely<Database> | Transaction<Database>): DeskStore {
  const running = () =>
    db.updateTable('first_touch_timers').where('touched_at', 'is', null).where('closed_at', 'is', null);
  return {
    startTimer: async (timer) => {
      const row = await db
        .insertInto('first_touch_timers')
        .values({
          lead_id: timer.leadId,
          transition_id: timer.transitionId,
          started_at: timer.startedAt,
          due_at: timer.dueAt,
          owner_id: timer.ownerId,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row && toTimer(row);
    },
    attachTask: async (timerId, taskId) => {
      await db.updateTable('first_touch_timers').set({ task_id: taskId }).where('id', '=', timerId).execute();
    },
    recordTouches: async (touches) => {
      if (touches.length === 0) return [];
      const { rows } = await sql<Selectable<FirstTouchTimersTable>>`
        update first_touch_timers t
        set touched_at = first.at, touch = first.touch,
            elapsed_ms = (extract(epoch from first.at - t.started_at) * 1000)::bigint
        from (
          select distinct on (v.lead_id) v.lead_id, v.at, v.touch
          from unnest(
            ${touches.map((t) => t.leadId)}::uuid[],
            ${touches.map((t) => t.at.toISOString())}::timestamptz[],
            ${touches.map((t) => t.touch)}::text[]) as v(lead_id, at, touch)
          join first_touch_timers r on r.lead_id = v.lead_id
            and r.touched_at is null and r.closed_at is null and v.at >= r.started_at
          order by v.lead_id, v.at
        ) as first
        where t.lead_id = first.lead_id and t.touched_at is null and t.closed_at is null
        returning t.*`.execute(db);
      return rows.map(toTimer);
    },
    eventsSince: async (leadId, types, since, limit) => {
      if (types.length === 0) return [];
      const rows = await db
        .selectFrom('events')
        .select(['type', 'occurred_at', 'properties'])
        .where('lead_id', '=', leadId)
        .where('type', 'in', [...types])
        .where('occurred_at', '>=', since)
        .orderBy('occurred_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        type: r.type,
        occurredAt: r.occurred_at,
        properties: r.properties,
      }));
    },
    touchByTask: async (taskId, at) => {
      const row = await running()
        .set({
          touched_at: at,
          touch: 'task',
          elapsed_ms: sql<number>`greatest(0, (extract(epoch from ${at.toISOString()}::timestamptz - started_at) * 1000)::bigint)`,
        })
        .where('task_id', '=', taskId)
        .returningAll()
        .executeTakeFirst();
      return row && toTimer(row);
    },
    closeRunning: async (leadId, at, reason) => {
      const rows = await running()
        .set({
          closed_at: sql<Date>`greatest(${at.toISOString()}::timestamptz, started_at)`,
          closed_reason: reason,
        })
        .where('lead_id', '=', leadId)
        .returningAll()
        .execute();
      return rows.map(toTimer);
    },
    claimBreaches: async (now, limit) => {
      const rows = await db
        .updateTable('first_touch_timers')
        .set({ breached_at: now })
        .where(
          'id',
          'in',
          db
            .selectFrom('first_touch_timers')
            .select('id')
            .where('touched_at', 'is', null)
            .where('closed_at', 'is', null)
            .where('breached_at', 'is', null)
            .where('due_at', '<', now)
            .orderBy('due_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      return rows.map(toTimer).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
    },
    setTimerOwner: async (timerId, ownerId) => {
      await db
        .updateTable('first_touch_timers')
        .set({ owner_id: ownerId })
        .where('id', '=', timerId)
        .execute();
    },
    latestTimers: async (leadIds) => {
      if (leadIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('first_touch_timers')
        .selectAll()
        .distinctOn('lead_id')
        .where('lead_id', 'in', [...leadIds])
        .orderBy('lead_id')
        .orderBy('id', 'desc')
        .execute();
      return new Map(rows.map((r) => [r.lead_id, toTimer(r)]));
    },
    timersOf: async (leadId) =>
      (
        await db
          .selectFrom('first_touch_timers')
          .selectAll()
          .where('lead_id', '=', leadId)
          .orderBy('id')
          .execute()
      ).map(toTimer),
    addStatusChange: async (change) =>
      toStatusChange(
        await db
          .insertInto('lead_status_changes')
          .values({
            lead_id: change.leadId,
            from_status: change.from,
            to_status: change.to,
            at: change.at,
            recorded_at: change.recordedAt,
            reason: change.reason,
            value: change.value,
            currency: change.currency,
            was_hot: change.wasHot,
            actor: change.actor,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    statusChangesOf: async (leadId) =>
      (
        await db
          .selectFrom('lead_status_changes')
          .selectAll()
          .where('lead_id', '=', leadId)
          .orderBy('id')
          .execute()
      ).map(toStatusChange),
    wasEverHot: async (leadId) =>
      (await db
        .selectFrom('lead_transitions')
        .select('id')
        .where('lead_id', '=', leadId)
        .where('to_temperature', '=', 'hot')
        .limit(1)
        .executeTakeFirst()) !== undefined,
    hotQueue: async (visibleTo, limit) => {
      let q = db
        .selectFrom('leads')
        .selectAll()
        .where('temperature', '=', 'hot')
        .where('status', '=', 'open');
      if (visibleTo !== undefined) {
        q = q.where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', visibleTo)]));
      }
      // Leads whose clock still runs first, so that a limit never cuts one off the queue's top.
      const untouched = sql<boolean>`exists (select 1 from first_touch_timers t where t.lead_id = leads.id and t.touched_at is null and t.closed_at is null)`;
      const rows = await q
        .orderBy(sql`${untouched} desc`)
        .orderBy('temperature_since')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ lead: toLead(row), hotSince: row.temperature_since ?? row.updated_at }));
    },
    lockRotation: async () => {
      await db
        .insertInto('settings')
        .values({ key: ROTATION_KEY, value: JSON.stringify({ last: null }) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', ROTATION_KEY)
        .forUpdate()
        .executeTakeFirstOrThrow();
      return (row.value as { last: string | null }).last;
    },
    setRotation: async (userId) => {
      await db
        .updateTable('settings')
        .set({ value: JSON.stringify({ last: userId }) })
        .where('key', '=', ROTATION_KEY)
        .execute();
    },
  };
}
