import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';

interface LeadJson {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  company: string | null;
  jobTitle: string | null;
  industry: string | null;
  companySize: number | null;
  country: string | null;
  source: string | null;
  ownerId: string | null;
  status: string;
  optedOut: boolean;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string | null;
}

interface PageJson {
  data: LeadJson[];
  nextCursor: string | null;
}

const SORT_FIELDS = ['createdAt', 'updatedAt', 'lastActivityAt', 'name', 'email', 'company'] as const;
type SortField = (typeof SORT_FIELDS)[number];
const TIME_FIELDS: ReadonlySet<SortField> = new Set(['createdAt', 'updatedAt', 'lastActivityAt']);

/** A source value no other test uses, so a list filtered by it holds only this test's leads. */
const uniqueSource = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** The order the API promises: by the field (a missing value first), then by id; `desc` reverses both. */
function expectedOrder(leads: readonly LeadJson[], field: SortField, direction: 'asc' | 'desc'): string[] {
  const key = (lead: LeadJson): number | string => {
    const value = lead[field];
    if (TIME_FIELDS.has(field)) return value === null ? Number.NEGATIVE_INFINITY : Date.parse(value);
    return value ?? '';
  };
  const sorted = [...leads].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  if (direction === 'desc') sorted.reverse();
  return sorted.map((l) => l.id);
}

