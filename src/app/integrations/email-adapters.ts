import { freshness } from '../../domain/integrations/hook.js';
import { MAILGUN_TOLERANCE_MS, mailgunSignature, mapMailgun } from '../../domain/integrations/mailgun.js';
import { mapPostmark } from '../../domain/integrations/postmark.js';
import { mapSendGrid, SENDGRID_TOLERANCE_MS } from '../../domain/integrations/sendgrid.js';
import { type Adapter, notJson, parseJson, refuse } from './reading.js';
import { ecdsaVerifies, hmacMatches, secretMatches } from './signatures.js';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/** SendGrid: ECDSA over the timestamp header followed by the raw body, by SendGrid's public key. */
export const sendgrid: Adapter = (request, hook, now) => {
  const signature = request.headers[SIGNATURE];
  const timestamp = request.headers[TIMESTAMP];
  if (!signature || !timestamp)
    return refuse('no X-Twilio-Email-Event-Webhook-Signature and -Timestamp headers');
  if (!/^\d{1,12}$/.test(timestamp))
    return refuse('X-Twilio-Email-Event-Webhook-Timestamp is not Unix seconds');
  const message = Buffer.concat([Buffer.from(timestamp), request.rawBody]);
  if (!ecdsaVerifies(hook.secret, message, signature)) {
    return refuse("the signature does not verify with the hook's verification key (timestamp + body)");
  }
  const fresh = freshness(new Date(Number(timestamp) * 1000), now, SENDGRID_TOLERANCE_MS);
  if (!fresh.ok) return refuse(fresh.reason);
  const body = parseJson(request.rawBody);
  return { verified: true, mapping: body.ok ? mapSendGrid(body.value) : notJson };
};

/**
 * Mailgun: HMAC-SHA256 of the body's `timestamp + token` with the signing key; the timestamp must
 * be fresh and the token new (receive.ts refuses a token seen before).
 */
export const mailgun: Adapter = (request, hook, now) => {
  const body = parseJson(request.rawBody);
  const signed = body.ok ? mailgunSignature(body.value) : undefined;
  if (!signed) return refuse('no signature object (timestamp, token, signature) in the body');
  if (!hmacMatches('sha256', hook.secret, signed.timestamp + signed.token, signed.signature, 'hex')) {
    return refuse('the signature does not match timestamp + token (check the webhook signing key)');
  }
  if (!/^\d{1,12}$/.test(signed.timestamp)) return refuse('signature.timestamp is not Unix seconds');
  const fresh = freshness(new Date(Number(signed.timestamp) * 1000), now, MAILGUN_TOLERANCE_MS);
  if (!fresh.ok) return refuse(fresh.reason);
  return {
    verified: true,
    mapping: mapMailgun(body.ok ? body.value : undefined),
    nonce: { value: signed.token, keepMs: 2 * MAILGUN_TOLERANCE_MS },
  };
};

/** The password of HTTP Basic credentials (`Authorization: Basic base64(user:password)`). */
function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Postmark: HTTP Basic credentials from the webhook URL, whose password is the hook's secret. */
export const postmark: Adapter = (request, hook) => {
  const password = basicPassword(request.headers.authorization);
  if (password === undefined)
    return refuse('no HTTP Basic credentials (put them in the webhook URL in Postmark)');
  if (!secretMatches(password, hook.secret))
    return refuse("the Basic auth password is not this hook's secret");
  const body = parseJson(request.rawBody);
  return { verified: true, mapping: body.ok ? mapPostmark(body.value) : notJson };
};
