import type { NotificationKind } from './kinds.js';

/** A person who may be told: the fields the decision reads. */
export interface Person {
  readonly id: string;
  readonly role: 'admin' | 'manager' | 'rep';
  readonly active: boolean;
}

/** What the desk announced, reduced to what decides who hears of it. */
export type Occasion =
  | { readonly kind: 'lead_hot'; readonly ownerId: string | null }
  | { readonly kind: 'sla_warning'; readonly ownerId: string | null }
  | {
      readonly kind: 'sla_breached';
      readonly ownerId: string | null;
      /** The managers the desk named to alert (`escalation.notifyManagers`); empty when off. */
      readonly managerIds: readonly string[];
      readonly reassignedTo: string | null;
    }
  | { readonly kind: 'task_due'; readonly ownerId: string | null; readonly sla: boolean };

export interface Recipient {
  readonly userId: string;
  readonly kind: NotificationKind;
  /** For a breach: whether this person hears of it as an escalation (a manager), not as the owner. */
  readonly escalation: boolean;
}

/**
 * Who is told of an occasion. Inactive users hear nothing; nobody hears twice of one occasion.
 *
 * - a lead turned hot: its owner after routing (an unassigned lead is in everyone's queue; the
 *   team channel carries it);
 * - a speed-to-lead clock at its warning share: the owner;
 * - the deadline passed: the owner, the rep an escalation gave the lead to, and the managers;
 * - a task came due: its owner — except a speed-to-lead task, whose deadline *is* the SLA's and
 *   is told as the breach.
 *
 * @example recipientsOf({ kind: 'lead_hot', ownerId: 'u1' }, people) // [{ userId: 'u1', kind: 'lead_hot', escalation: false }]
 */
export function recipientsOf(occasion: Occasion, people: readonly Person[]): Recipient[] {
  const active = new Set(people.filter((p) => p.active).map((p) => p.id));
  const list: Recipient[] = [];
  const add = (userId: string | null, escalation: boolean) => {
    if (userId === null || !active.has(userId) || list.some((r) => r.userId === userId)) return;
    list.push({ userId, kind: occasion.kind, escalation });
  };
  switch (occasion.kind) {
    case 'lead_hot':
    case 'sla_warning':
      add(occasion.ownerId, false);
      break;
    case 'sla_breached':
      add(occasion.ownerId, false);
      add(occasion.reassignedTo, false);
      for (const id of occasion.managerIds) add(id, true);
      break;
    case 'task_due':
      if (!occasion.sla) add(occasion.ownerId, false);
      break;
  }
  return list;
}
