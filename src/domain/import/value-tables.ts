import type { LeadStatus } from '../lead.js';

/**
 * How the values of the usual exports' source and status columns become Hearth's. Keys are
 * lower-cased and trimmed; docs/import.md prints these tables. A value not listed is kept as given
 * (source) or leaves the lead open (status); the original value always stays in `attributes`.
 */

/** Lead source picklists → Hearth's documented sources (KNOWN_SOURCES in lead.ts). */
export const SOURCE_TABLE: Readonly<Record<string, string>> = {
  // Hearth's own.
  website: 'website',
  ads: 'ads',
  referral: 'referral',
  cold_outreach: 'cold_outreach',
  event: 'event',
  import: 'import',
  // Salesforce Lead Source defaults (Web, Phone Inquiry, Partner Referral, Purchased List, Other)
  // and older orgs' values.
  web: 'website',
  'phone inquiry': 'website',
  'partner referral': 'referral',
  'employee referral': 'referral',
  'external referral': 'referral',
  partner: 'referral',
  'word of mouth': 'referral',
  'purchased list': 'import',
  advertisement: 'ads',
  'trade show': 'event',
  'seminar - internal': 'event',
  'seminar - partner': 'event',
  // HubSpot Original Source (hs_analytics_source), labels and internal values.
  'organic search': 'website',
  organic_search: 'website',
  'direct traffic': 'website',
  direct_traffic: 'website',
  'paid search': 'ads',
  paid_search: 'ads',
  'paid social': 'ads',
  paid_social: 'ads',
  'organic social': 'website',
  'social media': 'website',
  social_media: 'website',
  referrals: 'referral',
  'email marketing': 'website',
  email_marketing: 'website',
  'offline sources': 'import',
  offline: 'import',
  // Zoho CRM Lead Source defaults.
  'cold call': 'cold_outreach',
  'internal seminar': 'event',
  'seminar partner': 'event',
  'web download': 'website',
  'web research': 'website',
  'online store': 'website',
  chat: 'website',
  // Pipedrive source origin.
  'web forms': 'website',
  'web visitors': 'website',
  leadbooster: 'website',
  prospector: 'cold_outreach',
};

/** What a CRM's status or stage label means for a lead: still open, or decided. */
export const STATUS_TABLE: Readonly<Record<string, LeadStatus>> = {
  // Hearth's own and plain words.
  open: 'open',
  customer: 'customer',
  won: 'customer',
  lost: 'lost',
  disqualified: 'disqualified',
  new: 'open',
  contacted: 'open',
  qualified: 'open',
  working: 'open',
  nurturing: 'open',
  unqualified: 'disqualified',
  // Salesforce Lead Status defaults.
  'open - not contacted': 'open',
  'working - contacted': 'open',
  'closed - converted': 'customer',
  'closed - not converted': 'disqualified',
  // HubSpot Lifecycle Stage (labels and internal values).
  subscriber: 'open',
  lead: 'open',
  'marketing qualified lead': 'open',
  marketingqualifiedlead: 'open',
  'sales qualified lead': 'open',
  salesqualifiedlead: 'open',
  opportunity: 'open',
  evangelist: 'customer',
  other: 'open',
  // HubSpot Lead Status.
  'in progress': 'open',
  in_progress: 'open',
  'open deal': 'open',
  open_deal: 'open',
  'attempted to contact': 'open',
  attempted_to_contact: 'open',
  connected: 'open',
  'bad timing': 'lost',
  bad_timing: 'lost',
  // Zoho CRM Lead Status.
  'contact in future': 'open',
  'not contacted': 'open',
  'pre-qualified': 'open',
  'not qualified': 'disqualified',
  'junk lead': 'disqualified',
  'lost lead': 'lost',
  // Pipedrive labels (Customer, Hot/Warm/Cold lead).
  'hot lead': 'open',
  'warm lead': 'open',
  'cold lead': 'open',
};

/** The event type an email tool's or call log's activity name stands for. */
export const EVENT_TYPE_TABLE: Readonly<Record<string, string>> = {
  open: 'email_open',
  opened: 'email_open',
  click: 'email_click',
  clicked: 'email_click',
  reply: 'email_reply',
  replied: 'email_reply',
  bounce: 'email_bounce',
  bounced: 'email_bounce',
  'hard bounce': 'email_bounce',
  'soft bounce': 'email_bounce',
  hard_bounce: 'email_bounce',
  soft_bounce: 'email_bounce',
  unsubscribe: 'email_unsubscribe',
  unsubscribed: 'email_unsubscribe',
  // Sent and delivered are not a rep's logged email (`email_sent`, a desk touch): kept apart.
  sent: 'email_delivered',
  delivered: 'email_delivered',
  processed: 'email_delivered',
  spamreport: 'email_spam_report',
  'spam report': 'email_spam_report',
  'marked as spam': 'email_spam_report',
  call: 'call',
  'phone call': 'call',
  meeting: 'meeting',
  note: 'note',
};

/** Bounce activities carry their kind, as the hard-bounce rule of the presets reads it. */
export const BOUNCE_TYPE_TABLE: Readonly<Record<string, 'hard' | 'soft'>> = {
  'hard bounce': 'hard',
  hard_bounce: 'hard',
  'soft bounce': 'soft',
  soft_bounce: 'soft',
};

/** Call directions as Twilio, Aircall and CallRail write them → inbound/outbound. */
export const DIRECTION_TABLE: Readonly<Record<string, 'inbound' | 'outbound'>> = {
  inbound: 'inbound',
  incoming: 'inbound',
  in: 'inbound',
  outbound: 'outbound',
  outgoing: 'outbound',
  out: 'outbound',
  'outbound-api': 'outbound',
  'outbound-dial': 'outbound',
};

/** The key a value is looked up by in these tables. */
export function tableKey(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** A call log's status → what Hearth's call events say (properties.answered and .outcome). */
export const CALL_STATUS_TABLE: Readonly<
  Record<string, { answered: boolean; outcome?: 'no_answer' | 'voicemail' }>
> = {
  answered: { answered: true },
  completed: { answered: true },
  true: { answered: true },
  missed: { answered: false, outcome: 'no_answer' },
  'no-answer': { answered: false, outcome: 'no_answer' },
  no_answer: { answered: false, outcome: 'no_answer' },
  busy: { answered: false, outcome: 'no_answer' },
  failed: { answered: false, outcome: 'no_answer' },
  canceled: { answered: false, outcome: 'no_answer' },
  abandoned: { answered: false, outcome: 'no_answer' },
  false: { answered: false, outcome: 'no_answer' },
  voicemail: { answered: false, outcome: 'voicemail' },
};
