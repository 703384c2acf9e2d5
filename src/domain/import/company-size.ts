/**
 * A company size read from an export: a number ("120", "1,200", "1.5k") or a range as CRMs and
 * enrichment tools write their employee buckets ("51-200", "1001–5000", "10,001+", "< 10").
 *
 * A range becomes its midpoint, rounded down. Hearth's b2b fit rule counts 50–1,000 employees:
 * with the midpoint a bucket lying inside that span ("51-200", "501-1000") counts, one lying
 * outside it ("11-50", "1001-5000") does not, and a bucket straddling an edge counts when most of
 * it is inside. The lower bound would count "1000-5000" as a fit because it touches 1,000.
 * An open range ("10,001+", "more than 500") takes its bound; "< 10" takes the largest size below.
 *
 * @example parseCompanySize('51-200') // 125
 * @example parseCompanySize('10,001+') // 10001
 * @example parseCompanySize('about twenty') // undefined
 */
export function parseCompanySize(text: string): number | undefined {
  const cleaned = text
    .trim()
    .toLowerCase()
    .replace(/\s*(employees?|emp\.?|people|staff|mitarbeiter)$/, '')
    .trim();
  const whole = number(cleaned);
  if (whole !== undefined) return whole;
  const range = /^(.+?)\s*(?:-|–|—|to|bis)\s*(.+)$/.exec(cleaned);
  if (range) {
    const low = number(range[1] as string);
    const high = number(range[2] as string);
    if (low === undefined || high === undefined || low > high) return undefined;
    return Math.floor((low + high) / 2);
  }
  const atLeast = /^(?:(?:more than|over|above|>)\s*(.+)|(.+?)\s*\+)$/.exec(cleaned);
  if (atLeast) {
    const bound = number((atLeast[1] ?? atLeast[2]) as string);
    if (bound === undefined) return undefined;
    return atLeast[1] !== undefined ? bound + 1 : bound;
  }
  const below = /^(?:less than|fewer than|under|below|<)\s*(.+)$/.exec(cleaned);
  if (below) {
    const bound = number(below[1] as string);
    return bound === undefined || bound === 0 ? undefined : bound - 1;
  }
  return undefined;
}

// The largest size the lead schema takes (src/app/leads/lead-schemas.ts).
const MAX_SIZE = 10_000_000;

/** "1,200", "1 200", "1200.0" (spreadsheets), "1.5k"; undefined for anything else. */
function number(text: string): number | undefined {
  const match = /^(\d{1,3}(?:[, \u00a0\u202f]\d{3})+|\d+)(?:\.(\d+))?\s*(k)?$/.exec(text.trim());
  if (!match) return undefined;
  const integer = Number((match[1] as string).replace(/[, \u00a0\u202f]/g, ''));
  const fraction = match[2] === undefined ? 0 : Number(`0.${match[2]}`);
  if (match[3] === undefined && fraction !== 0) return undefined;
  const value = Math.round((integer + fraction) * (match[3] === undefined ? 1 : 1000));
  return value <= MAX_SIZE ? value : undefined;
}
