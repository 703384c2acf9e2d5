import { FREE_MAIL_PROVIDERS } from './free-mail.js';
import type { Temperature } from './scoring/model.js';
import { hundredths } from './scoring/score-scale.js';

/**
 * Companies (accounts, SPEC §2): leads that share a company form an account, found by its key —
 * the normalised company domain of the email, else `name:` and the normalised company name.
 * docs/accounts.md gives the rules and the roll-up formula.
 */

// Internet providers' mailboxes: like free mail, an address there names no employer. Only for
// accounts (the scoring presets keep their own list): grouping every customer of an ISP into one
// "company" would be worse than no account at all.
const ISP_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'aim.com',
  'att.net',
  'bellsouth.net',
  'btinternet.com',
  'comcast.net',
  'cox.net',
  'earthlink.net',
  'free.fr',
  'laposte.net',
  'libero.it',
  'orange.fr',
  'qq.com',
  'rocketmail.com',
  'sbcglobal.net',
  'sfr.fr',
  't-online.de',
  'verizon.net',
  'virginmedia.com',
  'wanadoo.fr',
  'web.de',
  'ymail.com',
  'zoho.com',
  '163.com',
  '126.com',
]);
const FREE_MAIL_LABELS: ReadonlySet<string> = new Set(FREE_MAIL_PROVIDERS);

// Legal forms dropped from the end of a company name, after punctuation became spaces
// ("Acme, Inc." → "acme"; "Müller GmbH & Co. KG" → "müller").
const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  'ab',
  'ag',
  'aps',
  'as',
  'asa',
  'bv',
  'co',
  'company',
  'corp',
  'corporation',
  'gmbh',
  'inc',
  'incorporated',
  'kg',
  'kk',
  'limited',
  'llc',
  'llp',
  'lp',
  'ltd',
  'nv',
  'oy',
  'oyj',
  'plc',
  'pty',
  'pvt',
  'sa',
  'sarl',
  'sas',
  'spa',
  'srl',
]);

/** The prefix that marks a key made from a company name rather than a domain. */
export const NAME_KEY_PREFIX = 'name:';

/**
 * The company domain of an email, or null for free-mail and ISP addresses (and non-addresses).
 *
 * @example companyDomain('Ann@Mail.Acme.com') // 'mail.acme.com'
 * @example companyDomain('ann@gmail.com') // null
 */
export function companyDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.+$/, '')
    .replace(/^www\./, '');
  if (!domain.includes('.') || /\s/.test(domain)) return null;
  const firstLabel = domain.split('.')[0] as string;
  if (FREE_MAIL_LABELS.has(firstLabel) || ISP_MAIL_DOMAINS.has(domain)) return null;
  return domain;
}

/**
 * A company name reduced to what identifies it: lower-case, accents and punctuation gone, legal
 * forms dropped from the end. Null when nothing is left.
 *
 * @example companyNameKey('  ACME, Inc. ') // 'acme'
 * @example companyNameKey('Société Générale S.A.') // 'societe generale'
 */
export function companyNameKey(name: string): string | null {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' ')
    // "S.A." and "B.V." are one word each once their dots go.
    .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, '$1')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words.at(-1) as string)) words.pop();
  return words.length === 0 ? null : words.join(' ');
}

/**
 * The account a lead belongs to: its company domain, else `name:` + its normalised company name,
 * else null (no account).
 *
 * @example accountKey({ email: 'ann@acme.com', company: 'Acme' }) // 'acme.com'
 * @example accountKey({ email: 'ann@gmail.com', company: 'Acme Ltd' }) // 'name:acme'
 */
export function accountKey(lead: {
  readonly email: string | null;
  readonly company: string | null;
}): string | null {
  const domain = lead.email === null ? null : companyDomain(lead.email);
  if (domain !== null) return domain;
  const name = lead.company === null ? null : companyNameKey(lead.company);
  return name === null ? null : `${NAME_KEY_PREFIX}${name}`;
}

/** The domain an account key stands for, or null for a name key. */
export function accountDomain(key: string): string | null {
  return key.startsWith(NAME_KEY_PREFIX) ? null : key;
}

/**
 * Account interest: the chance that at least one of its people is interested, reading each lead's
 * interest (0–100) as a probability — 100 × (1 − Π(1 − iₖ/100)), in hundredths. Several people
 * heating up together raise it above any one of them; it never passes 100, and a lead with no
 * interest changes nothing.
 *
 * @example accountInterest([50, 50]) // 75
 * @example accountInterest([30]) // 30
 */
export function accountInterest(interests: readonly number[]): number {
  let none = 1;
  for (const interest of interests) none *= 1 - Math.min(100, Math.max(0, interest)) / 100;
  return hundredths(100 * (1 - none)) / 100;
}

const TEMPERATURE_RANK: Record<Temperature, number> = { cold: 0, cool: 1, warm: 2, hot: 3 };

/** How hot a temperature is, for ordering: cold 0, cool 1, warm 2, hot 3. */
export function temperatureRank(temperature: Temperature): number {
  return TEMPERATURE_RANK[temperature];
}

/** The hottest of these temperatures (cold for none). */
export function hottest(temperatures: readonly Temperature[]): Temperature {
  let best: Temperature = 'cold';
  for (const t of temperatures) if (TEMPERATURE_RANK[t] > TEMPERATURE_RANK[best]) best = t;
  return best;
}
