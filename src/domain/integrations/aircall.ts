import { type CallFacts, mapCall } from './call.js';
import type { CallHookConfig, HookMapping } from './hook.js';
import { asObject, count, instant, text } from './payload.js';

/**
 * Aircall webhooks (https://developer.aircall.io/docs/webhooks-overview): a JSON envelope
 * `{ resource, event, timestamp, token, data }`. Aircall signs nothing: the body's `token` is the
 * webhook's token, compared in constant time. Its `timestamp` is not signed either, so freshness is
 * not checked (Aircall retries for up to 12 hours); a replay is caught by the call id.
 */

/** The envelope's `token`, if the body has one. */
export function aircallToken(payload: unknown): string | undefined {
  const token = asObject(payload)?.token;
  return typeof token === 'string' ? token : undefined;
}

/** `call.ended` as a call event; every other event is acknowledged and ignored. */
export function mapAircall(payload: unknown, config: CallHookConfig): HookMapping {
  const envelope = asObject(payload);
  const event = text(envelope?.event);
  if (!envelope || !event) {
    return { kind: 'invalid', problems: [{ path: 'event', message: 'is missing: not an Aircall event' }] };
  }
  // call.ended comes about 30 s after hang-up with everything known (duration, recording).
  if (event !== 'call.ended') return { kind: 'ignored', reason: `${event} is not mapped; call.ended is` };
  const call = asObject(envelope.data);
  const id = text(call?.id);
  const direction = text(call?.direction);
  const startedAt = instant(call?.started_at);
  if (!call || !id || (direction !== 'inbound' && direction !== 'outbound') || !startedAt) {
    return {
      kind: 'invalid',
      problems: [
        ...(id ? [] : [{ path: 'data.id', message: 'is missing' }]),
        ...(direction === 'inbound' || direction === 'outbound'
          ? []
          : [{ path: 'data.direction', message: 'must be inbound or outbound' }]),
        ...(startedAt ? [] : [{ path: 'data.started_at', message: 'must be Unix seconds' }]),
      ],
    };
  }
  const contact = asObject(call.contact);
  const name = [text(contact?.first_name), text(contact?.last_name)].filter((n) => n).join(' ');
  const voicemail = text(call.voicemail);
  const facts: CallFacts = {
    provider: 'aircall',
    callId: id,
    direction,
    externalNumber: text(call.raw_digits) ?? null,
    trackingNumber: text(asObject(call.number)?.digits) ?? null,
    answered: call.answered_at !== null && call.answered_at !== undefined,
    voicemail: voicemail !== undefined && voicemail !== '',
    durationSeconds: count(call.duration) ?? 0,
    startedAt,
    callerName: name === '' ? null : name,
    recordingUrl: text(call.recording) ?? voicemail ?? null,
  };
  return mapCall(facts, config);
}
