import type { FieldProblem } from '../errors.js';

/**
 * Inbound adapters (SPEC §3 Engagement in): a provider's webhook posted to `/hooks/{provider}/{id}`,
 * verified with the provider's own signature scheme and mapped to Hearth events. docs/integrations.md
 * has the mapping tables.
 */
export const HOOK_PROVIDERS = [
  'twilio',
  'callrail',
  'aircall',
  'sendgrid',
  'mailgun',
  'postmark',
  'typeform',
  'calendly',
  'generic',
] as const;
export type HookProvider = (typeof HOOK_PROVIDERS)[number];

/** What became of one delivery; every delivery is logged with one of these. */
export const DELIVERY_OUTCOMES = ['mapped', 'duplicate', 'ignored', 'rejected'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** A tracking number's attribution: what a call to it says about where the caller came from. */
export interface TrackingAttribution {
  readonly source?: string;
  readonly campaign?: string;
}

/** How a call provider's hook reads numbers and attributes calls. */
export interface CallHookConfig {
  /** ISO 3166 country for numbers written without a country code (`US`, `GB`). */
  readonly defaultCountry?: string;
  /** Attribution per tracking number, keyed by the number in E.164 (`+14045558514`). */
  readonly trackingNumbers?: Readonly<Record<string, TrackingAttribution>>;
  /**
   * Twilio only: the URL exactly as configured in Twilio (it is part of what Twilio signs); by
   * default the URL the request arrived at, as seen through HEARTH_TRUST_PROXY.
   */
  readonly publicUrl?: string;
}

/** One configured adapter. The secret is stored to verify signatures and never read back out. */
export interface InboundHook {
  readonly id: string;
  readonly provider: HookProvider;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly createdBy: string | null;
  readonly deletedAt: Date | null;
}

/** The lead a delivery is about: found by email or phone (E.164), created with `fields` if new. */
export interface HookLead {
  readonly email?: string;
  readonly phone?: string;
  /** Standard fields set only on a lead this delivery creates (first-touch attribution). */
  readonly fields: {
    readonly name?: string;
    readonly company?: string;
    readonly jobTitle?: string;
    readonly country?: string;
    readonly source?: string;
  };
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** One Hearth event a delivery maps to; `externalId` makes a re-delivery a duplicate. */
export interface HookEvent {
  readonly type: string;
  readonly externalId: string;
  readonly occurredAt: Date;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Some of a delivery's events, all about one person. */
export interface HookGroup {
  readonly lead: HookLead;
  readonly events: readonly HookEvent[];
  /**
   * What becomes of a person Hearth does not know: `create` a lead (a caller, a form's author, an
   * invitee), or `ignore` the group (an email tool reporting on an address that is no lead's).
   */
  readonly unknownLead: 'create' | 'ignore';
  /** The person asked for no more marketing (an unsubscribe, a spam report): the lead opts out. */
  readonly optOut?: boolean;
}

/** What an adapter makes of a verified payload. */
export type HookMapping =
  | {
      readonly kind: 'events';
      /** One per person: a batch (SendGrid's) can hold events about many. */
      readonly groups: readonly HookGroup[];
      /** Parts of a batch that were left out, and why (logged with the delivery). */
      readonly skipped?: readonly string[];
    }
  /** Verified, but nothing Hearth records (a call still ringing, an event type not mapped). */
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly problems: readonly FieldProblem[] };

/** The result of checking a delivery's signature and freshness. */
export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const verified: Verification = { ok: true };
export const refused = (reason: string): Verification => ({ ok: false, reason });

/**
 * Whether a signed timestamp is fresh: at most `toleranceMs` old and not more than the same ahead
 * (clocks drift both ways). A replayed capture fails this once the window has passed.
 *
 * @example freshness(new Date('2026-01-01T00:00:00Z'), now, 300_000)
 */
export function freshness(signedAt: Date, now: Date, toleranceMs: number): Verification {
  const age = now.getTime() - signedAt.getTime();
  if (Number.isNaN(age)) return refused('the signed timestamp is not a time');
  if (age > toleranceMs) {
    return refused(
      `the signed timestamp ${signedAt.toISOString()} is ${Math.round(age / 1000)} s old; at most ${toleranceMs / 1000} s is accepted (a replay, or a clock far off)`,
    );
  }
  if (-age > toleranceMs) return refused(`the signed timestamp ${signedAt.toISOString()} is in the future`);
  return verified;
}
