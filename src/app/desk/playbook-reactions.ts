import { isHistoricalSignal } from '../../domain/desk/history.js';
import { nextInRotation, routeLead } from '../../domain/desk/routing.js';
import type { DeskSettings } from '../../domain/desk/settings.js';
import type { Signal } from '../../domain/desk/signal.js';
import { type FirstTouchTimer, isTouch } from '../../domain/desk/speed-to-lead.js';
import type { Lead } from '../../domain/lead.js';
import type { Store } from '../../store/store.js';
import type { BatchFacts } from './history.js';
import { handOverOpenTasks } from './lead-changes.js';
import { taskCreated, taskFacts } from './signals.js';
import { completeTouchedTasks } from './speed-to-lead.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Events read when looking for a touch that came before its clock (missed calls are skipped). */
const EARLY_TOUCH_LOOKAHEAD = 50;

/**
 * What the playbook does by itself when a signal is dispatched (SPEC §2 Playbook): a lead that
 * turns hot — live, not history — is routed to an owner and gets a "contact now" task with a
 * speed-to-lead timer; a lead that cools before anyone touched it has that clock and task closed
 * (`cooled`); a lead lost after being hot gets a follow-up task. Runs in the dispatcher's
 * transaction, so each happens exactly once per signal.
 */
export async function runPlaybook(
  store: Store,
  signal: Signal,
  settings: DeskSettings,
  facts: BatchFacts,
  now: Date,
): Promise<void> {
  if (signal.leadId === null) return;
  switch (signal.type) {
    case 'lead.temperature_changed': {
      const { to, from, transitionId, at, cause } = signal.payload as {
        to: string;
        from: string;
        transitionId: number;
        at: string;
        cause: { kind: string };
      };
      if (to === 'hot' && from !== 'hot' && !isHistoricalSignal(signal)) {
        const turn = {
          transitionId,
          recordedAt: signal.recordedAt,
          at: new Date(at),
          byEvent: cause.kind === 'event',
        };
        await handOver(store, signal.leadId, turn, settings, now);
      }
      if (from === 'hot' && to !== 'hot' && facts.temperatures.get(signal.leadId) !== 'hot') {
        await closeCooled(store, signal.leadId, new Date(at), now);
      }
      return;
    }
    case 'lead.status_changed': {
      const { to, wasHot, at } = signal.payload as { to: string; wasHot: boolean; at: string };
      if (to === 'lost' && wasHot && settings.lostFollowUp.enabled) {
        await followUpLoss(store, signal.leadId, new Date(at), settings, now);
      }
      return;
    }
    default:
      return;
  }
}

async function lockLead(store: Store, leadId: string): Promise<Lead | undefined> {
  return (await store.scoring.lockForScoring([leadId])).get(leadId)?.lead;
}

/** A lead's live turn to hot, as the desk hears of it. */
interface HotTurn {
  readonly transitionId: number;
  /** When the lead turned hot: an event's time, or the instant a window opened. */
  readonly at: Date;
  /** When Hearth stored the turn. */
  readonly recordedAt: Date;
  /** Caused by an event (rather than computed by Hearth: a window, a rep's answer, an edit). */
  readonly byEvent: boolean;
}

/**
 * Hands a lead that just turned hot — live: hot now, within the live window — to sales: an
 * owner, a task, a running clock.
 *
 * The clock measures the desk from when Hearth knew (docs/lead-desk.md, "History never creates
 * live work"): from when an event's turn was stored — its `occurredAt` may be a little earlier (a
 * retried form webhook) — and from the instant itself for a turn Hearth computes on its own.
 */
async function handOver(
  store: Store,
  leadId: string,
  turn: HotTurn,
  settings: DeskSettings,
  now: Date,
): Promise<void> {
  const lead = await lockLead(store, leadId);
  // Won, lost and disqualified leads are not in the hot queue (SPEC §2 Lead status).
  if (lead?.status !== 'open') return;
  const startedAt = turn.byEvent ? turn.recordedAt : turn.at;
  const ownerId = await assignOwner(store, lead, settings, now);
  if (!settings.speedToLead.enabled) return;
  const timer = await store.desk.startTimer({
    leadId,
    transitionId: turn.transitionId,
    startedAt,
    dueAt: new Date(startedAt.getTime() + settings.speedToLead.slaMinutes * MINUTE_MS),
    ownerId,
  });
  // Already running from an earlier turn to hot that nobody answered: that clock keeps going.
  if (!timer) return;
  const task = await store.tasks.create(
    {
      leadId,
      kind: settings.speedToLead.taskKind,
      title: settings.speedToLead.taskTitle,
      ownerId,
      dueAt: timer.dueAt,
      sla: true,
      origin: 'speed_to_lead',
      createdBy: 'playbook',
    },
    now,
  );
  await store.desk.attachTask(timer.id, task.id);
  await store.signals.emit([taskCreated(task)], now);
  // A rep quick enough to call before this ran (the dispatcher follows the change by moments)
  // has already touched the lead: that call stops the clock.
  const touchTypes = new Set(settings.speedToLead.touchEvents);
  const candidates = await store.desk.eventsSince(leadId, [...touchTypes], startedAt, EARLY_TOUCH_LOOKAHEAD);
  const early = candidates.find((e) => isTouch(e, touchTypes));
  if (early) {
    const touch = { leadId, at: early.occurredAt, touch: early.type };
    await completeTouchedTasks(store, await store.desk.recordTouches([touch]));
  }
}

