/**
 * Something a lead did or that happened with a lead (SPEC §2 Activity). The catalogue below is
 * what Hearth knows out of the box; any other `type` string is accepted and may be scored.
 */
export interface ActivityEvent {
  readonly id: number;
  readonly leadId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
  /** The sender's id for the event; a second event with the same one is a duplicate. */
  readonly externalId: string | null;
  readonly properties: Record<string, unknown>;
}

export const KNOWN_EVENT_TYPES = [
  'page_view',
  'email_open',
  'email_click',
  'email_reply',
  'email_bounce',
  'email_unsubscribe',
  'newsletter_signup',
  'form_submit',
  'content_download',
  'social_follow',
  'social_share',
  'demo_request',
  'pricing_page_visit',
  'cart_add',
  'purchase',
  'survey_response',
  'call',
  'meeting',
  'note',
] as const;

export const CALL_OUTCOMES = [
  'interested',
  'not_interested',
  'no_answer',
  'voicemail',
  'callback_requested',
  'wrong_number',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

// Email-open syncs and call trackers report late and clocks drift; beyond this an event "from the
// future" is a sender bug, not skew.
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