describeEachDatabase('leads API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let ingest: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    ingest = await bearer(env.app, 'ingest');
  });

  const post = (payload: unknown, headers = admin) =>
    server.inject({ method: 'POST', url: '/api/v1/leads', headers, payload: payload as object });
  const create = async (payload: Record<string, unknown>): Promise<LeadJson> => {
    // Leads are stamped by the app's clock: one second apart, so creation order is time order.
    env.clock.advance(1000);
    const response = await post(payload);
    expect(response.statusCode, response.body).toBe(201);
    return json<LeadJson>(response);
  };
  const list = async (query: Record<string, string>, headers = admin): Promise<PageJson> => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/leads', headers, query });
    expect(response.statusCode, response.body).toBe(200);
    return json<PageJson>(response);
  };
  /** Follows `nextCursor` to the end and returns every page. */
  const walk = async (query: Record<string, string>): Promise<LeadJson[][]> => {
    const pages: LeadJson[][] = [];
    let cursor: string | null = null;
    do {
      const page: PageJson = await list(cursor === null ? query : { ...query, cursor });
      pages.push(page.data);
      cursor = page.nextCursor;
      if (pages.length > 100) throw new Error('pagination does not end');
    } while (cursor !== null);
    return pages;
  };

  describe('POST /api/v1/leads', () => {
    it('creates a lead with 201 and normalises its email', async () => {
      const email = uniqueEmail('create');
      const response = await post({ email: `  ${email.toUpperCase()} `, name: ' Ann Lee ', companySize: 40 });
      expect(response.statusCode).toBe(201);
      const lead = json<LeadJson>(response);
      expect(lead).toMatchObject({
        email,
        name: 'Ann Lee',
        companySize: 40,
        status: 'open',
        optedOut: false,
      });
      expect((await env.app.ctx.store.leads.byId(lead.id))?.email).toBe(email);
    });

    it('updates the same lead with 200 when the email comes again in another case and spacing', async () => {
      const email = uniqueEmail('again');
      const first = await create({ email, name: 'First Name', company: 'Acme' });
      const before = await env.app.ctx.store.leads.count();

      const second = await post({ email: `\t${email.toUpperCase()}  `, jobTitle: 'CTO' });

      expect(second.statusCode).toBe(200);
      const lead = json<LeadJson>(second);
      expect(lead.id).toBe(first.id);
      expect(lead).toMatchObject({ email, name: 'First Name', company: 'Acme', jobTitle: 'CTO' });
      expect(await env.app.ctx.store.leads.count()).toBe(before);
    });

    it('merges attributes key by key on a repeat post, and a null removes a key', async () => {
      const email = uniqueEmail('attrs');
      await create({ email, attributes: { plan: 'pro', seats: 5, referrer: 'blog' } });

      const response = await post({
        email,
        attributes: { seats: 8, referrer: null, utm: { medium: 'cpc' } },
      });

      expect(response.statusCode).toBe(200);
      expect(json<LeadJson>(response).attributes).toEqual({ plan: 'pro', seats: 8, utm: { medium: 'cpc' } });
      expect((await env.app.ctx.store.leads.byEmail(email))?.attributes).toEqual({
        plan: 'pro',
        seats: 8,
        utm: { medium: 'cpc' },
      });
    });

    it('answers an ingest key with 202 and only the id and whether the lead was created', async () => {
      const email = uniqueEmail('ingest');
      const first = await post({ email, name: 'Secret Name', phone: '+44 20 7946 0000' }, ingest);
      expect(first.statusCode).toBe(202);
      const body = json<{ id: string; created: boolean }>(first);
      expect(Object.keys(body).sort()).toEqual(['created', 'id']);
      expect(body.created).toBe(true);
      expect((await env.app.ctx.store.leads.byId(body.id))?.name).toBe('Secret Name');

      const again = await post({ email: email.toUpperCase(), company: 'Initech' }, ingest);
      expect(again.statusCode).toBe(202);
      expect(json(again)).toEqual({ id: body.id, created: false });
      expect(again.body).not.toContain('Secret Name');
      expect((await env.app.ctx.store.leads.byId(body.id))?.company).toBe('Initech');
    });

    it('refuses an ingest key a list of leads with 403', async () => {
      const response = await server.inject({ method: 'GET', url: '/api/v1/leads', headers: ingest });
      expect(response.statusCode).toBe(403);
      expect(json(response)).toMatchObject({ error: { code: 'forbidden' } });
    });
  });

  describe('GET /api/v1/leads filters', () => {
    it('filters by status', async () => {
      const source = uniqueSource('status');
      const open = await create({ email: uniqueEmail(), source });
      const won = await create({ email: uniqueEmail(), source, status: 'customer' });
      const lost = await create({ email: uniqueEmail(), source, status: 'lost' });

      expect((await list({ source, status: 'customer' })).data.map((l) => l.id)).toEqual([won.id]);
      expect((await list({ source, status: 'lost' })).data.map((l) => l.id)).toEqual([lost.id]);
      expect((await list({ source, status: 'open' })).data.map((l) => l.id)).toEqual([open.id]);
      expect((await list({ source, status: 'disqualified' })).data).toEqual([]);
    });

    it('filters by owner id, and by `none` for unassigned leads', async () => {
      const source = uniqueSource('owner');
      const ann = await keyFor(env.app, 'rep');
      const bob = await keyFor(env.app, 'rep');
      const annLead = await create({ email: uniqueEmail(), source, ownerId: ann.userId });
      const bobLead = await create({ email: uniqueEmail(), source, ownerId: bob.userId });
      const free = await create({ email: uniqueEmail(), source });

      expect((await list({ source, owner: ann.userId as string })).data.map((l) => l.id)).toEqual([
        annLead.id,
      ]);
      expect((await list({ source, owner: bob.userId as string })).data.map((l) => l.id)).toEqual([
        bobLead.id,
      ]);
      expect((await list({ source, owner: 'none' })).data.map((l) => l.id)).toEqual([free.id]);
    });

    it('filters by source exactly', async () => {
      const source = uniqueSource('src');
      const mine = await create({ email: uniqueEmail(), source });
      await create({ email: uniqueEmail(), source: `${source}-other` });
      expect((await list({ source })).data.map((l) => l.id)).toEqual([mine.id]);
    });

    it('finds leads by a prefix of their name, email or company, and by several words at once', async () => {
      const source = uniqueSource('search');
      const token = `zq${randomUUID().replaceAll('-', '').slice(0, 8)}`;
      const byName = await create({ email: uniqueEmail(), source, name: `Annabel ${token}name` });
      const byEmail = await create({ email: `${token}mail@example.org`, source });
      const byCompany = await create({
        email: uniqueEmail(),
        source,
        name: 'Carl Jones',
        company: `${token}corp Ltd`,
      });
      await create({ email: uniqueEmail(), source, name: 'Nobody Else', company: 'Other Co' });

      const ids = async (q: string) => (await list({ source, q, sort: 'createdAt' })).data.map((l) => l.id);
      expect(await ids(`${token}na`)).toEqual([byName.id]);
      expect(await ids(`${token}ma`)).toEqual([byEmail.id]);
      expect(await ids(`${token}co`)).toEqual([byCompany.id]);
      expect(await ids(token)).toEqual([byName.id, byEmail.id, byCompany.id]);
      expect(await ids(`ANNA ${token.toUpperCase()}`)).toEqual([byName.id]);
      expect(await ids(`carl ${token}corp`)).toEqual([byCompany.id]);
      expect(await ids(`${token}nomatch`)).toEqual([]);
    });
  });

  describe('GET /api/v1/leads sorting and pagination', () => {
    let source: string;
    let leads: LeadJson[];

    // Eleven leads (a prime: no page size divides it) with ties and missing values in every sort field.
    beforeAll(async () => {
      source = uniqueSource('sort');
      const tag = randomUUID().slice(0, 6);
      const base = Date.parse('2026-01-10T08:00:00.000Z');
      const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
      const rows: Record<string, unknown>[] = [
        { name: 'delta', company: 'kappa', email: `dddd${tag}@example.com`, createdAt: at(5) },
        { name: null, company: 'kappa', email: `bbbb${tag}@example.com`, createdAt: at(1) },
        { name: 'alpha', company: null, email: null, createdAt: at(9) },
        { name: 'delta', company: 'gamma', email: `aaaa${tag}@example.com`, createdAt: at(5) },
        { name: null, company: null, email: null, createdAt: at(3) },
        { name: 'echo', company: 'zeta', email: `eeee${tag}@example.com`, createdAt: at(7) },
        { name: 'bravo', company: 'gamma', email: `cccc${tag}@example.com`, createdAt: at(2) },
        { name: 'alpha', company: 'kappa', email: null, createdAt: at(5) },
        { name: 'charlie', company: null, email: `ffff${tag}@example.com`, createdAt: at(11) },
        { name: null, company: 'alpha', email: `gggg${tag}@example.com`, createdAt: at(4) },
        { name: 'foxtrot', company: 'beta', email: `hhhh${tag}@example.com`, createdAt: at(8) },
      ];
      const created: LeadJson[] = [];
      for (const row of rows) created.push(await create({ ...row, source }));
      // Activity on some leads only (others keep a null lastActivityAt), with a tie.
      const activity = [
        [0, 30],
        [2, 10],
        [3, 30],
        [6, 20],
        [9, 40],
      ] as const;
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: activity.map(([i, minutes]) => ({
          type: 'page_view',
          leadId: created[i]?.id,
          occurredAt: at(minutes),
        })),
      });
      expect(json<{ stored: number }>(response).stored).toBe(activity.length);
      leads = (await list({ source, limit: '500' })).data;
      expect(leads).toHaveLength(rows.length);
      expect(leads.filter((l) => l.lastActivityAt === null)).toHaveLength(6);
    });

    for (const field of SORT_FIELDS) {
      for (const direction of ['asc', 'desc'] as const) {
        const sort = direction === 'asc' ? field : `-${field}`;
        it(`sorts by ${sort} with missing values ${direction === 'asc' ? 'first' : 'last'} and ties broken by id`, async () => {
          const page = await list({ source, sort, limit: '500' });
          expect(page.nextCursor).toBeNull();
          expect(page.data.map((l) => l.id)).toEqual(expectedOrder(leads, field, direction));
        });

        it(`walks every lead exactly once in ${sort} order for page sizes that do not divide the total`, async () => {
          const expected = expectedOrder(leads, field, direction);
          for (const limit of [1, 2, 3, 4, 10]) {
            const pages = await walk({ source, sort, limit: String(limit) });
            expect(pages.map((p) => p.length)).toEqual(
              Array.from({ length: Math.ceil(expected.length / limit) }, (_, i) =>
                Math.min(limit, expected.length - i * limit),
              ),
            );
            expect(pages.flat().map((l) => l.id)).toEqual(expected);
          }
        });
      }
    }

    it('sorts by -createdAt by default', async () => {
      const page = await list({ source });
      expect(page.data.map((l) => l.id)).toEqual(expectedOrder(leads, 'createdAt', 'desc'));
    });

    it('walks leads by creation and update time without repeats or gaps, updates included', async () => {
      const own = uniqueSource('clock');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await create({ email: uniqueEmail('clock'), source: own })).id);
      for (const id of ids.slice(0, 4)) {
        const patched = await server.inject({
          method: 'PATCH',
          url: `/api/v1/leads/${id}`,
          headers: admin,
          payload: { industry: 'Software' },
        });
        expect(patched.statusCode).toBe(200);
      }
      for (const sort of ['createdAt', '-createdAt', 'updatedAt', '-updatedAt']) {
        const walked = (await walk({ source: own, sort, limit: '2' })).flat().map((l) => l.id);
        expect(walked, sort).toHaveLength(ids.length);
        expect(new Set(walked), sort).toEqual(new Set(ids));
      }
      const ascending = (await walk({ source: own, sort: 'createdAt', limit: '3' })).flat().map((l) => l.id);
      expect(ascending).toEqual(ids);
    });

    it('answers 400 naming query.cursor for a mangled cursor', async () => {
      const first = await list({ source, sort: 'name', limit: '2' });
      const cursor = first.nextCursor as string;
      const mangled = [
        `${cursor.slice(0, -3)}!!!`,
        'not-a-cursor',
        Buffer.from('{"value":"x","id":"robert\'); drop table leads;--"}').toString('base64url'),
        Buffer.from('[1,2,3]').toString('base64url'),
      ];
      for (const bad of mangled) {
        const response = await server.inject({
          method: 'GET',
          url: '/api/v1/leads',
          headers: admin,
          query: { source, sort: 'name', limit: '2', cursor: bad },
        });
        expect(response.statusCode, bad).toBe(400);
        expect(json(response)).toMatchObject({
          error: { code: 'invalid', details: { problems: [{ path: 'query.cursor' }] } },
        });
      }
    });
  });

  describe('GET, PATCH and DELETE /api/v1/leads/{id}', () => {
    const patch = (id: string, payload: unknown) =>
      server.inject({
        method: 'PATCH',
        url: `/api/v1/leads/${id}`,
        headers: admin,
        payload: payload as object,
      });

    it('gets one lead by id and answers 404 for an id no lead has', async () => {
      const lead = await create({ email: uniqueEmail('get'), name: 'Gina Get' });
      const found = await server.inject({ method: 'GET', url: `/api/v1/leads/${lead.id}`, headers: admin });
      expect(found.statusCode).toBe(200);
      // The single-lead view adds the playbook's next best actions (test/http/next-actions-api.test.ts).
      expect(json<LeadJson>(found)).toEqual({ ...lead, nextBestActions: expect.any(Array) });

      const missing = await server.inject({
        method: 'GET',
        url: `/api/v1/leads/${randomUUID()}`,
        headers: admin,
      });
      expect(missing.statusCode).toBe(404);
      expect(json(missing)).toMatchObject({ error: { code: 'not_found' } });
    });

    it('changes only the fields given and clears a field sent as null', async () => {
      const lead = await create({
        email: uniqueEmail('patch'),
        name: 'Pat Patch',
        company: 'Acme',
        phone: '555-0100',
        companySize: 120,
        attributes: { tier: 'gold', region: 'emea' },
      });

      const response = await patch(lead.id, {
        jobTitle: 'VP Sales',
        phone: null,
        companySize: null,
        status: 'lost',
        attributes: { region: null, score: 3 },
      });

      expect(response.statusCode).toBe(200);
      const patched = json<LeadJson>(response);
      expect(patched).toEqual({
        ...lead,
        jobTitle: 'VP Sales',
        phone: null,
        companySize: null,
        status: 'lost',
        attributes: { tier: 'gold', score: 3 },
        updatedAt: patched.updatedAt,
        // A decision-maker title (+15) and no company size (−10) move fit from 25 to 30.
        fit: 30,
      });
      const stored = await env.app.ctx.store.leads.byId(lead.id);
      expect(stored).toMatchObject({ name: 'Pat Patch', company: 'Acme', phone: null, jobTitle: 'VP Sales' });
    });

    it('answers 409 and changes nothing when the new email belongs to another lead', async () => {
      const taken = uniqueEmail('taken');
      const holder = await create({ email: taken });
      const lead = await create({ email: uniqueEmail('mover'), name: 'Mover' });

      const response = await patch(lead.id, { email: ` ${taken.toUpperCase()} `, name: 'Renamed' });

      expect(response.statusCode).toBe(409);
      expect(json(response)).toMatchObject({ error: { code: 'conflict' } });
      expect(await env.app.ctx.store.leads.byId(lead.id)).toMatchObject({ email: lead.email, name: 'Mover' });
      expect((await env.app.ctx.store.leads.byId(holder.id))?.email).toBe(taken);
    });

    it('answers 404 to PATCH and DELETE of an id no lead has', async () => {
      const id = randomUUID();
      expect((await patch(id, { name: 'Ghost' })).statusCode).toBe(404);
      const erased = await server.inject({ method: 'DELETE', url: `/api/v1/leads/${id}`, headers: admin });
      expect(erased.statusCode).toBe(404);
    });

    it('erases a lead with its events and keeps an audit entry without the email', async () => {
      const email = uniqueEmail('erase');
      const lead = await create({ email, name: 'Erin Erase' });
      const events = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: [
          { type: 'page_view', leadId: lead.id, occurredAt: '2026-03-01T10:00:00Z' },
          { type: 'email_open', email, occurredAt: '2026-03-01T11:00:00Z' },
        ],
      });
      expect(json<{ stored: number }>(events).stored).toBe(2);
      expect(await env.app.ctx.store.events.forLead(lead.id, { limit: 10 })).toHaveLength(2);

      const response = await server.inject({
        method: 'DELETE',
        url: `/api/v1/leads/${lead.id}`,
        headers: admin,
      });

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const after = await server.inject({ method: 'GET', url: `/api/v1/leads/${lead.id}`, headers: admin });
      expect(after.statusCode).toBe(404);
      expect(await env.app.ctx.store.leads.byEmail(email)).toBeUndefined();
      expect(await env.app.ctx.store.events.forLead(lead.id, { limit: 10 })).toEqual([]);
      const audit = await env.app.ctx.store.audit.forEntity('lead', lead.id);
      const erase = audit.filter((entry) => entry.action === 'lead.erase');
      expect(erase).toHaveLength(1);
      const trail = JSON.stringify(audit);
      expect(trail).not.toContain(email);
      expect(trail).not.toContain('Erin');
    });
  });
});
