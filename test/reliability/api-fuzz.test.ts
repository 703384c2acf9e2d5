import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import { fuzzValue, garbage, type Resolve, type Schema, toJson } from '../support/schema-arbitrary.js';

// Property-based fuzzing of every API route (issue 7/7 item 3). The routes, their parameters and
// their body schemas come from the OpenAPI document the server publishes, so a new route is fuzzed
// the moment it exists. Each case is a valid value, a near miss of the schema or garbage, sent
// through Fastify's injection; the reply must be a 2xx, or a 4xx in the error shape with a message,
// never a 5xx, and a refused write must leave every table as it was.

/** Cases per route; with ~70 routes, over 8,000 per database. */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly schema: Schema;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

type Body =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'raw'; readonly bytes: Buffer; readonly contentType: string };

interface Case {
  readonly path: Record<string, string>;
  readonly query: string;
  readonly body: Body;
}

type ErrorJson = {
  error: { code: string; message: string; details: { problems?: { path: string; message: string }[] } };
};

// Anything that looks like a stack frame, an internal file or SQL must stay on the server.
const LEAKS = [
  /\bat .+:\d+:\d+/,
  /\.(ts|js):\d+/,
  /node_modules/,
  /"stack"/,
  /\b(insert into|update \w+ set|delete from)\b/i,
  /\b(syntax error|duplicate key|violates|invalid byte sequence)\b/i,
];

/** Raw bodies a JSON parser and a UTF-8 decoder have to survive. */
function rawBody(field: string): fc.Arbitrary<Body> {
  const raw = (bytes: Buffer, contentType = 'application/json'): Body => ({
    kind: 'raw',
    bytes,
    contentType,
  });
  const inField = (inner: Buffer) => Buffer.concat([Buffer.from(`{"${field}":"`), inner, Buffer.from('"}')]);
  return fc.oneof(
    // Invalid UTF-8 inside a string: lone continuation bytes, overlongs, surrogates, truncations.
    fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => raw(inField(Buffer.from(bytes)))),
    fc
      .constantFrom([0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80])
      .map((bytes) => raw(inField(Buffer.from(bytes)))),
    // Invalid UTF-8 outside any string.
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => raw(Buffer.from(bytes))),
    // A byte-order mark before a JSON document.
    fc.constant(raw(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"${field}":"x"}`)]))),
    // Deep JSON, well under the body limit.
    fc.integer({ min: 1_000, max: 200_000 }).map((n) => raw(Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`))),
    fc
      .integer({ min: 1_000, max: 100_000 })
      .map((n) => raw(Buffer.from(`{"${field}":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`))),
    // Truncated and malformed documents, and other content types.
    fc
      .constantFrom('{', '{"a":', '[1,2', 'nul', '"unterminated', '{"a":1}}', '', ' ')
      .map((s) => raw(Buffer.from(s))),
    fc.constant(raw(Buffer.from(`${field}=x`), 'application/x-www-form-urlencoded')),
    fc.constant(raw(Buffer.from('<a/>'), 'text/xml')),
    fc.constant(raw(Buffer.from(`{"${field}": "x"}`), 'application/json; charset=latin1')),
  );
}

/** One query-string value from a schema value: the way a client would spell it, or worse. */
function queryPart(name: string, value: unknown): string {
  const enc = (v: string) => {
    try {
      return encodeURIComponent(v);
    } catch {
      return escape(v); // a lone surrogate: sent as a %uD800 escape the server has to refuse
    }
  };
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `${name}=${enc(String(v))}`).join('&');
  if (value !== null && typeof value === 'object') return `${name}=${enc(toJson(value))}`;
  return `${name}=${enc(String(value))}`;
}

