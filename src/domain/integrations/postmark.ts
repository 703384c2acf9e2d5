import { type EmailEventKind, type EmailFacts, mapEmailEvents } from './email.js';
import type { HookMapping } from './hook.js';
import { asObject, instant, text } from './payload.js';

/**
 * Postmark webhooks (https://postmarkapp.com/developer/webhooks/webhooks-overview): one JSON record
 * per POST, told apart by `RecordType`. Postmark signs nothing; its documented protection is HTTP
 * Basic auth credentials in the webhook URL (and custom headers), so the hook's secret is the
 * password of `https://postmark:<secret>@<your Hearth>/hooks/postmark/{id}`. No timestamp is
 * covered: a replay is caught by the event's external id (MessageID, RecordType and its time).
 */

// Postmark's bounce types (https://postmarkapp.com/developer/api/bounce-api#bounce-types): these
// mean the address is refused for good (Postmark deactivates it).
const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
// Not a failed delivery: automatic replies and notices that come back as bounces.
const NOT_BOUNCES = new Set([
  'AutoResponder',
  'AddressChange',
  'Subscribe',
  'Unsubscribe',
  'ChallengeVerification',
  'OpenRelayTest',
  'SpamNotification',
  'VirusNotification',
]);

/** What a record is in Hearth's terms, with its recipient and time fields; or why it is not. */
function read(
  record: Record<string, unknown>,
  type: string,
): { kind: EmailEventKind; at: unknown; to: unknown } | string {
  switch (type) {
    case 'Delivery':
      return { kind: 'delivered', at: record.DeliveredAt, to: record.Recipient };
    case 'Open':
      return { kind: 'open', at: record.ReceivedAt, to: record.Recipient };
    case 'Click':
      return { kind: 'click', at: record.ReceivedAt, to: record.Recipient };
    case 'Bounce': {
      const bounce = text(record.Type) ?? '';
      if (NOT_BOUNCES.has(bounce)) return `a ${bounce} notice is not a failed delivery`;
      return { kind: 'bounce', at: record.BouncedAt, to: record.Email };
    }
    case 'SpamComplaint':
      return { kind: 'spam_report', at: record.BouncedAt, to: record.Email };
    case 'SubscriptionChange': {
      // Only the recipient's own unsubscribe is theirs to give; a suppression after a hard bounce
      // or a complaint repeats a record already sent, and a reactivation gives no consent back.
      if (record.SuppressSending !== true) return 'a reactivation gives no consent back';
      if (text(record.SuppressionReason) !== 'ManualSuppression') {
        return `a suppression for ${text(record.SuppressionReason) ?? 'no reason'} repeats its own record`;
      }
      const origin = text(record.Origin);
      if (origin !== undefined && origin !== 'Recipient')
        return `a suppression by the ${origin} is not the recipient's unsubscribe`;
      return { kind: 'unsubscribe', at: record.ChangedAt, to: record.Recipient };
    }
    default:
      return `${type} is not recorded`;
  }
}

/** A Postmark record as a Hearth event (docs/integrations.md, Postmark). */
export function mapPostmark(payload: unknown): HookMapping {
  const record = asObject(payload);
  const type = text(record?.RecordType);
  if (!record || !type) return { kind: 'invalid', problems: [{ path: 'RecordType', message: 'is missing' }] };
  const what = read(record, type);
  if (typeof what === 'string') return { kind: 'ignored', reason: what };
  const messageId = text(record.MessageID);
  const occurredAt = instant(what.at);
  const atName = {
    delivered: 'DeliveredAt',
    open: 'ReceivedAt',
    click: 'ReceivedAt',
    bounce: 'BouncedAt',
    spam_report: 'BouncedAt',
    unsubscribe: 'ChangedAt',
  }[what.kind];
  if (!messageId || !occurredAt) {
    return {
      kind: 'invalid',
      problems: [
        ...(messageId ? [] : [{ path: 'MessageID', message: 'is missing' }]),
        ...(occurredAt ? [] : [{ path: atName, message: 'must be a time' }]),
      ],
    };
  }
  const url = text(record.OriginalLink);
  const tag = text(record.Tag);
  const reason = text(record.Description) ?? text(record.Details);
  const facts: EmailFacts = {
    provider: 'postmark',
    // Postmark gives records no id of their own (a bounce's ID is the bounce's, not the record's).
    eventId: `${type}:${messageId}:${occurredAt.toISOString()}`,
    kind: what.kind,
    recipient: text(what.to) ?? '',
    occurredAt,
    messageId,
    ...(what.kind === 'click' && url ? { url } : {}),
    ...(what.kind === 'bounce' ? { bounceType: HARD.has(text(record.Type) ?? '') ? 'hard' : 'soft' } : {}),
    ...(what.kind === 'bounce' && reason ? { reason } : {}),
    ...(tag ? { tags: [tag] } : {}),
  };
  return mapEmailEvents([facts], []);
}
