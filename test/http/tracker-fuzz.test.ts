import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, testServer } from '../support/http.js';
import { batch, collect, createSiteKey, newVisitorId, pageView, SITE } from './tracker-helpers.js';

// The collect endpoint under property-based fuzzing, as hooks-fuzz.test.ts does for /hooks. Each
// case is garbage, a mutated valid body, or a body of the right shape with random content; the
// answer must be a 2xx or a 4xx with a message, never a 5xx, and a refused request must leave the
// visitor, leads and events as they were.
const RUNS = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const LEAKS = [
  /\bat .+:\d+:\d+/,
  /\.(ts|js):\d+/,
  /node_modules/,
  /\b(insert into|violates|syntax error)\b/i,
];

describeEachDatabase('website tracker under fuzzing: no 5xx, nothing half-stored', (env) => {
  let server: FastifyInstance;
  let siteKey: string;
  beforeAll(async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    server = await testServer(env.app);
    siteKey = (await createSiteKey(server, await bearer(env.app, 'admin'))).key;
  });
  const counts = async () => ({
    leads: await env.app.ctx.store.leads.count(),
    events: await env.app.ctx.store.events.count(),
  });

  const event = fc.record(
    {
      id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.string({ maxLength: 70 })),
      type: fc.oneof(
        fc.constantFrom('page_view', 'form_submit', 'pricing_view'),
        fc.string({ maxLength: 110 }),
      ),
      at: fc.oneof(fc.integer({ min: 0, max: 2 ** 53 }), fc.double(), fc.constant(-1)),
      properties: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
        fc.record({ url: fc.oneof(fc.webUrl(), fc.string()), title: fc.string(), referrer: fc.string() }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: ['id', 'type', 'at'] },
  );
  const shaped = fc.record(
    {
      v: fc.constantFrom(1, 1, 1, 2, '1'),
      siteKey: fc.constantFrom('KEY', 'KEY', 'hpk_unknown', ''),
      sentAt: fc.oneof(fc.integer({ min: 0, max: 2 ** 53 }), fc.constant(-5)),
      consent: fc.boolean(),
      events: fc.array(event, { maxLength: 22 }),
      identify: fc.record(
        {
          email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 })),
          name: fc.string({ maxLength: 210 }),
          company: fc.string({ maxLength: 20 }),
          extra: fc.string(),
        },
        { requiredKeys: ['email'] },
      ),
    },
    { requiredKeys: ['v', 'events'] },
  );
  const valid = () => JSON.stringify(batch(siteKey, 'x'.repeat(22), [pageView(env.clock(), `${SITE}/p`)]));
  const mutated = fc
    .array(fc.tuple(fc.nat(200), fc.string({ minLength: 0, maxLength: 3 })), { maxLength: 4 })
    .map((edits) => {
      let text = valid();
      for (const [at, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + 1);
      return text;
    });

  it('answers every body with a 2xx or a 4xx, and a refused one stores nothing', async () => {
    const cases = fc.oneof(
      fc
        .uint8Array({ maxLength: 300 })
        .map((b) => ({ text: Buffer.from(b).toString('latin1'), shaped: false })),
      fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) ?? 'null', shaped: false })),
      mutated.map((text) => ({ text, shaped: false })),
      shaped.map((body) => ({
        text: JSON.stringify({ ...body, ...(body.siteKey === 'KEY' ? { siteKey } : {}) }),
        shaped: true,
      })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ text }) => {
        const vid = newVisitorId();
        // Every case speaks for a visitor of its own, so that what it stored can be told apart.
        const body = text
          .replaceAll('x'.repeat(22), vid)
          .replace(/"visitorId":"[^"]*"/, `"visitorId":"${vid}"`);
        const withVisitor = body.includes('"visitorId"')
          ? body
          : body.replace(/^\{/, `{"visitorId":"${vid}",`);
        const before = await counts();
        const response = await collect(server, withVisitor);
        expect(response.statusCode, response.body).toBeLessThan(500);
        for (const leak of LEAKS) expect(response.body).not.toMatch(leak);
        if (response.statusCode !== 200) {
          expect(response.json().error.message).toEqual(expect.any(String));
          expect(await env.app.ctx.store.tracking.visitor(vid)).toBeUndefined();
          expect(await counts()).toEqual(before);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 240_000);
});
