// Benchmarks against a running `hearth serve`: ingest under load (autocannon), freshness, reads
// and a rescore-all with the queue read meanwhile. Latencies of single requests are taken one
// request at a time (what a person waiting for a page sees); throughput with many connections.
import autocannon from 'autocannon';
import { type Latency, summarise } from './stats.js';

export interface Api {
  readonly url: string;
  readonly key: string;
}

async function call(api: Api, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? null : JSON.parse(text);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Latencies of `samples` requests made one after another (after a few unmeasured ones). */
async function sequential(samples: number, request: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < Math.min(10, samples); i++) await request(i);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await timed(() => request(i)));
  return summarise(times);
}

export interface ReadFigures {
  readonly queue: Latency;
  readonly hotList: Latency;
  readonly leadPage: Latency;
  readonly hotLeads: number;
}

export async function reads(api: Api, leadIds: readonly string[], samples: number): Promise<ReadFigures> {
  const hot = (await call(api, 'GET', '/leads?temperature=hot&limit=50')) as { data: unknown[] };
  return {
    queue: await sequential(samples, () => call(api, 'GET', '/queue')),
    hotList: await sequential(samples, () => call(api, 'GET', '/leads?temperature=hot&limit=50')),
    leadPage: await sequential(samples, (i) => call(api, 'GET', `/leads/${leadIds[i % leadIds.length]}`)),
    hotLeads: hot.data.length,
  };
}

export interface RescoreFigures {
  readonly leads: number;
  readonly ms: number;
  readonly leadsPerSecond: number;
  readonly moved: Record<string, number>;
  /** GET /queue, one request after another for as long as the rescore ran. */
  readonly queueMeanwhile: Latency;
}

/** Publishes the active model again as a new version (every lead is rescored) and waits for it. */
export async function rescoreAll(api: Api): Promise<RescoreFigures> {
  const model = (await call(api, 'GET', '/model')) as { active: { document: unknown } };
  const started = performance.now();
  const published = (await call(api, 'POST', '/model/publish', { document: model.active.document })) as {
    job: { id: number };
  };
  let done = false;
  const times: number[] = [];
  const reader = (async () => {
    while (!done) times.push(await timed(() => call(api, 'GET', '/queue')));
  })();
  let job: { state: string; total: number; moved: Record<string, number> };
  for (;;) {
    job = (await call(api, 'GET', `/model/publish/${published.job.id}`)) as typeof job;
    if (job.state === 'done') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const ms = performance.now() - started;
  done = true;
  await reader;
  return {
    leads: job.total,
    ms,
    leadsPerSecond: job.total / (ms / 1000),
    moved: job.moved,
    queueMeanwhile: summarise(times),
  };
}

export interface FreshnessFigures {
  readonly samples: number;
  readonly ms: Latency;
  /** Of the samples, how many were readable on the very first read after the POST returned. */
  readonly firstRead: number;
}

/**
 * For cold leads: POST one demo request, then read the lead page until its interest has risen;
 * the time from the POST's answer to that read's answer.
 */
export async function freshness(api: Api, samples: number, runId: string): Promise<FreshnessFigures> {
  const page = (await call(api, 'GET', `/leads?temperature=cold&limit=${Math.min(200, samples)}`)) as {
    data: { id: string }[];
  };
  const times: number[] = [];
  let firstRead = 0;
  for (let i = 0; i < samples; i++) {
    const lead = page.data[i % page.data.length];
    if (!lead) throw new Error('freshness: no cold lead to send events to');
    const before = (await call(api, 'GET', `/leads/${lead.id}`)) as { interest: number };
    await call(api, 'POST', '/events', {
      leadId: lead.id,
      type: 'pricing_page_visit',
      id: `${runId}-fresh-${i}`,
      properties: { url: '/pricing' },
    });
    const posted = performance.now();
    for (let reads = 1; ; reads++) {
      const after = (await call(api, 'GET', `/leads/${lead.id}`)) as { interest: number };
      if (after.interest > before.interest || after.interest >= 100) {
        times.push(performance.now() - posted);
        if (reads === 1) firstRead += 1;
        break;
      }
      if (performance.now() - posted > 10_000)
        throw new Error(`freshness: lead ${lead.id} not rescored in 10 s`);
    }
  }
  return { samples, ms: summarise(times), firstRead };
}

export interface IngestFigures {
  readonly eventsPerRequest: number;
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly latencyMs: { p50: number; p99: number; max: number };
  readonly errors: number;
  readonly non2xx: number;
}

const EVENT_TYPES = ['page_view', 'page_view', 'page_view', 'email_open', 'email_click', 'content_download'];

/** `POST /events` under load from `connections` connections: one event or a batch per request. */
export async function ingest(
  api: Api,
  options: {
    emails: readonly string[];
    perRequest: number;
    connections: number;
    seconds: number;
    runId: string;
  },
): Promise<IngestFigures> {
  let n = 0;
  const body = () => {
    const events = Array.from({ length: options.perRequest }, () => {
      n += 1;
      return {
        email: options.emails[(n * 7919) % options.emails.length],
        type: EVENT_TYPES[n % EVENT_TYPES.length],
        id: `${options.runId}-load-${n}`,
        properties: { url: `/blog/post-${n % 40}` },
      };
    });
    return JSON.stringify(options.perRequest === 1 ? events[0] : events);
  };
  // A few requests first, one at a time, so that the run does not measure a cold server.
  for (let i = 0; i < 5; i++) await call(api, 'POST', '/events', JSON.parse(body()));
  const result = await autocannon({
    url: api.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/events',
        headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    eventsPerRequest: options.perRequest,
    connections: options.connections,
    seconds: result.duration,
    requests: ok,
    events: ok * options.perRequest,
    eventsPerSecond: (ok * options.perRequest) / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
