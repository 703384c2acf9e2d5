import { type EmailEventKind, mapEmailEvents } from './email.js';
import type { HookMapping } from './hook.js';
import { asObject, instant, text } from './payload.js';

/**
 * Mailgun webhooks (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks):
 * one JSON event per POST, `{ signature: { timestamp, token, signature }, "event-data": {…} }`. The
 * signature is hex HMAC-SHA256 of `timestamp + token` keyed with the account's HTTP webhook signing
 * key; it covers neither the body nor the URL, so Mailgun asks receivers to refuse a token seen
 * before and a stale timestamp.
 */

// Mailgun documents no window; 15 minutes covers its queueing and clock drift. Tokens are kept at
// least this long, so that a replay inside the window is caught by its token.
export const MAILGUN_TOLERANCE_MS = 15 * 60 * 1000;

export interface MailgunSignature {
  readonly timestamp: string;
  readonly token: string;
  readonly signature: string;
}

/** The body's `signature` object, when it has the three parts. */
export function mailgunSignature(payload: unknown): MailgunSignature | undefined {
  const signature = asObject(asObject(payload)?.signature);
  const timestamp = text(signature?.timestamp);
  const token = text(signature?.token);
  const value = text(signature?.signature);
  return timestamp && token && value ? { timestamp, token, signature: value } : undefined;
}

// accepted, rejected, stored and the list events say nothing about what the recipient did.
const KINDS: Readonly<Record<string, EmailEventKind>> = {
  delivered: 'delivered',
  opened: 'open',
  clicked: 'click',
  failed: 'bounce',
  complained: 'spam_report',
  unsubscribed: 'unsubscribe',
};

/** A Mailgun event as a Hearth event (docs/integrations.md, Mailgun). */
export function mapMailgun(payload: unknown): HookMapping {
  const data = asObject(asObject(payload)?.['event-data']);
  const name = text(data?.event);
  if (!data || !name) {
    return { kind: 'invalid', problems: [{ path: 'event-data.event', message: 'is missing' }] };
  }
  const kind = KINDS[name];
  if (kind === undefined) return { kind: 'ignored', reason: `${name} is not recorded` };
  const id = text(data.id);
  const occurredAt = instant(data.timestamp);
  if (!id || !occurredAt) {
    return {
      kind: 'invalid',
      problems: [
        ...(id ? [] : [{ path: 'event-data.id', message: 'is missing' }]),
        ...(occurredAt ? [] : [{ path: 'event-data.timestamp', message: 'must be Unix seconds' }]),
      ],
    };
  }
  const status = asObject(data['delivery-status']);
  const reason = text(status?.description) || text(status?.message) || text(data.reason);
  const messageId = text(asObject(asObject(data.message)?.headers)?.['message-id']);
  const url = text(data.url);
  const tags = Array.isArray(data.tags) ? data.tags.flatMap((t) => (typeof t === 'string' ? [t] : [])) : [];
  return mapEmailEvents(
    [
      {
        provider: 'mailgun',
        eventId: id,
        kind,
        recipient: text(data.recipient) ?? '',
        occurredAt,
        ...(messageId ? { messageId } : {}),
        ...(kind === 'click' && url ? { url } : {}),
        // `severity` permanent: the address is refused for good (Mailgun suppresses it).
        ...(kind === 'bounce' ? { bounceType: text(data.severity) === 'temporary' ? 'soft' : 'hard' } : {}),
        ...(kind === 'bounce' && reason ? { reason } : {}),
        tags,
      },
    ],
    [],
  );
}
