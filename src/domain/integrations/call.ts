import type { CallOutcome } from '../event.js';
import type { CallHookConfig, HookMapping, TrackingAttribution } from './hook.js';
import { toE164 } from './phone.js';

/** A finished call as a call-tracking provider reports it, before it becomes a Hearth event. */
export interface CallFacts {
  readonly provider: 'twilio' | 'callrail' | 'aircall';
  /** The provider's id of the call: the event's external id is `<provider>:call:<id>`. */
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound';
  /** The outside party: the caller of an inbound call, the callee of an outbound one. */
  readonly externalNumber: string | null;
  /** The business's number that was called (or called from): the tracking number. */
  readonly trackingNumber: string | null;
  readonly answered: boolean;
  readonly voicemail: boolean;
  readonly durationSeconds: number;
  readonly startedAt: Date;
  readonly callerName?: string | null;
  readonly recordingUrl?: string | null;
  /** Attribution the provider itself reports (CallRail does); the hook's own table wins. */
  readonly attribution?: TrackingAttribution & { readonly trackingSource?: string };
}

// A lead first met on a tracked call came from the phone unless its tracking number says more.
const CALL_SOURCE = 'phone';

/**
 * The SPEC outcome a tracking provider can know: a missed call is `no_answer`, or `voicemail` when
 * the caller left one. An answered call's outcome (interested or not) is the rep's to log.
 */
export function callOutcome(facts: Pick<CallFacts, 'answered' | 'voicemail'>): CallOutcome | undefined {
  if (facts.voicemail) return 'voicemail';
  return facts.answered ? undefined : 'no_answer';
}

const present = (value: string | null | undefined): value is string =>
  typeof value === 'string' && value.trim() !== '';

/**
 * A call as a `call` event (direction, duration, outcome, tracking number and its campaign, the
 * recording link) about the lead with the outside party's number, created with the tracking
 * attribution when unknown. docs/integrations.md has the table.
 */
export function mapCall(facts: CallFacts, config: CallHookConfig): HookMapping {
  const phone = toE164(facts.externalNumber, config.defaultCountry);
  if (phone === null) {
    return {
      kind: 'ignored',
      reason: `the ${facts.direction === 'inbound' ? 'caller' : 'callee'}'s number ${present(facts.externalNumber) ? `"${facts.externalNumber}" ` : ''}is not a phone number (withheld or a client identity)`,
    };
  }
  const trackingNumber = toE164(facts.trackingNumber, config.defaultCountry);
  const configured = trackingNumber === null ? undefined : config.trackingNumbers?.[trackingNumber];
  const campaign = configured?.campaign ?? facts.attribution?.campaign;
  const source = configured?.source ?? facts.attribution?.source ?? CALL_SOURCE;
  const trackingSource = facts.attribution?.trackingSource;
  const outcome = callOutcome(facts);
  const properties: Record<string, unknown> = {
    direction: facts.direction,
    durationSeconds: facts.durationSeconds,
    answered: facts.answered,
    ...(outcome ? { outcome } : {}),
    provider: facts.provider,
    ...(trackingNumber ? { trackingNumber } : {}),
    ...(present(campaign) ? { campaign } : {}),
    source,
    ...(present(trackingSource) ? { trackingSource } : {}),
    ...(present(facts.recordingUrl) ? { recordingUrl: facts.recordingUrl } : {}),
  };
  return {
    kind: 'events',
    groups: [
      {
        unknownLead: 'create',
        lead: {
          phone,
          fields: { source, ...(present(facts.callerName) ? { name: facts.callerName.trim() } : {}) },
          attributes: {
            ...(present(campaign) ? { campaign } : {}),
            ...(trackingNumber ? { trackingNumber } : {}),
          },
        },
        events: [
          {
            type: 'call',
            externalId: `${facts.provider}:call:${facts.callId}`,
            occurredAt: facts.startedAt,
            properties,
          },
        ],
      },
    ],
  };
}
