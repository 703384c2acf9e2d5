import { type CallFacts, mapCall } from './call.js';
import {
  type CallHookConfig,
  freshness,
  type HookMapping,
  refused,
  type Verification,
  verified,
} from './hook.js';
import { count, instant } from './payload.js';

/**
 * Twilio Voice status callbacks (https://www.twilio.com/docs/usage/webhooks/webhooks-security,
 * https://www.twilio.com/docs/voice/api/call-resource#statuscallback): form-encoded POSTs signed in
 * `X-Twilio-Signature` with base64 HMAC-SHA1, keyed with the account's Auth Token, over the full URL
 * followed by every POST parameter's name and value, sorted by name.
 */

/**
 * The text Twilio signs: the URL, then each parameter's name and value with no separator, sorted by
 * name (a repeated name's values in order too, as Twilio's SDKs do).
 *
 * @example twilioSignedText('https://x.io/h?a=1', [['To', '+1800'], ['From', '+1234']])
 * // 'https://x.io/h?a=1From+1234To+1800'
 */
export function twilioSignedText(url: string, params: readonly (readonly [string, string])[]): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return url + sorted.map(([name, value]) => name + value).join('');
}

/**
 * The URL as Twilio may have signed it: Twilio's SDKs accept it with and without the scheme's
 * default port, because Twilio has signed both forms.
 */
export function twilioUrlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  if (defaultPort === '') return [url];
  // URL drops a default port when parsing: find it in the text as written.
  const hostWithPort = `//${parsed.hostname}:${defaultPort}`;
  return url.includes(`${hostWithPort}/`) || url.endsWith(hostWithPort)
    ? [url, url.replace(hostWithPort, `//${parsed.hostname}`)]
    : parsed.port === ''
      ? [url, url.replace(`//${parsed.host}`, hostWithPort)]
      : [url];
}

// Twilio delivers status callbacks as the call ends and does not retry them on its own; 15 minutes
// covers queueing on Twilio's side and clock drift, and stops a captured callback replayed later.
export const TWILIO_TOLERANCE_MS = 15 * 60 * 1000;

/**
 * Status callbacks carry `Timestamp` (RFC 2822) among the signed parameters: when present it must
 * be fresh. Without it only idempotency (the CallSid) guards against a replay.
 */
export function twilioFreshness(params: ReadonlyMap<string, string>, now: Date): Verification {
  const stamp = params.get('Timestamp');
  if (stamp === undefined) return verified;
  const at = instant(stamp);
  return at
    ? freshness(at, now, TWILIO_TOLERANCE_MS)
    : refused(`the Timestamp parameter "${stamp}" is not a time`);
}

// The statuses a call ends with; `queued`, `initiated`, `ringing`, `in-progress` are on the way.
const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** A status callback as a call event (docs/integrations.md, Twilio). */
export function mapTwilio(
  params: ReadonlyMap<string, string>,
  config: CallHookConfig,
  now: Date,
): HookMapping {
  const callSid = params.get('CallSid');
  const status = params.get('CallStatus');
  const direction = params.get('Direction');
  const problems = [
    ...(callSid ? [] : [{ path: 'CallSid', message: 'is missing' }]),
    ...(status ? [] : [{ path: 'CallStatus', message: 'is missing' }]),
    ...(direction ? [] : [{ path: 'Direction', message: 'is missing' }]),
  ];
  if (!callSid || !status || !direction) return { kind: 'invalid', problems };
  if (!FINAL.has(status))
    return { kind: 'ignored', reason: `the call is ${status}; it is recorded when it ends` };
  // A <Dial> leg reports the agent's phone as its callee: the parent call is the caller's.
  if (params.has('ParentCallSid')) {
    return { kind: 'ignored', reason: 'a leg of another call (ParentCallSid); the parent call is recorded' };
  }
  const inbound = direction === 'inbound';
  const durationSeconds = count(params.get('CallDuration')) ?? 0;
  const endedAt = instant(params.get('Timestamp')) ?? now;
  // Answering machine detection on an outbound call: a machine is a voicemail, not a conversation.
  const machine = params.get('AnsweredBy')?.startsWith('machine') ?? false;
  const facts: CallFacts = {
    provider: 'twilio',
    callId: callSid,
    direction: inbound ? 'inbound' : 'outbound',
    externalNumber: (inbound ? params.get('From') : params.get('To')) ?? null,
    trackingNumber: (inbound ? params.get('To') : params.get('From')) ?? null,
    answered: status === 'completed' && !machine,
    voicemail: machine,
    durationSeconds,
    startedAt: new Date(Math.min(endedAt.getTime(), now.getTime()) - durationSeconds * 1000),
    callerName: inbound ? (params.get('CallerName') ?? null) : null,
    recordingUrl: params.get('RecordingUrl') ?? null,
  };
  return mapCall(facts, config);
}
