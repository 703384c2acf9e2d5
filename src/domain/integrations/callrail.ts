import { type CallFacts, mapCall } from './call.js';
import type { CallHookConfig, HookMapping } from './hook.js';
import { asObject, count, instant, text } from './payload.js';

/**
 * CallRail post-call webhooks (https://apidocs.callrail.com/#webhooks): a JSON call object, signed in
 * the `Signature` header with base64 HMAC-SHA1 of the raw body keyed with the account's webhook
 * signing key. The scheme has no timestamp: a replay is caught by the call id.
 */
export function mapCallRail(payload: unknown, config: CallHookConfig): HookMapping {
  const call = asObject(payload);
  if (!call) return { kind: 'invalid', problems: [{ path: '', message: 'must be a JSON object (a call)' }] };
  const id = text(call.id) ?? text(call.resource_id);
  const direction = text(call.direction);
  const startedAt = instant(call.start_time);
  const problems = [
    ...(id ? [] : [{ path: 'id', message: 'is missing' }]),
    ...(direction === 'inbound' || direction === 'outbound'
      ? []
      : [{ path: 'direction', message: 'must be inbound or outbound' }]),
    ...(startedAt ? [] : [{ path: 'start_time', message: 'must be a time' }]),
  ];
  if (!id || (direction !== 'inbound' && direction !== 'outbound') || !startedAt) {
    return { kind: 'invalid', problems };
  }
  const campaign = [text(call.utm_campaign), text(call.campaign)].find((c) => c !== undefined && c !== '');
  const trackingSource = text(call.source_name) ?? text(call.source);
  const facts: CallFacts = {
    provider: 'callrail',
    callId: id,
    direction,
    externalNumber: text(call.customer_phone_number) ?? text(call.callernum) ?? null,
    trackingNumber: text(call.tracking_phone_number) ?? text(call.trackingnum) ?? null,
    answered: call.answered === true,
    voicemail: call.voicemail === true,
    durationSeconds: count(call.duration) ?? 0,
    startedAt,
    callerName: text(call.customer_name) ?? null,
    recordingUrl: text(call.recording_player) ?? text(call.recording) ?? null,
    attribution: {
      ...(campaign ? { campaign } : {}),
      ...(trackingSource ? { trackingSource } : {}),
    },
  };
  return mapCall(facts, config);
}
