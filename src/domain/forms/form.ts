/**
 * Hosted forms (SPEC §3 Engagement in): an ordinary HTML form on the customer's site posts to
 * `/f/{formKey}`; Hearth checks it for spam, creates or updates the lead, stores a `form_submit`
 * event with the answers and redirects to the thank-you page. docs/integrations.md describes them.
 */

/** The lead fields a form can fill, each read from one posted field. */
export const FORM_LEAD_FIELDS = ['email', 'name', 'company', 'phone', 'jobTitle'] as const;
export type FormLeadField = (typeof FORM_LEAD_FIELDS)[number];

/**
 * The qualification answers a form can give, stored as `answers.<criterion>` of the event: the
 * paths the b2b preset's rules read (`answers.budget`, `answers.timeline`; docs/scoring.md).
 */
export const FORM_ANSWERS = ['budget', 'timeline', 'need'] as const;
export type FormAnswer = (typeof FORM_ANSWERS)[number];

/** What became of one post; every post to a live form is logged with one of these. */
export const SUBMISSION_OUTCOMES = ['stored', 'duplicate', 'spam', 'rejected'] as const;
export type SubmissionOutcome = (typeof SUBMISSION_OUTCOMES)[number];

/**
 * Fields the snippet's script adds, never stored as answers: the load time Hearth signed when the
 * page asked for it (`GET /f/{formKey}/t`: the time and its signature), the page-load and submit
 * times on the visitor's clock (milliseconds since 1970; the fallback when the signed time is
 * missing), and the website tracker's visitor id.
 */
export const CONTROL_FIELDS = {
  signedLoadTime: 'hearth_t',
  loadSignature: 'hearth_sig',
  loadedAt: 'hearth_ts',
  sentAt: 'hearth_sent',
  visitor: 'hearth_vid',
} as const;

/**
 * Where one qualification answer comes from: a posted field, and optionally how its values read
 * (`{ "50k+": "yes", "none yet": "no" }`, compared trimmed and case-insensitively). A value the
 * table does not list is stored under the field's own name only.
 */
export interface AnswerMapping {
  readonly field: string;
  readonly values?: Readonly<Record<string, string>>;
}

/** How a form's posts are read and checked. */
export interface FormSettings {
  /** The posted field holding each lead field. */
  readonly fields: Readonly<Record<FormLeadField, string>>;
  readonly qualification: Readonly<Partial<Record<FormAnswer, AnswerMapping>>>;
  /** A field hidden from people: a post that fills it is a bot's. */
  readonly honeypotField: string;
  /** A post sent sooner than this after the page loaded is a bot's; 0 turns the check off. */
  readonly minFillSeconds: number;
  /**
   * Whether a post without a valid signed load time (no JavaScript, or a bot posting directly) is
   * dropped as spam; without it such posts fall back to the visitor's own timing, if any.
   */
  readonly requireFillTime: boolean;
  /** Origins (`https://www.example.com`) the form may be posted from; empty: any. */
  readonly allowedOrigins: readonly string[];
  /** The source of a lead the form creates. */
  readonly source: string | null;
}

export interface HostedForm extends FormSettings {
  readonly id: string;
  /** Public (it is in the page) but unguessable: `hfm_…`. */
  readonly formKey: string;
  readonly name: string;
  /** Where a visitor goes after a post that was accepted (or silently dropped as spam). */
  readonly redirectUrl: string;
  /** Where a visitor goes when the post is refused; else Hearth answers a small page. */
  readonly errorUrl: string | null;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly createdBy: string | null;
  readonly deletedAt: Date | null;
}

/** Field names of a form without settings of its own. */
export const DEFAULT_FORM_FIELDS: Readonly<Record<FormLeadField, string>> = {
  email: 'email',
  name: 'name',
  company: 'company',
  phone: 'phone',
  jobTitle: 'job_title',
};

// A name no person fills and no browser autofills: plausible names such as `website` draw more
// bots but risk a password manager filling the hidden field and a person's post being dropped.
export const DEFAULT_HONEYPOT = 'hearth_hp';
// Three seconds: faster than a person can type an email address and press a button, slower than
// a bot that posts as soon as the page is parsed (the figure most honeypot plug-ins default to).
export const DEFAULT_MIN_FILL_SECONDS = 3;
export const DEFAULT_FORM_SOURCE = 'website';
