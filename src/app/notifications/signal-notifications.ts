import type { Signal } from '../../domain/desk/signal.js';
import type { LeadMention } from '../../domain/notifications/kinds.js';
import { whyHot } from '../../domain/notifications/messages.js';
import { recipientsOf } from '../../domain/notifications/recipients.js';
import { temperatureChecks } from '../../domain/scoring/checks.js';
import { temperatureAt } from '../../domain/scoring/temperature.js';
import type { Store } from '../../store/store.js';
import type { User } from '../../store/users.js';
import { currentState } from '../scoring/scoring-service.js';
import { notify, usersById } from './notify.js';

/**
 * The desk's signals that notify people, as a signal consumer (src/app/desk/signal-consumers.ts):
 * a lead that turned hot, a missed speed-to-lead deadline, a task come due. Registered live only,
 * so history notifies nobody; it runs in the dispatcher's transaction after the playbook, so the
 * hot lead already has its owner and its clock, and each notification is stored exactly when its
 * signal is marked dispatched.
 */
export async function notifyPeople(store: Store, signals: readonly Signal[], now: Date): Promise<void> {
  const relevant = signals.filter(
    (s) =>
      (s.type === 'lead.temperature_changed' && s.payload.to === 'hot' && s.payload.from !== 'hot') ||
      s.type === 'sla.breached' ||
      s.type === 'task.overdue',
  );
  if (relevant.length === 0) return;
  const users = await usersById(store);
  const people = [...users.values()];
  const mentions = await store.notifications.leadMentions([
    ...new Set(relevant.flatMap((s) => (s.leadId === null ? [] : [s.leadId]))),
  ]);
  for (const signal of relevant) {
    const lead = signal.leadId === null ? undefined : mentions.get(signal.leadId);
    if (!lead) continue; // erased since
    switch (signal.type) {
      case 'lead.temperature_changed':
        await leadTurnedHot(store, signal, lead, users, now);
        break;
      case 'sla.breached': {
        const p = signal.payload as {
          timerId: number;
          ownerId: string | null;
          dueAt: string;
          slaMinutes: number;
          notify: { id: string }[];
          reassignedTo: string | null;
        };
        const recipients = recipientsOf(
          {
            kind: 'sla_breached',
            ownerId: p.ownerId,
            managerIds: p.notify.map((m) => m.id),
            reassignedTo: p.reassignedTo,
          },
          people,
        );
        const nameOf = (id: string | null) => (id === null ? null : (users.get(id)?.name ?? null));
        await notify(
          store,
          {
            kind: 'sla_breached',
            dedupeKey: `sla_breached:${p.timerId}`,
            leadId: lead.id,
            factsFor: (r) => ({
              kind: 'sla_breached',
              lead,
              timerId: p.timerId,
              dueAt: p.dueAt,
              slaMinutes: p.slaMinutes,
              ownerName: nameOf(p.ownerId),
              reassignedToName: nameOf(p.reassignedTo),
              escalation: r === 'team' || r.escalation,
            }),
          },
          recipients,
          users,
          now,
        );
        break;
      }
      case 'task.overdue': {
        const p = signal.payload as {
          taskId: string;
          title: string;
          ownerId: string | null;
          dueAt: string | null;
          sla: boolean;
        };
        if (p.dueAt === null) break;
        const dueAt = p.dueAt;
        await notify(
          store,
          {
            kind: 'task_due',
            // A task rescheduled comes due again: a new occasion.
            dedupeKey: `task_due:${p.taskId}:${dueAt}`,
            leadId: lead.id,
            factsFor: () => ({ kind: 'task_due', lead, taskId: p.taskId, title: p.title, dueAt }),
          },
          recipientsOf({ kind: 'task_due', ownerId: p.ownerId, sla: p.sla }, people),
          users,
          now,
        );
        break;
      }
      default:
        break;
    }
  }
}

/**
 * A live turn to hot of an open lead: its owner (routed by the playbook a moment ago) hears who,
 * why — the temperature checks the lead page shows — and the speed-to-lead deadline.
 */
async function leadTurnedHot(
  store: Store,
  signal: Signal,
  mention: LeadMention,
  users: ReadonlyMap<string, User>,
  now: Date,
): Promise<void> {
  const lead = await store.leads.byId(mention.id);
  if (lead?.status !== 'open') return;
  const model = await store.scoring.activeModel();
  const stored = (await store.scoring.statesOf([lead.id])).get(lead.id) ?? null;
  const state = await currentState(store, lead, stored, model, now);
  const reading = temperatureAt(state, lead, model, now);
  if (reading.temperature !== 'hot') return;
  const reason = whyHot(temperatureChecks(model, reading, state.head, lead), reading.hotBecause);
  const timer = (await store.desk.latestTimers([lead.id])).get(lead.id);
  const running = timer && timer.touchedAt === null && timer.closedAt === null ? timer : null;
  const { transitionId, at } = signal.payload as { transitionId: number; at: string };
  await notify(
    store,
    {
      kind: 'lead_hot',
      dedupeKey: `lead_hot:${transitionId}`,
      leadId: lead.id,
      factsFor: () => ({
        kind: 'lead_hot',
        lead: mention,
        reason,
        turnedHotAt: at,
        dueAt: running?.dueAt.toISOString() ?? null,
      }),
    },
    recipientsOf({ kind: 'lead_hot', ownerId: lead.ownerId }, [...users.values()]),
    users,
    now,
  );
}
