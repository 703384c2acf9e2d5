import type { FieldProblem } from '../errors.js';

/** Most origins one site key may allow; a key per site keeps the list short. */
export const MAX_ALLOWED_ORIGINS = 50;

const ORIGIN = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

// A country's second-level registry (co.uk, com.au, ac.jp): a wildcard over one is over everyone's
// sites there. A short rule rather than the public suffix list: it catches the common ones.
const SECOND_LEVEL_REGISTRY = /^(co|com|net|org|gov|edu|ac|or|ne|go|gob|nic|ltd|plc|sch|mil)\.[a-z]{2}$/;

/** Why a wildcard's domain (what follows `*.`) is too broad to allow, or null. */
function wildcardProblem(raw: string, domain: string): string | null {
  if (domain.startsWith('[') || !domain.includes('.')) {
    return `"${raw}" allows every site under "${domain}": after "*." give a domain of at least two labels (https://*.example.com)`;
  }
  if (SECOND_LEVEL_REGISTRY.test(domain)) {
    return `"${raw}" allows every site under the public suffix "${domain}": after "*." give your own domain (https://*.example.${domain})`;
  }
  return null;
}

/**
 * An allowed origin as the browser sends it in the `Origin` header: `https://www.example.com`,
 * `http://localhost:8080`; `https://*.example.com` allows every subdomain (not example.com itself),
 * and a wildcard needs a domain of two labels or more that is not a public suffix (`*.com`, `*.co.uk`).
 * Case and a trailing slash are forgiven; a path, a query or another scheme is not.
 *
 * @example normaliseOrigin('HTTPS://Example.com/') // { origin: 'https://example.com' }
 */
export function normaliseOrigin(raw: string): { origin: string } | { problem: string } {
  const trimmed = raw.trim().toLowerCase().replace(/\/$/, '');
  const match = ORIGIN.exec(trimmed);
  if (!match) {
    return {
      problem: `"${raw}" is not an origin: give scheme and host, and a port if any (https://www.example.com, https://*.example.com)`,
    };
  }
  const wildcard = match[2] !== undefined ? wildcardProblem(raw, match[3] as string) : null;
  if (wildcard !== null) return { problem: wildcard };
  const port = match[4];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return { problem: `"${raw}" has port ${port}, outside 1–65535` };
  }
  // The browser leaves a scheme's default port out of Origin.
  const defaultPort = (match[1] === 'https' && port === '443') || (match[1] === 'http' && port === '80');
  return { origin: defaultPort ? trimmed.replace(/:\d+$/, '') : trimmed };
}

/** The list given for a key, normalised and without repeats; problems by path (`allowedOrigins[2]`). */
export function checkAllowedOrigins(
  raws: readonly string[],
  path = 'allowedOrigins',
): { origins: string[]; problems: FieldProblem[] } {
  const origins: string[] = [];
  const problems: FieldProblem[] = [];
  if (raws.length === 0) problems.push({ path, message: 'give at least one origin the site is served from' });
  if (raws.length > MAX_ALLOWED_ORIGINS) {
    problems.push({ path, message: `at most ${MAX_ALLOWED_ORIGINS} origins` });
  }
  raws.forEach((raw, i) => {
    const checked = normaliseOrigin(raw);
    if ('problem' in checked) problems.push({ path: `${path}[${i}]`, message: checked.problem });
    else if (!origins.includes(checked.origin)) origins.push(checked.origin);
  });
  return { origins, problems };
}

/**
 * True when the `Origin` header a browser sent is one of the key's. A missing or `null` origin
 * (a sandboxed frame, a file, a script outside a browser) is never allowed.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return false;
  const checked = normaliseOrigin(origin);
  if ('problem' in checked || checked.origin.includes('*')) return false;
  const sent = checked.origin;
  return allowed.some((entry) => {
    if (!entry.includes('://*.')) return entry === sent;
    const [scheme, rest] = entry.split('://*.') as [string, string];
    const prefix = `${scheme}://`;
    return sent.startsWith(prefix) && sent.slice(prefix.length).endsWith(`.${rest}`);
  });
}
