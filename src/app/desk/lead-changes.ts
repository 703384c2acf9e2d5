import type { Principal } from '../../domain/access.js';
import type { NewSignal } from '../../domain/desk/signal.js';
import type { StatusChange } from '../../domain/desk/status.js';
import type { Lead } from '../../domain/lead.js';
import type { Store } from '../../store/store.js';

/** How the history names who did something: a user, an API key, or the system. */
export function actorLabel(actor: Principal | null): string {
  if (actor === null) return 'system';
  if (actor.userId !== null) return `user:${actor.userId}`;
  return actor.keyId === null ? 'system' : `key:${actor.keyId}`;
}

/** `lead.created` for leads just stored. */
export function leadCreated(
  lead: Pick<Lead, 'id' | 'email' | 'name' | 'company' | 'source'>,
  now: Date,
): NewSignal {
  return {
    type: 'lead.created',
    leadId: lead.id,
    occurredAt: now,
    payload: {
      leadId: lead.id,
      email: lead.email,
      name: lead.name,
      company: lead.company,
      source: lead.source,
    },
  };
}

/**
 * Hands a lead's open work to its new owner, inside the transaction that changed the owner
 * (docs/lead-desk.md, "Tasks"): the previous owner's open tasks follow the lead (to the shared
 * queue when it became unassigned); tasks someone else took on stay theirs, and unassigned ones
 * stay unassigned (whoever sees the lead may work them). Without this a rep keeps tasks on a lead
 * they no longer see, and the new owner's queue leaves them off the card.
 */
export async function handOverOpenTasks(
  store: Store,
  leadId: string,
  from: string | null,
  to: string | null,
  now: Date,
): Promise<void> {
  if (from === null || from === to) return;
  await store.tasks.moveOpenOfOwner(leadId, from, to, now);
}

export interface StatusDetails {
  /** When it happened; defaults to now. */
  readonly at?: Date;
  readonly reason?: string | null;
  readonly value?: number | null;
  readonly currency?: string | null;
}

/**
 * Records a status change that was just written to the lead (inside the same transaction): the
 * history row, the end of a running speed-to-lead clock and of the open tasks (closed with the new
 * status as their reason, at the change's instant) when the lead leaves `open`, and the
 * `lead.status_changed` signal the playbook (lost-after-hot follow-up), automations and webhooks
 * react to.
 */
export async function recordStatusChange(
  store: Store,
  actor: Principal | null,
  before: Lead,
  to: Lead['status'],
  details: StatusDetails,
  now: Date,
): Promise<StatusChange> {
  const wasHot = await store.desk.wasEverHot(before.id);
  const change = await store.desk.addStatusChange({
    leadId: before.id,
    from: before.status,
    to,
    at: details.at ?? now,
    recordedAt: now,
    reason: details.reason ?? null,
    value: details.value ?? null,
    currency: details.currency ?? null,
    wasHot,
    actor: actorLabel(actor),
  });
  if (to !== 'open') {
    // Work follows the lead (docs/lead-desk.md): a closed lead has no running clock and no open
    // task. The follow-up of a loss is made after this, by the playbook, so it stays open.
    await store.desk.closeRunning(before.id, now, `status ${to}`);
    await store.tasks.closeOpenOfLead(before.id, to, change.at, now);
  }
  await store.signals.emit(
    [
      {
        type: 'lead.status_changed',
        leadId: before.id,
        occurredAt: change.at,
        payload: {
          leadId: before.id,
          from: change.from,
          to: change.to,
          at: change.at.toISOString(),
          wasHot,
          reason: change.reason,
          value: change.value,
          currency: change.currency,
        },
      },
    ],
    now,
  );
  return change;
}
