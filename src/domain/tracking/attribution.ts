import type { FirstTouch } from './site-key.js';

const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
// Attribution values are labels; a longer one is someone's accident (or a payload).
const MAX_LABEL = 200;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The UTM parameters of a page URL, by their short names (`utm_source` → `source`); empty values
 * are left out.
 *
 * @example utmOf('https://x.com/?utm_source=ads&utm_campaign=Spring') // { source: 'ads', campaign: 'Spring' }
 */
export function utmOf(url: string): Pick<FirstTouch, (typeof UTM_FIELDS)[number]> {
  const params = parse(url)?.searchParams;
  const utm: Record<string, string> = {};
  if (!params) return utm;
  for (const field of UTM_FIELDS) {
    const value = params.get(`utm_${field}`)?.trim();
    if (value) utm[field] = value.slice(0, MAX_LABEL);
  }
  return utm;
}

/** The host of a referrer URL, or undefined for none (or one that does not parse). */
export function referrerHost(referrer: string | undefined): string | undefined {
  if (!referrer) return undefined;
  const host = parse(referrer)?.hostname;
  return host ? host.slice(0, MAX_LABEL) : undefined;
}

/** Where a visitor came from, read off its first page view. */
export function firstTouchOf(page: { url: string; referrer?: string | undefined }): FirstTouch {
  const host = referrerHost(page.referrer);
  return { ...utmOf(page.url), ...(host !== undefined ? { referrerHost: host } : {}) };
}

/**
 * The lead fields a first touch gives a lead that the tracker creates: `source` is the UTM source,
 * else `website` (SPEC §2's source for the site itself); the campaign and medium become attributes,
 * as a call tracker's campaign does.
 */
export function leadAttribution(touch: FirstTouch): {
  source: string;
  attributes: Record<string, string>;
} {
  return {
    source: touch.source ?? 'website',
    attributes: {
      ...(touch.campaign !== undefined ? { campaign: touch.campaign } : {}),
      ...(touch.medium !== undefined ? { medium: touch.medium } : {}),
    },
  };
}
