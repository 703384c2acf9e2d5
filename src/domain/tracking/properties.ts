import { utmOf } from './attribution.js';
import { isSensitiveFieldName } from './privacy.js';

const MAX_URL = 2000;

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;

function withoutSensitive(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !isSensitiveFieldName(name)));
}

/**
 * The properties a tracker event is stored with. Every event loses properties whose names say
 * they hold secrets or payment data (domain/tracking/privacy.ts), and so do a form's `fields`. A
 * page view keeps `url`, `path`, `title` and `referrer` (cut to sane lengths) and gains its UTM
 * parameters as `utm_source` … `utm_content`, so that scoring rules can match them.
 *
 * @example trackerProperties('page_view', { url: 'https://x.com/pricing?utm_source=ads' })
 * // { url: 'https://x.com/pricing?utm_source=ads', path: '/pricing', utm_source: 'ads' }
 */
export function trackerProperties(
  type: string,
  properties: Record<string, unknown>,
): Record<string, unknown> {
  const kept = withoutSensitive(properties);
  if (kept.fields !== null && typeof kept.fields === 'object' && !Array.isArray(kept.fields)) {
    kept.fields = withoutSensitive(kept.fields as Record<string, unknown>);
  }
  if (type !== 'page_view') return kept;
  const url = text(kept.url, MAX_URL);
  const page: Record<string, unknown> = { ...kept };
  for (const [name, value] of [
    ['url', url],
    ['title', text(kept.title, 500)],
    ['referrer', text(kept.referrer, MAX_URL)],
  ] as const) {
    if (value === undefined) delete page[name];
    else page[name] = value;
  }
  if (url === undefined) return page;
  try {
    page.path = new URL(url).pathname;
  } catch {
    // A page URL that does not parse is kept as text; it has no path and no UTM parameters.
    return page;
  }
  for (const [field, value] of Object.entries(utmOf(url))) page[`utm_${field}`] = value;
  return page;
}
