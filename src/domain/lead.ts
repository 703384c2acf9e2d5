/** A lead's lifecycle, separate from its temperature (SPEC §2). */
export const LEAD_STATUSES = ['open', 'customer', 'lost', 'disqualified'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Where leads come from; any other string is accepted too, these are the documented ones. */
export const KNOWN_SOURCES = ['website', 'ads', 'referral', 'cold_outreach', 'event', 'import'] as const;

export type Attributes = Record<string, unknown>;

/** A lead as the core sees it. Times are instants; `attributes` holds every non-standard field. */
export interface Lead {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly phone: string | null;
  readonly company: string | null;
  readonly jobTitle: string | null;
  readonly industry: string | null;
  readonly companySize: number | null;
  readonly country: string | null;
  readonly source: string | null;
  readonly ownerId: string | null;
  readonly status: LeadStatus;
  readonly optedOut: boolean;
  readonly attributes: Attributes;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastActivityAt: Date | null;
}

/** The standard fields a caller may set; `undefined` leaves a field alone, `null` clears it. */
export interface LeadFields {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  company?: string | null;
  jobTitle?: string | null;
  industry?: string | null;
  companySize?: number | null;
  country?: string | null;
  source?: string | null;
  ownerId?: string | null;
  status?: LeadStatus;
  optedOut?: boolean;
  attributes?: Attributes;
}

/** Standard lead fields in the order export writes them. */
export const LEAD_FIELD_NAMES = [
  'email',
  'name',
  'phone',
  'company',
  'jobTitle',
  'industry',
  'companySize',
  'country',
  'source',
  'ownerId',
  'status',
  'optedOut',
] as const satisfies readonly (keyof LeadFields)[];
export type LeadFieldName = (typeof LEAD_FIELD_NAMES)[number];

/**
 * Emails are identities: trimmed and lower-cased so that `Ann@Acme.com ` and `ann@acme.com` are
 * one lead. Returns null for a blank value.
 *
 * @example normaliseEmail('  Ann@Acme.COM ') // 'ann@acme.com'
 */
export function normaliseEmail(email: string): string | null {
  const trimmed = email.trim().toLowerCase();
  return trimmed === '' ? null : trimmed;
}

// A pragmatic check (something@something.tld, no spaces): stricter RFC 5322 parsing rejects
// addresses that mail servers accept, and the real test of an address is a delivered email.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isPlausibleEmail(email: string): boolean {
  return EMAIL_SHAPE.test(email);
}

/**
 * The key a column header or JSON key is matched on: `Company Size`, `company_size` and
 * `companySize` all become `companysize`.
 */
export function fieldKey(name: string): string {
  return name.replace(/[\s_\-.]/g, '').toLowerCase();
}

const STANDARD_FIELD_BY_KEY: ReadonlyMap<string, LeadFieldName> = new Map(
  LEAD_FIELD_NAMES.map((name) => [fieldKey(name), name]),
);

/** The standard field a header names (in any case, with spaces or underscores), if any. */
export function standardLeadField(header: string): LeadFieldName | undefined {
  return STANDARD_FIELD_BY_KEY.get(fieldKey(header));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields whose values would actually change the lead, with attributes compared key by key
 * as they merge (a null removes a key). An empty result means the write would be a no-op, which
 * keeps re-imports and repeated form posts from touching `updatedAt`.
 */
export function changedLeadFields(lead: Lead, fields: LeadFields): (keyof LeadFields)[] {
  const changed: (keyof LeadFields)[] = [];
  for (const name of LEAD_FIELD_NAMES) {
    const value = fields[name];
    if (value !== undefined && !sameValue(value, lead[name])) changed.push(name);
  }
  if (fields.attributes !== undefined) {
    const differs = Object.entries(fields.attributes).some(([key, value]) =>
      value === null ? key in lead.attributes : !sameValue(value, lead.attributes[key]),
    );
    if (differs) changed.push('attributes');
  }
  return changed;
}
