/**
 * What the desk announces when something changes (SPEC §3 Webhooks). Each is written to the
 * outbox by the transaction that makes the change; the playbook, automations and webhooks react
 * to them from there.
 */
export const SIGNAL_TYPES = [
  'lead.created',
  'lead.temperature_changed',
  'lead.status_changed',
  'task.created',
  'task.overdue',
  'sla.breached',
  // A rule's notify action (docs/automations.md): names the rule, the triggering signal and the lead.
  'automation.notify',
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export interface NewSignal {
  readonly type: SignalType;
  readonly leadId: string | null;
  /** The facts of the change, as webhook receivers get them in `data`. JSON only. */
  readonly payload: Record<string, unknown>;
  readonly occurredAt: Date;
}

export interface Signal extends NewSignal {
  /** Increases with every signal; for one lead, in the order its changes committed. */
  readonly id: number;
  /**
   * When Hearth stored the change: `occurredAt` can be much earlier (an event's transition is
   * stamped at the event's time, and an import brings history).
   */
  readonly recordedAt: Date;
}
