import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

interface ScoredJson {
  id: string;
  status: string;
  temperature: string;
  fit: number;
  interest: number;
  probability: number | null;
}

interface PageJson {
  data: ScoredJson[];
  nextCursor: string | null;
}

const DAY = 86_400_000;
const byId = (a: ScoredJson, b: ScoredJson) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
// The thermometer's order; closed leads show their status and sort below cold.
const RANK: Record<string, number> = { cold: 1, cool: 2, warm: 3, hot: 4 };
const temperatureRank = (lead: ScoredJson) => (lead.status === 'open' ? (RANK[lead.temperature] ?? -1) : 0);

/** The order the API promises: by the value, ties by id; descending reverses both. */
function expectedOrder(
  leads: readonly ScoredJson[],
  value: (l: ScoredJson) => number,
  desc: boolean,
): string[] {
  const sorted = [...leads].sort((a, b) => value(a) - value(b) || byId(a, b));
  if (desc) sorted.reverse();
  return sorted.map((l) => l.id);
}

describeEachDatabase('leads API: sorting by scores', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let source: string;
  let leads: ScoredJson[];

  const list = async (query: Record<string, string>, headers = admin): Promise<PageJson> => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/leads', headers, query });
    expect(response.statusCode, response.body).toBe(200);
    return json<PageJson>(response);
  };
  const walk = async (query: Record<string, string>): Promise<ScoredJson[][]> => {
    const pages: ScoredJson[][] = [];
    let cursor: string | null = null;
    do {
      const page: PageJson = await list(cursor === null ? query : { ...query, cursor });
      pages.push(page.data);
      cursor = page.nextCursor;
      if (pages.length > 100) throw new Error('pagination does not end');
    } while (cursor !== null);
    return pages;
  };
  const post = async (url: string, payload: unknown) => {
    const response = await server.inject({ method: 'POST', url, headers: admin, payload: payload as object });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response;
  };
  const lead = async (payload: Record<string, unknown>) =>
    json<{ id: string }>(await post('/api/v1/leads', { email: uniqueEmail('sort'), ...payload, source })).id;
  const events = (leadId: string, list: { type: string; daysAgo: number; properties?: object }[]) =>
    post(
      '/api/v1/events',
      list.map((e) => ({
        leadId,
        type: e.type,
        occurredAt: new Date(env.clock().getTime() - e.daysAgo * DAY).toISOString(),
        ...(e.properties ? { properties: e.properties } : {}),
      })),
    );

  // Thirteen leads (a prime) over every temperature and status, with ties in fit, interest and
  // temperature, engagement and intent at different ages (so the two interest keys disagree).
  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    source = `scores-${randomUUID().slice(0, 8)}`;
    const now = env.clock();
    await lead({ name: 'cold, no events' });
    await lead({ name: 'cold, no events either', industry: 'Software' });
    await events(await lead({ name: 'cold, a page view' }), [{ type: 'page_view', daysAgo: 1 }]);
    await events(await lead({ name: 'cold, two page views' }), [
      { type: 'page_view', daysAgo: 1 },
      { type: 'page_view', daysAgo: 2 },
    ]);
    // Two warm leads tied at 50 interest, one with intent points decaying faster than engagement.
    await events(await lead({ name: 'warm, newsletter' }), [{ type: 'newsletter_signup', daysAgo: 0 }]);
    await events(await lead({ name: 'warm, newsletter too' }), [{ type: 'newsletter_signup', daysAgo: 0 }]);
    await events(await lead({ name: 'warm, demo 5 days ago' }), [{ type: 'demo_request', daysAgo: 5 }]);
    await events(await lead({ name: 'warm, older newsletter and pricing' }), [
      { type: 'newsletter_signup', daysAgo: 10 },
      { type: 'pricing_page_visit', daysAgo: 3 },
    ]);
    // Warm 40 days ago, cool now (50 · 2^(−40/30) ≈ 20 < 30).
    await events(await lead({ name: 'cool' }), [{ type: 'newsletter_signup', daysAgo: 40 }]);
    const hot = await lead(fitLeadPayload(now, { email: uniqueEmail('sort-hot'), name: 'hot', source }));
    await events(hot, [{ type: 'form_submit', daysAgo: 0, properties: { form: 'contact-sales' } }]);
    const customer = await lead(
      fitLeadPayload(now, { email: uniqueEmail('sort-won'), name: 'customer', source }),
    );
    await events(customer, [{ type: 'newsletter_signup', daysAgo: 0 }]);
    const lost = await lead({ name: 'lost' });
    await events(lost, [{ type: 'demo_request', daysAgo: 1 }]);
    const disqualified = await lead({ name: 'disqualified', companySize: 300 });
    for (const [id, status] of [
      [customer, 'customer'],
      [lost, 'lost'],
      [disqualified, 'disqualified'],
    ] as const) {
      const patched = await server.inject({
        method: 'PATCH',
        url: `/api/v1/leads/${id}`,
        headers: admin,
        payload: { status },
      });
      expect(patched.statusCode, patched.body).toBe(200);
    }
    leads = (await list({ source, limit: '500' })).data;
    expect(leads).toHaveLength(13);
    expect(new Set(leads.map((l) => l.temperature))).toEqual(new Set(['cold', 'cool', 'warm', 'hot']));
    expect(new Set(leads.map((l) => l.fit)).size).toBeLessThan(leads.length); // ties in fit
  });

  const sorts: { sort: string; value: (l: ScoredJson) => number; desc: boolean }[] = [
    { sort: 'fit', value: (l) => l.fit, desc: false },
    { sort: '-fit', value: (l) => l.fit, desc: true },
    { sort: 'temperature', value: temperatureRank, desc: false },
    { sort: '-temperature', value: temperatureRank, desc: true },
    { sort: '-probability', value: (l) => l.probability ?? -1, desc: true },
  ];
  for (const { sort, value, desc } of sorts) {
    it(`sorts by ${sort}, ties by id, and walks every lead exactly once for any page size`, async () => {
      const expected = expectedOrder(leads, value, desc);
      expect((await list({ source, sort, limit: '500' })).data.map((l) => l.id)).toEqual(expected);
      for (const limit of [1, 2, 3, 5]) {
        const pages = await walk({ source, sort, limit: String(limit) });
        expect(
          pages.flat().map((l) => l.id),
          `${sort} by ${limit}`,
        ).toEqual(expected);
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
      }
    });
  }

  it('sorts by -interest, highest first, ties by id, and walks every lead exactly once for any page size', async () => {
    const ranked = (await list({ source, sort: '-interest', limit: '500' })).data;
    expect(ranked.map((l) => l.id).sort()).toEqual(leads.map((l) => l.id).sort());
    // Highest first (leads the same reported interest may differ below the rounding, which ranks them).
    for (let i = 1; i < ranked.length; i++) {
      expect(ranked[i - 1]?.interest).toBeGreaterThanOrEqual(ranked[i]?.interest as number);
    }
    // Two leads with the very same points tie, and go by id.
    const twins = ranked.filter((l) => l.interest === 50 && l.temperature === 'warm' && l.status === 'open');
    expect(twins.length).toBeGreaterThanOrEqual(2);
    expect(twins.map((l) => l.id)).toEqual(
      twins
        .map((l) => l.id)
        .sort()
        .reverse(),
    );
    for (const limit of [1, 2, 3, 5]) {
      const pages = await walk({ source, sort: '-interest', limit: String(limit) });
      expect(
        pages.flat().map((l) => l.id),
        `by ${limit}`,
      ).toEqual(ranked.map((l) => l.id));
    }
  });

  it('orders temperature hot > warm > cool > cold, then the closed leads, not alphabetically', async () => {
    const page = await list({ source, sort: '-temperature', limit: '500' });
    const shown = page.data.map((l) => (l.status === 'open' ? l.temperature : l.status));
    const firstOf = (label: string) => shown.indexOf(label);
    expect(firstOf('hot')).toBe(0);
    expect(firstOf('warm')).toBeLessThan(firstOf('cool'));
    expect(firstOf('cool')).toBeLessThan(firstOf('cold'));
    expect(shown.slice(-3).sort()).toEqual(['customer', 'disqualified', 'lost']);
  });

  it('ranks interest at the first page’s instant: pages fetched later neither skip nor repeat a lead', async () => {
    const first = await list({ source, sort: '-interest', limit: '4' });
    // Decay between two requests: intent (14 days) fades faster than engagement (30 days), so
    // the order now differs from the order a day ago; the cursor keeps the ranking's instant.
    env.clock.advance(DAY);
    const rest = await walk({ source, sort: '-interest', limit: '4', cursor: first.nextCursor as string });
    const walked = [...first.data, ...rest.flat()].map((l) => l.id);
    expect(walked).toHaveLength(leads.length);
    expect(new Set(walked)).toEqual(new Set(leads.map((l) => l.id)));
  });

  it('limits a rep to their own and unassigned leads when ranking by interest', async () => {
    const rep = await keyFor(env.app, 'rep');
    const other = await keyFor(env.app, 'rep');
    const [mine, theirs] = leads.filter((l) => l.status === 'open');
    for (const [lead, owner] of [
      [mine, rep.userId],
      [theirs, other.userId],
    ] as const) {
      const patched = await server.inject({
        method: 'PATCH',
        url: `/api/v1/leads/${lead?.id}`,
        headers: admin,
        payload: { ownerId: owner },
      });
      expect(patched.statusCode, patched.body).toBe(200);
    }
    const seen = (
      await list({ source, sort: '-interest', limit: '500' }, { authorization: `Bearer ${rep.key}` })
    ).data.map((l) => l.id);
    expect(seen).toContain(mine?.id);
    expect(seen).not.toContain(theirs?.id);
    expect(seen).toHaveLength(leads.length - 1);
  });

  describe('bad input', () => {
    it('answers 400 naming query.sort for a sort it does not offer, ascending interest included', async () => {
      for (const sort of ['interest', 'temperatur', 'score']) {
        const response = await server.inject({
          method: 'GET',
          url: '/api/v1/leads',
          headers: admin,
          query: { sort },
        });
        expect(response.statusCode, sort).toBe(400);
        expect(json(response)).toMatchObject({
          error: { code: 'invalid', details: { problems: [{ path: 'query.sort' }] } },
        });
      }
    });

    it('answers 400 naming query.cursor for a cursor of another sort', async () => {
      const byFit = await list({ source, sort: '-fit', limit: '2' });
      const byInterest = await list({ source, sort: '-interest', limit: '2' });
      for (const [sort, cursor] of [
        ['-interest', byFit.nextCursor],
        ['-fit', byInterest.nextCursor],
        ['-createdAt', byFit.nextCursor],
      ] as const) {
        const response = await server.inject({
          method: 'GET',
          url: '/api/v1/leads',
          headers: admin,
          query: { source, sort, cursor: cursor as string },
        });
        expect(response.statusCode, sort).toBe(400);
        expect(json(response)).toMatchObject({
          error: { code: 'invalid', details: { problems: [{ path: 'query.cursor' }] } },
        });
      }
    });

    it('answers 400 naming query.cursor, never 500, for a hand-made cursor whose value or instant is off', async () => {
      const id = randomUUID();
      const now = env.clock().getTime();
      const at = (ms: number) => new Date(ms).toISOString();
      const cases: [string, Record<string, unknown>][] = [
        ['-fit', { value: 'x' }],
        ['-fit', { value: null }],
        ['-fit', { value: 12 }],
        ['-fit', { value: '1e400' }],
        ['-probability', { value: 'NaN' }],
        ['temperature', { value: '2.5' }],
        ['-temperature', { value: 'hot' }],
        ['-temperature', { value: '99999999999' }],
        ['-createdAt', { value: 'yesterday' }],
        ['-createdAt', { value: '2026-02-30 10:00:00+00' }],
        ['updatedAt', { value: '2026-01-01 24:00:00+00' }],
        ['-lastActivityAt', { value: '2026-13-01 10:00:00+00' }],
        ['name', { value: 'a\u0000b' }],
        ['-interest', { value: 'x', asOf: at(now) }],
        ['-interest', { value: '5' }],
        ['-interest', { value: '5', asOf: 'soon' }],
        ['-interest', { value: '5', asOf: at(0) }],
        ['-interest', { value: '5', asOf: at(now - 8 * DAY) }],
        ['-interest', { value: '5', asOf: at(now + 60_000) }],
        ['-fit', { value: '5', asOf: at(now) }],
        ['-fit', { value: '5', id: 'not-an-id' }],
      ];
      for (const [sort, fields] of cases) {
        const cursor = Buffer.from(JSON.stringify({ sort, id, ...fields })).toString('base64url');
        const response = await server.inject({
          method: 'GET',
          url: '/api/v1/leads',
          headers: admin,
          query: { source, sort, cursor },
        });
        expect(response.statusCode, `${sort} ${JSON.stringify(fields)}`).toBe(400);
        expect(json(response)).toMatchObject({
          error: { code: 'invalid', details: { problems: [{ path: 'query.cursor' }] } },
        });
      }
    });

    it('continues from a hand-made cursor whose value is well formed', async () => {
      const id = '00000000-0000-0000-0000-000000000000';
      const cases: [string, Record<string, unknown>][] = [
        ['-fit', { value: '50.5' }],
        ['-temperature', { value: '3' }],
        ['-probability', { value: '1e-7' }],
        ['-createdAt', { value: '2026-02-28 10:00:00.123456+00' }],
        ['updatedAt', { value: '2026-02-28T10:00:00+05:30' }],
        ['-lastActivityAt', { value: '-infinity' }],
        ['company', { value: 'Acme' }],
        ['-interest', { value: '12.5', asOf: new Date(env.clock().getTime() - DAY).toISOString() }],
      ];
      for (const [sort, fields] of cases) {
        const cursor = Buffer.from(JSON.stringify({ sort, id, ...fields })).toString('base64url');
        await list({ source, sort, cursor });
      }
    });
  });
});
