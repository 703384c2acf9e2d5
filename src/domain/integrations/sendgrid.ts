import { type EmailEventKind, type EmailFacts, mapEmailEvents } from './email.js';
import type { HookMapping } from './hook.js';
import { asObject, instant, text } from './payload.js';

/**
 * SendGrid's Event Webhook (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event):
 * a JSON array of events, possibly about many recipients, signed with ECDSA (P-256, SHA-256) over
 * the `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the raw body; the signature is
 * base64 DER in `X-Twilio-Email-Event-Webhook-Signature`, the verification key the public key
 * SendGrid shows (Settings → Mail Settings → Event Webhook → Signature verification).
 */

// SendGrid documents no tolerance for the signed timestamp; 5 minutes is Stripe's and the
// Standard Webhooks' default, and SendGrid signs each POST (a retry too) when it sends it.
export const SENDGRID_TOLERANCE_MS = 5 * 60 * 1000;

// `deferred` is a delay, `processed`/`dropped` happen before any mail leaves, resubscribes give no
// consent back (docs/integrations.md): none is recorded.
const KINDS: Readonly<Record<string, EmailEventKind>> = {
  delivered: 'delivered',
  open: 'open',
  click: 'click',
  bounce: 'bounce',
  spamreport: 'spam_report',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'unsubscribe',
};

const tagsOf = (category: unknown): string[] =>
  Array.isArray(category)
    ? category.flatMap((c) => (typeof c === 'string' ? [c] : []))
    : typeof category === 'string'
      ? [category]
      : [];

/** A SendGrid batch as email events (docs/integrations.md, SendGrid). */
export function mapSendGrid(payload: unknown): HookMapping {
  if (!Array.isArray(payload)) {
    return { kind: 'invalid', problems: [{ path: '', message: 'must be a JSON array of events' }] };
  }
  const facts: EmailFacts[] = [];
  const notRecorded = new Map<string, number>();
  let withoutId = 0;
  for (const item of payload) {
    const event = asObject(item);
    const name = text(event?.event) ?? '(no event name)';
    const kind = KINDS[name];
    if (!event || kind === undefined) {
      notRecorded.set(name, (notRecorded.get(name) ?? 0) + 1);
      continue;
    }
    const eventId = text(event.sg_event_id);
    const occurredAt = instant(event.timestamp);
    if (!eventId || !occurredAt) {
      withoutId += 1;
      continue;
    }
    // `type` tells a bounce (the address is refused: hard) from a block (the mail is: soft).
    const bounceType = kind === 'bounce' ? (text(event.type) === 'blocked' ? 'soft' : 'hard') : undefined;
    const url = text(event.url);
    const messageId = text(event.sg_message_id);
    const reason = text(event.reason);
    facts.push({
      provider: 'sendgrid',
      eventId,
      kind,
      recipient: text(event.email) ?? '',
      occurredAt,
      ...(messageId ? { messageId } : {}),
      ...(kind === 'click' && url ? { url } : {}),
      ...(bounceType ? { bounceType } : {}),
      ...(reason ? { reason } : {}),
      tags: tagsOf(event.category),
    });
  }
  const skipped = [
    ...(notRecorded.size > 0
      ? [`not recorded: ${[...notRecorded].map(([name, n]) => `${name} ×${n}`).join(', ')}`]
      : []),
    ...(withoutId > 0 ? [`${withoutId} event(s) without sg_event_id or timestamp`] : []),
  ];
  return mapEmailEvents(facts, skipped);
}