/**
 * A lead that cooled before anyone touched it leaves the queue's *Now*: its running clock closes
 * (`cooled`) at the instant it cooled — so a clock that ran past its deadline first still counts
 * as a breach in the analytics, and one that cooled in time has no SLA result — and its
 * "contact now" task closes with it.
 */
async function closeCooled(store: Store, leadId: string, cooledAt: Date, now: Date): Promise<void> {
  const closed = await store.desk.closeRunning(leadId, cooledAt, 'cooled');
  if (closed.length === 0) return;
  await store.tasks.closeOpenOfLead(leadId, 'cooled', cooledAt, now, 'sla');
}

/** Routes the lead per the settings and returns its owner afterwards (null: the shared queue). */
async function assignOwner(
  store: Store,
  lead: Lead,
  settings: DeskSettings,
  now: Date,
): Promise<string | null> {
  if (settings.routing.mode === 'none' && settings.routing.rules.length === 0) return lead.ownerId;
  const users = await store.users.list();
  const last = await store.desk.lockRotation();
  const decision = routeLead({ lead, users, lastAssigned: last, routing: settings.routing });
  if (decision.kind !== 'assign') return decision.kind === 'keep' ? decision.ownerId : lead.ownerId;
  if (decision.by !== 'fixed') await store.desk.setRotation(decision.ownerId);
  if (decision.ownerId !== lead.ownerId) {
    await store.leads.update(lead.id, { ownerId: decision.ownerId }, now);
    await handOverOpenTasks(store, lead.id, lead.ownerId, decision.ownerId, now);
    await store.audit.record({
      action: 'lead.assign',
      entity: 'lead',
      entityId: lead.id,
      details: { ownerId: decision.ownerId, previousOwnerId: lead.ownerId, by: decision.by },
    });
  }
  return decision.ownerId;
}

async function followUpLoss(
  store: Store,
  leadId: string,
  lostAt: Date,
  settings: DeskSettings,
  now: Date,
): Promise<void> {
  const lead = await lockLead(store, leadId);
  // Re-opened or won since (before this ran): there is no loss left to follow up.
  if (lead?.status !== 'lost') return;
  const task = await store.tasks.create(
    {
      leadId,
      kind: 'call',
      title: settings.lostFollowUp.taskTitle,
      ownerId: lead.ownerId,
      dueAt: new Date(lostAt.getTime() + settings.lostFollowUp.delayDays * DAY_MS),
      origin: 'follow_up',
      createdBy: 'playbook',
    },
    now,
  );
  await store.signals.emit([taskCreated(task)], now);
}

/**
 * Marks speed-to-lead timers past their deadline as breached and announces each (`sla.breached`),
 * naming the managers to alert and, when the settings say so, giving the lead to the next rep.
 */
export async function sweepBreaches(
  store: Store,
  settings: DeskSettings,
  now: Date,
  limit: number,
): Promise<number> {
  const timers = await store.desk.claimBreaches(now, limit);
  if (timers.length === 0) return 0;
  const users = await store.users.list();
  const managers = settings.escalation.notifyManagers
    ? users
        .filter((u) => u.role === 'manager' && u.active)
        .map((u) => ({ id: u.id, name: u.name, email: u.email }))
    : [];
  for (const timer of timers) {
    const reassignedTo = settings.escalation.reassign ? await reassign(store, timer, now) : null;
    await store.signals.emit(
      [
        {
          type: 'sla.breached',
          leadId: timer.leadId,
          occurredAt: timer.dueAt,
          payload: {
            leadId: timer.leadId,
            timerId: timer.id,
            taskId: timer.taskId,
            ownerId: timer.ownerId,
            startedAt: timer.startedAt.toISOString(),
            dueAt: timer.dueAt.toISOString(),
            slaMinutes: Math.round((timer.dueAt.getTime() - timer.startedAt.getTime()) / MINUTE_MS),
            notify: managers,
            reassignedTo,
          },
        },
      ],
      now,
    );
  }
  return timers.length;
}

/** Escalation: the next active rep in the rotation other than the current owner takes over. */
async function reassign(store: Store, timer: FirstTouchTimer, now: Date): Promise<string | null> {
  const users = await store.users.list();
  const reps = users.filter((u) => u.active && u.role === 'rep' && u.id !== timer.ownerId).map((u) => u.id);
  const next = nextInRotation(reps, await store.desk.lockRotation());
  if (next === undefined) return null;
  await store.desk.setRotation(next);
  await store.leads.update(timer.leadId, { ownerId: next }, now);
  await store.tasks.reassignOpenSla(timer.leadId, next, now);
  await handOverOpenTasks(store, timer.leadId, timer.ownerId, next, now);
  await store.desk.setTimerOwner(timer.id, next);
  await store.audit.record({
    action: 'lead.assign',
    entity: 'lead',
    entityId: timer.leadId,
    details: { ownerId: next, previousOwnerId: timer.ownerId, by: 'sla_escalation' },
  });
  return next;
}

/** Announces tasks whose due time passed (`task.overdue`), once each. */
export async function sweepOverdue(store: Store, now: Date, limit: number): Promise<number> {
  const tasks = await store.tasks.claimOverdue(now, limit);
  await store.signals.emit(
    tasks.map((task) => ({
      type: 'task.overdue' as const,
      leadId: task.leadId,
      occurredAt: task.dueAt ?? now,
      payload: taskFacts(task),
    })),
    now,
  );
  return tasks.length;
}
