import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

interface Explanation {
  interest: { score: number; contributions: { ruleId: string; points: number }[] };
  qualification: { criteria: { criterion: string; value: string }[] };
}

// The web app's "Log email → Replied" and "Log meeting → Held" post these events (TouchButtons).
describeEachDatabase('logged touches count in the score', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  afterAll(async () => {
    await server.close();
  });

  const newLead = async () => {
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: fitLeadPayload(env.clock()),
    });
    expect(created.statusCode, created.body).toBe(201);
    return json<{ id: string }>(created).id;
  };
  const logTouch = async (leadId: string, type: string, outcome: string) => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { leadId, type, properties: { outcome } },
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const explain = async (leadId: string) =>
    json<Explanation>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${leadId}/explanation`, headers: admin }),
    );
  const need = (e: Explanation) => e.qualification.criteria.find((c) => c.criterion === 'need')?.value;

  it('a logged email marked replied raises interest by 10, as an email_reply does', async () => {
    const logged = await newLead();
    await logTouch(logged, 'email_sent', 'replied');
    const integrated = await newLead();
    await logTouch(integrated, 'email_reply', 'replied');
    const [a, b] = [await explain(logged), await explain(integrated)];
    expect(a.interest.score).toBe(10);
    expect(a.interest.score).toBe(b.interest.score);
    expect(a.interest.contributions.map((c) => [c.ruleId, c.points])).toEqual([['email_sent_replied', 10]]);
  });

  it('a logged email that was only sent changes nothing', async () => {
    const id = await newLead();
    await logTouch(id, 'email_sent', 'sent');
    expect((await explain(id)).interest.score).toBe(0);
  });

  it('a held meeting raises interest and sets need, as an interested call does', async () => {
    const met = await newLead();
    await logTouch(met, 'meeting', 'held');
    const called = await newLead();
    await logTouch(called, 'call', 'interested');
    const [a, b] = [await explain(met), await explain(called)];
    expect(a.interest.score).toBe(20);
    expect(a.interest.score).toBe(b.interest.score);
    expect(need(a)).toBe('yes');
    expect(need(b)).toBe('yes');
  });

  it('a meeting that did not happen changes nothing', async () => {
    const id = await newLead();
    await logTouch(id, 'meeting', 'no_show');
    const e = await explain(id);
    expect(e.interest.score).toBe(0);
    expect(need(e)).not.toBe('yes');
  });
});