function caseFor(
  method: string,
  operation: Operation,
  resolve: Resolve,
  ids: fc.Arbitrary<string>,
): fc.Arbitrary<Case> {
  const parameters = operation.parameters ?? [];
  const path: Record<string, fc.Arbitrary<string>> = {};
  for (const p of parameters.filter((p) => p.in === 'path')) {
    path[p.name] = fc.oneof(
      // Existing rows are only targeted by methods that cannot remove them, so the sweep keeps its fixtures.
      ...(method === 'delete' ? [] : [ids]),
      fc.uuid(),
      fc.constantFrom('not-a-uuid', '0', '-1', '..', '%00', '%ff', 'x'.repeat(300), "1' or '1'='1"),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s)),
    );
  }
  const queryParams = parameters.filter((p) => p.in === 'query');
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        fc.option(fuzzValue(p.schema, resolve), { nil: undefined, freq: 2 }).map((v) => queryPart(p.name, v)),
      ),
      fc.option(
        fc.oneof(
          fc.constantFrom('unknown=1', '%ff%fe=%c0%af', 'limit', '&&&', '__proto__[polluted]=1', 'a[b][c]=1'),
          fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `extra=${escape(s)}`),
        ),
        { nil: '', freq: 3 },
      ),
    )
    .map((parts) => parts.filter((part) => part.length > 0).join('&'));
  const schema = operation.requestBody?.content['application/json']?.schema;
  const firstField = schema
    ? (Object.keys(resolveTop(schema, resolve).properties ?? {})[0] ?? 'value')
    : 'value';
  const body: fc.Arbitrary<Body> = schema
    ? fc.oneof(
        { arbitrary: fuzzValue(schema, resolve).map((value): Body => ({ kind: 'json', value })), weight: 8 },
        { arbitrary: rawBody(firstField), weight: 2 },
      )
    : method === 'get'
      ? fc.constant({ kind: 'none' })
      : fc.oneof(
          { arbitrary: fc.constant<Body>({ kind: 'none' }), weight: 3 },
          { arbitrary: garbage.map((value): Body => ({ kind: 'json', value })), weight: 1 },
        );
  return fc.record({ path: fc.record(path), query, body });
}

function resolveTop(schema: Schema, resolve: Resolve): Schema {
  if (schema.$ref) return resolve(schema.$ref);
  if (schema.anyOf) return resolveTop(schema.anyOf[0] as Schema, resolve);
  return schema;
}

function describeCase(method: string, url: string, body: Body): string {
  const shown =
    body.kind === 'json'
      ? toJson(body.value).slice(0, 300)
      : body.kind === 'raw'
        ? `${body.contentType} ${body.bytes.subarray(0, 120).toString('hex')}`
        : '';
  return `${method.toUpperCase()} ${url.slice(0, 300)} ${shown}`;
}

