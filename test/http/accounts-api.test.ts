import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer } from '../support/http.js';

const DAY = 86_400_000;

interface LeadJson {
  id: string;
  email: string | null;
  company: string | null;
  ownerId: string | null;
  interest: number;
  temperature: string;
}

interface AccountJson {
  key: string;
  name: string;
  domain: string | null;
  leadCount: number;
  hottestTemperature: string;
  interest: number;
  lastActivityAt: string | null;
}

interface AccountDetailJson extends AccountJson {
  leads: LeadJson[];
}

interface AccountPage {
  data: AccountJson[];
  nextCursor: string | null;
}

const RANK: Record<string, number> = { cold: 0, cool: 1, warm: 2, hot: 3 };

/** The documented formula, computed here from the leads' interests as the API reports them. */
function expectedInterest(interests: readonly number[]): number {
  const none = interests.reduce((p, i) => p * (1 - i / 100), 1);
  return Math.round(100 * (1 - none) * 100) / 100;
}

/** A company domain no other test uses. */
const uniqueDomain = (label: string) => `${label}-${randomUUID().slice(0, 8)}.example.org`;

describeEachDatabase('accounts API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  const createLead = async (payload: Record<string, unknown>, headers = admin): Promise<LeadJson> => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/leads', headers, payload });
    expect(response.statusCode, response.body).toBe(201);
    return json<LeadJson>(response);
  };
  const sendEvents = async (events: Record<string, unknown>[]) => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: events,
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
  };
  const account = async (key: string, headers = admin) =>
    server.inject({ method: 'GET', url: `/api/v1/accounts/${encodeURIComponent(key)}`, headers });
  const allAccounts = async (query: Record<string, string> = {}, headers = admin): Promise<AccountJson[]> => {
    const seen: AccountJson[] = [];
    let cursor: string | null = null;
    do {
      const response: LightMyRequestResponse = await server.inject({
        method: 'GET',
        url: '/api/v1/accounts',
        headers,
        query: { limit: '3', ...query, ...(cursor ? { cursor } : {}) },
      });
      expect(response.statusCode, response.body).toBe(200);
      const page: AccountPage = json<AccountPage>(response);
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return seen;
  };

  it('rolls several interested people at one company up above any one of them', async () => {
    const domain = uniqueDomain('acme');
    const now = env.clock().toISOString();
    const [ann, bob, carol] = [
      await createLead({ email: `ann@${domain}`, company: 'Acme Inc' }),
      await createLead({ email: `bob@${domain}`, company: 'Acme Inc' }),
      await createLead({ email: `carol@${domain}`, company: 'ACME' }),
    ];
    await sendEvents([
      { leadId: ann?.id, type: 'newsletter_signup', occurredAt: now },
      { leadId: bob?.id, type: 'content_download', occurredAt: now, properties: { asset: 'guide' } },
      { leadId: bob?.id, type: 'page_view', occurredAt: now, properties: { url: '/pricing' } },
    ]);
    env.clock.advance(3 * DAY);

    const response = await account(domain);
    expect(response.statusCode, response.body).toBe(200);
    const detail = json<AccountDetailJson>(response);
    const interests = detail.leads.map((l) => l.interest);
    expect(detail.leads.map((l) => l.id).sort()).toEqual([ann?.id, bob?.id, carol?.id].sort());
    expect(interests).toEqual([...interests].sort((a, b) => b - a));
    expect(interests.filter((i) => i > 0).length).toBeGreaterThanOrEqual(2);
    expect(detail).toMatchObject({
      key: domain,
      domain,
      name: 'Acme Inc',
      leadCount: 3,
      interest: expectedInterest(interests),
    });
    expect(detail.interest).toBeGreaterThan(Math.max(...interests));
    expect(detail.interest).toBeLessThanOrEqual(100);
    expect(detail.hottestTemperature).toBe(
      detail.leads.map((l) => l.temperature).sort((a, b) => (RANK[b] ?? 0) - (RANK[a] ?? 0))[0],
    );
    expect(detail.lastActivityAt).toBe(now);

    // The list shows the same account with the same numbers.
    const listed = (await allAccounts()).find((a) => a.key === domain);
    const { leads: _leads, ...summary } = detail;
    expect(listed).toEqual(summary);
  });

  it('groups free-mail addresses by company name, and leaves out leads with neither', async () => {
    const company = `Globex ${randomUUID().slice(0, 6)}`;
    const key = `name:${company.toLowerCase()}`;
    const first = await createLead({ email: `g1-${randomUUID()}@gmail.com`, company: `${company}, Inc.` });
    const second = await createLead({
      email: `g2-${randomUUID()}@hotmail.com`,
      company: `  ${company.toUpperCase()} ltd`,
    });
    const loner = await createLead({ email: `g3-${randomUUID()}@gmail.com` });

    const detail = json<AccountDetailJson>(await account(key));
    expect(detail.domain).toBeNull();
    expect(detail.leads.map((l) => l.id).sort()).toEqual([first.id, second.id].sort());
    const keys = (await allAccounts()).map((a) => a.key);
    expect(keys).toContain(key);
    expect(keys.some((k) => k.includes(loner.email?.split('@')[0] ?? '?'))).toBe(false);
    expect((await account('name:no such company')).statusCode).toBe(404);
  });

  it('keeps the account up to date as email and company change, and for leads created by events', async () => {
    const from = uniqueDomain('from');
    const to = uniqueDomain('to');
    const lead = await createLead({ email: `dana@${from}` });
    await sendEvents([{ email: `erin@${from}`, type: 'page_view', properties: { url: '/' } }]);
    expect(json<AccountDetailJson>(await account(from)).leadCount).toBe(2);

    const patched = await server.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.id}`,
      headers: admin,
      payload: { email: `dana@${to}` },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json<AccountDetailJson>(await account(from)).leadCount).toBe(1);
    expect(json<AccountDetailJson>(await account(to)).leads.map((l) => l.id)).toEqual([lead.id]);

    // A free-mail address leaves only the company name to go by.
    const company = `Initech ${randomUUID().slice(0, 6)}`;
    await server.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.id}`,
      headers: admin,
      payload: { email: `dana-${randomUUID()}@yahoo.com`, company },
    });
    expect((await account(to)).statusCode).toBe(404);
    expect(json<AccountDetailJson>(await account(`name:${company.toLowerCase()}`)).leadCount).toBe(1);
  });

  it('sorts by account interest or by the hottest lead, and pages without repeats', async () => {
    const byInterest = await allAccounts({ sort: 'interest' });
    expect(byInterest.length).toBeGreaterThan(3);
    expect(new Set(byInterest.map((a) => a.key)).size).toBe(byInterest.length);
    for (let i = 1; i < byInterest.length; i++) {
      expect((byInterest[i - 1] as AccountJson).interest).toBeGreaterThanOrEqual(
        (byInterest[i] as AccountJson).interest,
      );
    }
    const byHottest = await allAccounts({ sort: 'hottest' });
    expect(byHottest.map((a) => a.key).sort()).toEqual(byInterest.map((a) => a.key).sort());
    const value = (a: AccountJson) => (RANK[a.hottestTemperature] ?? 0) * 1000 + a.interest;
    for (let i = 1; i < byHottest.length; i++) {
      expect(value(byHottest[i - 1] as AccountJson)).toBeGreaterThanOrEqual(
        value(byHottest[i] as AccountJson),
      );
    }
    const bad = await server.inject({
      method: 'GET',
      url: '/api/v1/accounts?cursor=nonsense',
      headers: admin,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('shows a rep only the accounts and leads they may see, and nothing to an ingest key', async () => {
    const domain = uniqueDomain('reps');
    const rep = await keyFor(env.app, 'rep');
    const other = await keyFor(env.app, 'rep');
    const repHeaders = { authorization: `Bearer ${rep.key}` };
    const mine = await createLead({ email: `mine@${domain}`, ownerId: rep.userId });
    const unassigned = await createLead({ email: `open@${domain}` });
    await createLead({ email: `theirs@${domain}`, ownerId: other.userId });
    const hidden = uniqueDomain('hidden');
    await createLead({ email: `x@${hidden}`, ownerId: other.userId });

    const detail = json<AccountDetailJson>(await account(domain, repHeaders));
    expect(detail.leads.map((l) => l.id).sort()).toEqual([mine.id, unassigned.id].sort());
    expect(detail.leadCount).toBe(2);
    expect((await account(hidden, repHeaders)).statusCode).toBe(404);
    const keys = (await allAccounts({}, repHeaders)).map((a) => a.key);
    expect(keys).toContain(domain);
    expect(keys).not.toContain(hidden);
    expect(json<AccountDetailJson>(await account(hidden)).leadCount).toBe(1);

    const ingest = await bearer(env.app, 'ingest');
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/accounts', headers: ingest })).statusCode,
    ).toBe(403);
  });
});
