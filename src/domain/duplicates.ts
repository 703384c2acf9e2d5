import { accountKey } from './account.js';
import { LEAD_FIELD_NAMES, type Lead, type LeadFields } from './lead.js';

/**
 * Duplicates and merge (SPEC §2): leads that look like the same person — the same phone, or the
 * same name at the same company — and what a merge keeps. docs/accounts.md describes both.
 */

/** Why two leads look like one person. */
export type DuplicateReason = 'phone' | 'name_at_account';

// The last nine digits identify a number whether it is written with its country code, a trunk
// zero or neither (+44 20 7946 0958, 020 7946 0958; +1 555 010 2000, (555) 010-2000).
const PHONE_KEY_DIGITS = 9;
// Fewer digits than this is an extension or a typo, not a number to match on.
const PHONE_MIN_DIGITS = 7;

/**
 * The key phones are compared on: the last nine digits, or null when there are fewer than seven.
 *
 * @example phoneKey('+44 20 7946 0958') // '079460958'
 * @example phoneKey('020 7946 0958') // '079460958'
 */
export function phoneKey(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length < PHONE_MIN_DIGITS ? null : digits.slice(-PHONE_KEY_DIGITS);
}

/**
 * A person's name reduced for comparison: lower-case, accents gone, words in order.
 *
 * @example personNameKey('  Zoë  O\'Brien ') // 'zoe o brien'
 */
export function personNameKey(name: string | null): string | null {
  if (name === null) return null;
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  return words.length === 0 ? null : words.join(' ');
}

/** The keys stored with a lead so that accounts and duplicates are found by index. */
export interface MatchKeys {
  readonly accountKey: string | null;
  readonly phoneKey: string | null;
}

/** The match keys of a lead's current values. */
export function matchKeys(lead: Pick<Lead, 'email' | 'company' | 'phone'>): MatchKeys {
  return { accountKey: accountKey(lead), phoneKey: phoneKey(lead.phone) };
}

/**
 * The match keys of `before` (null for a new lead) after `fields` are written to it: a field left
 * out keeps its value, `null` clears it.
 */
export function matchKeysAfter(before: Lead | null, fields: LeadFields): MatchKeys {
  const pick = (name: 'email' | 'company' | 'phone') =>
    fields[name] !== undefined ? (fields[name] ?? null) : (before?.[name] ?? null);
  return matchKeys({ email: pick('email'), company: pick('company'), phone: pick('phone') });
}

/**
 * Why `other` looks like the same person as `lead` (empty when it does not): the same phone key,
 * or the same name at the same account.
 */
export function duplicateReasons(lead: Lead, other: Lead): DuplicateReason[] {
  if (lead.id === other.id) return [];
  const reasons: DuplicateReason[] = [];
  const phone = phoneKey(lead.phone);
  if (phone !== null && phone === phoneKey(other.phone)) reasons.push('phone');
  const name = personNameKey(lead.name);
  const account = accountKey(lead);
  if (
    name !== null &&
    account !== null &&
    name === personNameKey(other.name) &&
    account === accountKey(other)
  ) {
    reasons.push('name_at_account');
  }
  return reasons;
}

/**
 * What the surviving lead takes from the duplicate in a merge: each standard field the survivor
 * lacks, each attribute key it lacks, and the opt-out (either record's opt-out stands: consent
 * is the person's, not the record's). Fields the survivor has are never overwritten.
 *
 * @example mergedFields({ …, phone: null }, { …, phone: '+1 555 0100' }) // { phone: '+1 555 0100' }
 */
export function mergedFields(survivor: Lead, duplicate: Lead): LeadFields {
  const fields: LeadFields = {};
  const filled = fields as Record<string, unknown>;
  for (const name of LEAD_FIELD_NAMES) {
    if (name === 'status' || name === 'optedOut') continue;
    if (survivor[name] === null && duplicate[name] !== null) filled[name] = duplicate[name];
  }
  if (duplicate.optedOut && !survivor.optedOut) fields.optedOut = true;
  const attributes = Object.fromEntries(
    Object.entries(duplicate.attributes).filter(
      ([key, value]) => !(key in survivor.attributes) && value !== null,
    ),
  );
  if (Object.keys(attributes).length > 0) fields.attributes = attributes;
  return fields;
}
