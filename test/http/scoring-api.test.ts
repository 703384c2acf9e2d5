import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const DAY = 86_400_000;

interface ScoredLead {
  id: string;
  fit: number;
  interest: number;
  temperature: string;
  modelVersion: number;
}

interface Explanation {
  modelVersion: number;
  fit: { score: number; raw: number; contributions: { ruleId: string; points: number }[] };
  interest: {
    score: number;
    sum: number;
    clamp: string;
    byGroup: Record<string, number>;
    contributions: { ruleId: string; eventId: number; points: number; decayed: number }[];
  };
  qualification: { qualified: boolean; criteria: { criterion: string; value: string }[] };
  temperature: { temperature: string; suggestLetGo: boolean };
  checks: { id: string; passed: boolean }[];
  matchesState: boolean;
}

interface Transition {
  from: string;
  to: string;
  at: string;
  cause: { kind: string; eventId?: number; criterion?: string };
  modelVersion: number;
}

const hundredths = (x: number) => Math.round(x * 100);

describeEachDatabase('scoring through the API (b2b preset)', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let ingest: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    ingest = await bearer(env.app, 'ingest');
  });

  const post = async (payload: object) => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload });
    expect(response.statusCode).toBe(200);
    return json<{ results: { status: string; eventId: number; leadId: string; temperature?: string }[] }>(
      response,
    ).results;
  };
  const lead = async (id: string) => {
    const response = await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin });
    expect(response.statusCode).toBe(200);
    return json<ScoredLead>(response);
  };
  const explanation = async (id: string) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${id}/explanation`,
      headers: admin,
    });
    expect(response.statusCode).toBe(200);
    return json<Explanation>(response);
  };
  const transitions = async (id: string) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${id}/transitions`,
      headers: admin,
    });
    expect(response.statusCode).toBe(200);
    return json<{ data: Transition[] }>(response).data;
  };
  const qualify = (id: string, payload: object, headers = admin) =>
    server.inject({ method: 'PUT', url: `/api/v1/leads/${id}/qualification`, headers, payload });

  /** A lead that fits (fit 62, decision maker) with a purchase date 30 days out. */
  const fitLead = async (overrides: Record<string, unknown> = {}) => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: fitLeadPayload(env.clock(), overrides),
    });
    expect(response.statusCode).toBe(201);
    return json<ScoredLead>(response);
  };

  /** Demo request (need, intent +50) and a newsletter signup (+50): interest 100. */
  const engage = (leadId: string) =>
    post([
      { leadId, type: 'demo_request' },
      { leadId, type: 'newsletter_signup' },
    ]);

  it('a lead who only subscribed to the newsletter is warm, with the transition caused by that event', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const [result] = await post({ email: uniqueEmail('news'), type: 'newsletter_signup' });
    expect(result?.temperature).toBe('warm');
    const id = result?.leadId as string;
    const scored = await lead(id);
    expect(scored).toMatchObject({ temperature: 'warm', interest: 50, modelVersion: 1 });
    expect(await transitions(id)).toEqual([
      expect.objectContaining({
        from: 'cold',
        to: 'warm',
        cause: { kind: 'event', eventId: result?.eventId },
        modelVersion: 1,
      }),
    ]);
    const listed = await server.inject({
      method: 'GET',
      url: '/api/v1/leads?temperature=warm&limit=500',
      headers: admin,
    });
    expect(json<{ data: ScoredLead[] }>(listed).data.map((l) => l.id)).toContain(id);
  });

  it('a fit lead with a demo request, budget, authority and a 30-day timeline is hot; without budget warm', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const created = await fitLead();
    expect(created.fit).toBe(62);
    expect(created.temperature).toBe('cold');
    const results = await engage(created.id);
    expect(results.map((r) => r.temperature)).toEqual(['warm', 'warm']);
    const before = await explanation(created.id);
    expect(before.temperature.temperature).toBe('warm');
    expect(before.qualification.criteria.find((c) => c.criterion === 'budget')?.value).toBe('unknown');
    expect(before.checks.find((c) => c.id === 'qualified')?.passed).toBe(false);
    expect(before.checks.find((c) => c.id === 'interest_hot')?.passed).toBe(true);

    const response = await qualify(created.id, { budget: { value: 'yes', note: 'approved Q2' } });
    expect(response.statusCode).toBe(200);
    const after = json<Explanation>(response);
    expect(after.temperature.temperature).toBe('hot');
    expect(after.qualification.qualified).toBe(true);
    expect((await lead(created.id)).temperature).toBe('hot');
    const history = await transitions(created.id);
    expect(history.at(-1)).toMatchObject({
      from: 'warm',
      to: 'hot',
      cause: { kind: 'qualification', criterion: 'budget' },
    });

    // Clearing the budget hands it back to rules and forms: warm again, with a transition.
    const cleared = await qualify(created.id, { budget: { value: null } });
    expect(json<Explanation>(cleared).temperature.temperature).toBe('warm');
    expect((await transitions(created.id)).at(-1)).toMatchObject({ from: 'hot', to: 'warm' });
  });

  it('a form answer can give the budget too', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const created = await fitLead();
    await engage(created.id);
    const [result] = await post({
      leadId: created.id,
      type: 'form_submit',
      properties: { form: 'budget survey', answers: { budget: 'approved' } },
    });
    expect(result?.temperature).toBe('hot');
  });

  it('a hot lead silent for 60 days reads cool, then cold (let go) after the cool period', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const created = await fitLead();
    await engage(created.id);
    await qualify(created.id, { budget: { value: 'yes' } });
    expect((await lead(created.id)).temperature).toBe('hot');

    env.clock.advance(60 * DAY);
    const silent = await lead(created.id);
    expect(silent.temperature).toBe('cool');
    expect(silent.interest).toBeLessThan(30);

    env.clock.advance(70 * DAY);
    expect((await lead(created.id)).temperature).toBe('cold');
    expect((await explanation(created.id)).temperature.suggestLetGo).toBe(true);
  });

  it('an unsubscribe drops interest', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const [signup] = await post({ email: uniqueEmail('unsub'), type: 'newsletter_signup' });
    const id = signup?.leadId as string;
    expect((await lead(id)).interest).toBe(50);
    env.clock.advance(60_000);
    const [unsubscribe] = await post({ leadId: id, type: 'email_unsubscribe' });
    const after = await lead(id);
    expect(after.interest).toBeLessThan(30);
    expect(after.temperature).toBe('cool');
    expect(unsubscribe?.temperature).toBe('cool');
    expect((await transitions(id)).at(-1)).toMatchObject({
      from: 'warm',
      to: 'cool',
      cause: { kind: 'event', eventId: unsubscribe?.eventId },
    });
  });

  it('explanation contributions add up exactly to the reported scores', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const created = await fitLead({ email: uniqueEmail('sum') });
    const at = (days: number) => new Date(env.clock().getTime() - days * DAY).toISOString();
    await post([
      { leadId: created.id, type: 'page_view', occurredAt: at(3), properties: { url: '/pricing' } },
      { leadId: created.id, type: 'email_click', occurredAt: at(2) },
      { leadId: created.id, type: 'content_download', occurredAt: at(1) },
      { leadId: created.id, type: 'page_view', occurredAt: at(0.5), properties: { url: '/careers' } },
    ]);
    env.clock.advance(5 * DAY);
    const explained = await explanation(created.id);
    const scored = await lead(created.id);
    expect(explained.matchesState).toBe(true);
    const total = explained.interest.contributions.reduce((sum, c) => sum + hundredths(c.decayed), 0);
    expect(total).toBe(hundredths(explained.interest.sum));
    expect(explained.interest.score).toBe(scored.interest);
    expect(explained.fit.contributions.reduce((sum, c) => sum + c.points, 0)).toBe(explained.fit.raw);
    expect(explained.fit.score).toBe(scored.fit);
    expect(explained.interest.contributions.map((c) => c.ruleId).sort()).toEqual(
      [
        'careers_page',
        'content_download',
        'email_click',
        'page_view',
        'page_view',
        'pricing_page_view',
      ].sort(),
    );
  });

  it('events posted out of order give the same final state as in order', async () => {
    env.clock.set('2026-03-20T09:00:00.000Z');
    const base = env.clock().getTime();
    const stream = [
      { type: 'page_view', days: 12, properties: { url: '/docs' } },
      { type: 'newsletter_signup', days: 10 },
      { type: 'email_open', days: 6 },
      { type: 'email_click', days: 5 },
      { type: 'demo_request', days: 3 },
      { type: 'email_unsubscribe', days: 2 },
      { type: 'page_view', days: 1, properties: { url: '/pricing' } },
    ];
    const events = (email: string) =>
      stream.map((e) => ({
        email,
        type: e.type,
        occurredAt: new Date(base - e.days * DAY).toISOString(),
        properties: e.properties ?? {},
      }));
    const inOrder = uniqueEmail('ordered');
    const [first] = await post(events(inOrder));
    // One at a time, newest first: late events within the allowed lateness slot into the tail,
    // and the 10- and 12-day-old ones (beyond it) make ingest recompute from history.
    const shuffled = uniqueEmail('shuffled');
    let second: string | undefined;
    for (const event of [...events(shuffled)].reverse()) second = (await post(event))[0]?.leadId;

    const a = await lead(first?.leadId as string);
    const b = await lead(second as string);
    expect({ interest: b.interest, temperature: b.temperature }).toEqual({
      interest: a.interest,
      temperature: a.temperature,
    });
    const [ea, eb] = [await explanation(a.id), await explanation(b.id)];
    expect(eb.interest.byGroup).toEqual(ea.interest.byGroup);
    expect(ea.matchesState).toBe(true);
    expect(eb.matchesState).toBe(true);

    // The stored states are equal up to the event ids, which differ between the two leads.
    const states = await env.app.ctx.store.scoring.statesOf([a.id, b.id]);
    const ids = async (leadId: string) =>
      (await env.app.ctx.store.scoring.eventsInOrder(leadId)).map((e) => e.id);
    const rename = (state: unknown, order: number[]) =>
      JSON.parse(
        JSON.stringify(state, (key, value) =>
          key === 'eventId' && typeof value === 'number' ? order.indexOf(value) : value,
        ),
      );
    expect(rename(states.get(b.id), await ids(b.id))).toEqual(rename(states.get(a.id), await ids(a.id)));
  });

  it('a PATCH that changes fit moves the temperature, with a transition', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const created = await fitLead({ jobTitle: 'Engineer' });
    expect(created.fit).toBe(47);
    await engage(created.id);
    await qualify(created.id, { budget: { value: 'yes' } });
    expect((await lead(created.id)).temperature).toBe('warm');

    const response = await server.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${created.id}`,
      headers: admin,
      payload: { jobTitle: 'VP Engineering' },
    });
    expect(response.statusCode).toBe(200);
    expect(json<ScoredLead>(response)).toMatchObject({ fit: 62, temperature: 'hot' });
    expect((await transitions(created.id)).at(-1)).toMatchObject({
      from: 'warm',
      to: 'hot',
      cause: { kind: 'lead_update' },
    });
    const hot = await server.inject({
      method: 'GET',
      url: '/api/v1/leads?temperature=hot&limit=500',
      headers: admin,
    });
    expect(json<{ data: ScoredLead[] }>(hot).data.map((l) => l.id)).toContain(created.id);
  });

  describe('PUT qualification refusals', () => {
    it('rejects criteria the model does not have, and ingest keys', async () => {
      const created = await fitLead();
      const unknown = await qualify(created.id, { sympathy: { value: 'yes' } });
      expect(unknown.statusCode).toBe(400);
      expect(JSON.stringify(unknown.json())).toContain('body.sympathy');
      const byIngest = await qualify(created.id, { budget: { value: 'yes' } }, ingest);
      expect(byIngest.statusCode).toBe(403);
      const badValue = await qualify(created.id, { budget: { value: 'maybe' } });
      expect(badValue.statusCode).toBe(400);
    });

    it("refuses a rep on another rep's lead, and records the rep's user id on their own", async () => {
      const owner = await keyFor(env.app, 'rep');
      const other = await keyFor(env.app, 'rep');
      const created = await fitLead({ ownerId: owner.userId });
      const refused = await qualify(
        created.id,
        { need: { value: 'yes' } },
        {
          authorization: `Bearer ${other.key}`,
        },
      );
      expect([403, 404]).toContain(refused.statusCode);
      const allowed = await qualify(
        created.id,
        { need: { value: 'no', note: 'just browsing' } },
        {
          authorization: `Bearer ${owner.key}`,
        },
      );
      expect(allowed.statusCode).toBe(200);
      const need = json<{
        qualification: {
          criteria: { criterion: string; decidedBy: { source: { userId?: string; note?: string } } }[];
        };
      }>(allowed).qualification.criteria.find((c) => c.criterion === 'need');
      expect(need?.decidedBy.source).toMatchObject({ userId: owner.userId, note: 'just browsing' });
    });
  });
});
