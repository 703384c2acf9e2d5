// The website tracker's collect endpoint under load (autocannon): what a site's pages send, one
// page view per request, as `navigator.sendBeacon` sends it (text/plain JSON, the page's Origin,
// a browser's User-Agent). Half the requests come from visitors who identified before (their page
// views are scored at once as the lead's events), half from anonymous ones (kept per visitor).
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import type { Api } from './http.js';

const ORIGIN = 'https://bench.example.com';
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const PAGES = ['/', '/pricing', '/features', '/blog/launch', '/case-studies', '/contact'];

export interface CollectFigures {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly eventsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly errors: number;
  readonly non2xx: number;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Page views to `POST /t/collect` for `seconds` over `connections` connections. */
export async function collectBenchmark(
  api: Api,
  options: { connections: number; seconds: number; visitors: number; runId: string },
): Promise<CollectFigures> {
  const { key } = (await post(
    `${api.url}/api/v1/integrations/sites`,
    { name: `bench ${options.runId}`, allowedOrigins: [ORIGIN] },
    { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
  )) as { key: string };
  const beacon = { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': USER_AGENT };
  const visitors = Array.from({ length: options.visitors }, () => randomBytes(16).toString('base64url'));
  let n = 0;
  const body = (visitorId: string, identify?: string) => {
    n += 1;
    const at = Date.now();
    return JSON.stringify({
      v: 1,
      siteKey: key,
      visitorId,
      sentAt: at,
      events: [
        {
          id: `${options.runId}-${n}`,
          type: 'page_view',
          at,
          properties: {
            url: `${ORIGIN}${PAGES[n % PAGES.length]}?utm_source=bench`,
            title: 'Bench',
            referrer: '',
          },
        },
      ],
      ...(identify ? { identify: { email: identify } } : {}),
    });
  };
  // Half the visitors identify first (and the run starts warm).
  for (let i = 0; i < visitors.length; i += 2) {
    const identified = body(visitors[i] as string, `bench-${options.runId}-${i}@example.com`);
    await post(`${api.url}/t/collect`, JSON.parse(identified), beacon);
  }
  const result = await autocannon({
    url: api.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: '/t/collect',
        headers: beacon,
        setupRequest: (request) => ({
          ...request,
          body: body(visitors[(n * 7919) % visitors.length] as string),
        }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    connections: options.connections,
    seconds: result.duration,
    requests: ok,
    eventsPerSecond: ok / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
