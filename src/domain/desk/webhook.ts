import type { Signal, SignalType } from './signal.js';

/** A subscription to some signal types (SPEC §3 Webhooks). The secret is never part of it. */
export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly events: SignalType[];
  readonly description: string | null;
  /** False once deleted: nothing new is queued for it; its delivery log stays readable. */
  readonly active: boolean;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly deletedAt: Date | null;
}

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** What a receiver gets about the lead a signal concerns, as it was when the signal was fanned out. */
export interface LeadSnapshot {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly company: string | null;
  readonly ownerId: string | null;
  readonly status: string;
  readonly temperature: string;
}

/** The JSON every delivery of one signal carries, whichever subscription it goes to. */
export interface WebhookBody {
  /** The signal's id: the same for every subscription and every retry, so receivers can dedupe. */
  readonly id: string;
  readonly type: SignalType;
  readonly occurredAt: string;
  readonly data: Record<string, unknown>;
  readonly lead: LeadSnapshot | null;
}

/**
 * The body of a signal's deliveries.
 *
 * @example
 * webhookBody(signal, { id, email: 'ann@acme.com', …, temperature: 'hot' })
 * // { id: '41', type: 'lead.temperature_changed', occurredAt: '2026-…Z', data: {…}, lead: {…} }
 */
export function webhookBody(signal: Signal, lead: LeadSnapshot | null): WebhookBody {
  return {
    id: String(signal.id),
    type: signal.type,
    occurredAt: signal.occurredAt.toISOString(),
    data: signal.payload,
    lead,
  };
}

/**
 * Whether a subscription wants this signal: it subscribes to the type, and an `automation.notify`
 * that names a subscription (the rule's `webhookId`) goes to that one only.
 */
export function subscribesTo(
  webhook: Pick<Webhook, 'id' | 'active' | 'events'>,
  signal: Pick<Signal, 'type' | 'payload'>,
): boolean {
  if (!webhook.active || !webhook.events.includes(signal.type)) return false;
  const named = signal.type === 'automation.notify' ? signal.payload.webhookId : undefined;
  return typeof named !== 'string' || named === webhook.id;
}
