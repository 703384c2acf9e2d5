import { isPlausibleEmail, normaliseEmail } from '../lead.js';
import type { HookEvent, HookGroup, HookMapping } from './hook.js';

/**
 * Email tools (SendGrid, Mailgun, Postmark) report what became of the mail sent: delivered,
 * opened, clicked, bounced, reported as spam, unsubscribed. Each provider's reader turns its
 * payload into `EmailFacts`; this module turns those into Hearth events, one group per recipient.
 */

export const EMAIL_EVENT_KINDS = [
  'delivered',
  'open',
  'click',
  'bounce',
  'spam_report',
  'unsubscribe',
] as const;
export type EmailEventKind = (typeof EMAIL_EVENT_KINDS)[number];

/**
 * The Hearth event type of each kind. `email_open`, `email_click`, `email_bounce` and
 * `email_unsubscribe` are in the catalogue (domain/event.ts) and scored by the presets;
 * `email_delivered` and `email_spam_report` are new type strings (docs/integrations.md).
 */
export const EMAIL_EVENT_TYPES: Readonly<Record<EmailEventKind, string>> = {
  delivered: 'email_delivered',
  open: 'email_open',
  click: 'email_click',
  bounce: 'email_bounce',
  spam_report: 'email_spam_report',
  unsubscribe: 'email_unsubscribe',
};

/** One event about one recipient, as an email tool reports it. */
export interface EmailFacts {
  readonly provider: 'sendgrid' | 'mailgun' | 'postmark';
  /** The provider's own id of the event: the external id is `<provider>:<eventId>`. */
  readonly eventId: string;
  readonly kind: EmailEventKind;
  readonly recipient: string;
  readonly occurredAt: Date;
  /** The provider's id of the message the event is about. */
  readonly messageId?: string;
  /** The link clicked. */
  readonly url?: string;
  /**
   * A bounce: `hard` (the address does not exist; the presets' `hard_bounce` rule reads
   * `bounce_type`) or `soft` (a full mailbox, a block, a server away).
   */
  readonly bounceType?: 'hard' | 'soft';
  /** The receiving server's or provider's words about a bounce. */
  readonly reason?: string;
  /** The provider's tags or categories of the message (campaign names, as a rule). */
  readonly tags?: readonly string[];
}

// The person asked for no more marketing mail (SPEC §6: nurture mail only with consent).
const OPTING_OUT: ReadonlySet<EmailEventKind> = new Set(['unsubscribe', 'spam_report']);
const MAX_REASON = 1000;

function toEvent(facts: EmailFacts): HookEvent {
  const tags = (facts.tags ?? []).filter((t) => t.trim() !== '');
  return {
    type: EMAIL_EVENT_TYPES[facts.kind],
    externalId: `${facts.provider}:${facts.eventId}`,
    occurredAt: facts.occurredAt,
    properties: {
      provider: facts.provider,
      ...(facts.messageId ? { messageId: facts.messageId } : {}),
      ...(facts.url ? { url: facts.url } : {}),
      ...(facts.bounceType ? { bounce_type: facts.bounceType } : {}),
      ...(facts.reason ? { reason: facts.reason.slice(0, MAX_REASON) } : {}),
      ...(tags.length > 0 ? { tags } : {}),
    },
  };
}

/**
 * Email events grouped by recipient (the email normalised as leads' are). An email tool reports
 * on mail Hearth's users sent, so an address that is no lead's is left out (`unknownLead:
 * ignore`) rather than made a lead; an unsubscribe or a spam report opts the lead out.
 * `skipped` carries what the reader already left out of a batch.
 *
 * @example mapEmailEvents([{ provider: 'sendgrid', eventId: 'x', kind: 'open', recipient: 'A@b.io', occurredAt }], [])
 * // { kind: 'events', groups: [{ lead: { email: 'a@b.io', … }, events: [{ type: 'email_open', … }], unknownLead: 'ignore' }] }
 */
export function mapEmailEvents(events: readonly EmailFacts[], skipped: readonly string[]): HookMapping {
  const byRecipient = new Map<string, EmailFacts[]>();
  const notes = [...skipped];
  let unreadable = 0;
  for (const facts of events) {
    const email = normaliseEmail(facts.recipient);
    if (email === null || !isPlausibleEmail(email)) {
      unreadable += 1;
      continue;
    }
    byRecipient.set(email, [...(byRecipient.get(email) ?? []), facts]);
  }
  if (unreadable > 0) notes.push(`${unreadable} event(s) without a recipient's email address`);
  const groups: HookGroup[] = [...byRecipient].map(([email, facts]) => ({
    lead: { email, fields: {}, attributes: {} },
    events: facts.map(toEvent),
    unknownLead: 'ignore',
    optOut: facts.some((f) => OPTING_OUT.has(f.kind)),
  }));
  if (groups.length === 0) {
    return { kind: 'ignored', reason: notes.length > 0 ? notes.join('; ') : 'no events to record' };
  }
  return { kind: 'events', groups, ...(notes.length > 0 ? { skipped: notes } : {}) };
}