describeEachDatabase('bad input fuzzing of every API route', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let fixtureLeadId: string;
  let tables: string[];
  let baseline: Record<string, number> = {};

  /** Row counts of every table: a refused write must not change any. */
  const counts = async (): Promise<Record<string, number>> => {
    const union = sql.join(
      tables.map((t) => sql`select ${t} as t, count(*)::int as n from ${sql.table(t)}`),
      sql` union all `,
    );
    const { rows } = await sql<{ t: string; n: number }>`${union}`.execute(env.app.database.db);
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  };

  beforeAll(async () => {
    server = await testServer(env.app);
    await server.ready();
    admin = await bearer(env.app, 'admin');
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: {
        email: uniqueEmail('fuzz'),
        name: 'Fuzz Fixture',
        company: 'Acme',
        attributes: { plan: 'pro' },
      },
    });
    fixtureLeadId = json<{ id: string }>(created).id;
    await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { type: 'page_view', leadId: fixtureLeadId, occurredAt: '2026-03-01T09:00:00Z' },
    });
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      order by table_name`.execute(env.app.database.db);
    // A valid POST /prediction/train starts a run that stores its model later, in the background:
    // those rows may appear during any later request.
    tables = rows.map((r) => r.table_name).filter((t) => t !== 'prediction_models');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers every generated request with a 2xx or a 4xx naming the problem, never a 5xx, and stores nothing it refused', async () => {
    const doc = server.swagger() as unknown as OpenApi;
    const resolve: Resolve = (ref) => {
      const schema = doc.components?.schemas?.[ref.replace('#/components/schemas/', '')];
      if (!schema) throw new Error(`unresolved ${ref}`);
      return schema;
    };
    const ids = fc.constant(fixtureLeadId);
    const started = performance.now();
    let cases = 0;
    let routes = 0;
    const statuses = new Map<number, number>();
    for (const [template, operations] of Object.entries(doc.paths)) {
      if (!template.startsWith('/api/v1/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        routes += 1;
        const leadBefore = await env.app.ctx.store.leads.byId(fixtureLeadId);
        baseline = await counts();
        await fc.assert(
          fc.asyncProperty(caseFor(method, operation, resolve, ids), async (c) => {
            cases += 1;
            let url = template.replace(/\{(\w+)\}/g, (_, name: string) => c.path[name] ?? 'missing');
            if (c.query) url += `?${c.query}`;
            const request = {
              method: method.toUpperCase() as 'GET',
              url,
              headers: { ...admin } as Record<string, string>,
            };
            let response: LightMyRequestResponse;
            if (c.body.kind === 'json') {
              response = await server.inject({
                ...request,
                headers: { ...request.headers, 'content-type': 'application/json' },
                payload: toJson(c.body.value),
              });
            } else if (c.body.kind === 'raw') {
              response = await server.inject({
                ...request,
                headers: { ...request.headers, 'content-type': c.body.contentType },
                payload: c.body.bytes,
              });
            } else {
              response = await server.inject(request);
            }
            const what = describeCase(method, url, c.body);
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            expect(response.statusCode, `${what} → ${response.body.slice(0, 500)}`).toBeLessThan(500);
            // One count per write, against the counts after the previous one: a refused write
            // must leave them as they were.
            const before = baseline;
            if (method !== 'get') baseline = await counts();
            // Bytes that are not UTF-8 are no JSON document (RFC 8259), whatever they would decode to.
            if (
              c.body.kind === 'raw' &&
              !isUtf8(c.body.bytes) &&
              c.body.contentType.startsWith('application/json')
            ) {
              expect(response.statusCode, `${what} → ${response.body.slice(0, 300)}`).toBe(400);
            }
            if (response.statusCode < 400) return;
            const error = json<ErrorJson>(response).error;
            expect(typeof error.code, what).toBe('string');
            expect(error.message.length, what).toBeGreaterThan(0);
            expect(typeof error.details, what).toBe('object');
            for (const problem of error.details.problems ?? []) {
              expect(problem.path.length, `${what}: a problem without a path`).toBeGreaterThan(0);
              expect(problem.message.length, `${what}: a problem without a message`).toBeGreaterThan(0);
            }
            for (const leak of LEAKS) expect(response.body, what).not.toMatch(leak);
            if (method !== 'get') {
              expect(baseline, `${what} was refused (${response.statusCode}) but stored`).toEqual(before);
            }
          }),
          { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
        );
        // A refused write never touched the one lead every route may aim at.
        const leadAfter = await env.app.ctx.store.leads.byId(fixtureLeadId);
        if (method !== 'patch' && method !== 'put' && method !== 'post') {
          expect(leadAfter, `${method.toUpperCase()} ${template} changed the fixture lead`).toEqual(
            leadBefore,
          );
        }
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const byStatus = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
    console.info(
      `fuzz [${env.database}]: ${cases.toLocaleString('en')} API cases over ${routes} routes in ${seconds} s (seed ${SEED}; ${byStatus.join(', ')})`,
    );
    expect(cases).toBeGreaterThanOrEqual(routes * RUNS_PER_ROUTE);
  }, 600_000);
});
