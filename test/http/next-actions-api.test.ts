import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { updateDeskSettings } from '../../src/app/desk/desk-settings.js';
import { DEFAULT_DESK_SETTINGS } from '../../src/domain/desk/settings.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const DAY = 86_400_000;
const START = '2026-03-02T09:00:00.000Z';

interface Action {
  id: string;
  kind: string;
  title: string;
  reason: string;
  detail?: string;
}

describeEachDatabase('next best actions through the API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let ingest: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    ingest = await bearer(env.app, 'ingest');
  });

  const daysAgo = (days: number) => new Date(env.clock().getTime() - days * DAY).toISOString();
  const ingestEvents = async (events: object[]) => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: ingest,
      payload: events,
    });
    expect(response.statusCode).toBe(200);
    return json<{ results: { leadId: string; status: string }[] }>(response).results;
  };
  const nextActions = async (id: string, headers = admin) => {
    const response = await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/next-actions`, headers });
    expect(response.statusCode).toBe(200);
    return json<{ data: Action[] }>(response).data;
  };
  /** A warm lead that looked at pricing three times this week and downloaded the ROI guide. */
  const warmLead = async () => {
    const email = uniqueEmail('pricing');
    const results = await ingestEvents([
      { email, type: 'newsletter_signup', occurredAt: daysAgo(5) },
      { email, type: 'page_view', occurredAt: daysAgo(3), properties: { url: '/pricing' } },
      { email, type: 'page_view', occurredAt: daysAgo(2), properties: { url: '/pricing?plan=team' } },
      { email, type: 'page_view', occurredAt: daysAgo(1), properties: { url: '/pricing' } },
      { email, type: 'content_download', occurredAt: daysAgo(10), properties: { asset: 'ROI guide' } },
    ]);
    return results[0]?.leadId as string;
  };

  it('tells a warm lead that viewed pricing 3× this week to get a personalised, targeted offer', async () => {
    const id = await warmLead();
    const lead = await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin });
    expect(json<{ temperature: string }>(lead).temperature).toBe('warm');

    const actions = await nextActions(id);
    expect(actions.map((a) => a.id)).toEqual(['warm.personalise', 'warm.offer']);
    expect(actions[0]?.reason).toBe("viewed the pricing page 3× this week; downloaded 'ROI guide' on 20 Feb");
    expect(actions[1]).toMatchObject({
      kind: 'offer',
      title: 'Make a targeted offer',
      reason: 'viewed the pricing page 3× this week',
    });
    expect(actions[1]?.detail).toBeTruthy();
  });

  it('includes the actions in the single-lead view, not in the list', async () => {
    const id = await warmLead();
    const one = json<{ nextBestActions: Action[] }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }),
    );
    expect(one.nextBestActions).toEqual(await nextActions(id));
    const list = json<{ data: Record<string, unknown>[] }>(
      await server.inject({ method: 'GET', url: '/api/v1/leads?limit=500', headers: admin }),
    );
    expect(list.data.length).toBeGreaterThan(0);
    for (const lead of list.data) expect(lead).not.toHaveProperty('nextBestActions');
  });

  it('recommends no marketing to a lead that opted out, and says why', async () => {
    const id = await warmLead();
    const patched = await server.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${id}`,
      headers: admin,
      payload: { optedOut: true },
    });
    expect(patched.statusCode).toBe(200);
    expect(await nextActions(id)).toEqual([
      expect.objectContaining({
        kind: 'one_to_one',
        reason: 'opted out of marketing: one-to-one contact only',
      }),
    ]);
  });

  it('hands a hot lead to sales: contact now and assign an owner', async () => {
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: fitLeadPayload(env.clock()),
    });
    const { id, email } = json<{ id: string; email: string }>(created);
    // A "contact sales" form from a fit lead is high intent: hot at once (b2b preset).
    await ingestEvents([
      { email, type: 'form_submit', occurredAt: daysAgo(0), properties: { form: 'contact sales' } },
    ]);
    const actions = await nextActions(id);
    expect(actions.map((a) => a.kind)).toEqual(['contact', 'assign', 'educate', 'appreciate']);
    expect(actions[0]?.reason).toMatch(/^hot since 09:00 UTC/);
    expect(actions[1]?.reason).toBe('hot since 09:00 UTC, no owner yet');
  });

  it('re-engages a lead that cooled down and says when it will be let go', async () => {
    const email = uniqueEmail('cooling');
    const [signup] = await ingestEvents([{ email, type: 'newsletter_signup', occurredAt: daysAgo(0) }]);
    const id = signup?.leadId as string;
    // Interest 50 halves every 30 days: below warm (30) after about 22 days.
    env.clock.advance(40 * DAY);
    try {
      const actions = await nextActions(id);
      expect(actions.map((a) => a.kind)).toEqual(['re_engage', 'let_go']);
      expect(actions[1]?.reason).toMatch(/^cool for 17 of 60 days: let go on \d+ May unless they re-engage$/);
    } finally {
      env.clock.set(START);
    }
  });

  it('answers 404 for an unknown lead and 403 for a key that may not read leads', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const unknown = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${missing}/next-actions`,
      headers: admin,
    });
    expect(unknown.statusCode).toBe(404);
    const id = await warmLead();
    const denied = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${id}/next-actions`,
      headers: ingest,
    });
    expect(denied.statusCode).toBe(403);
  });

  it('follows the playbook in the desk settings; a situation sent replaces its list, the others stay', async () => {
    const id = await warmLead();
    const updated = await updateDeskSettings(env.app.ctx, adminActor, {
      playbook: { warm: [{ kind: 'offer', title: 'Send the spring discount', description: '' }] },
    });
    try {
      expect(updated.playbook.hot).toEqual(DEFAULT_DESK_SETTINGS.playbook.hot);
      expect(updated.speedToLead).toEqual(DEFAULT_DESK_SETTINGS.speedToLead);
      expect(await nextActions(id)).toEqual([
        {
          id: 'warm.offer',
          kind: 'offer',
          title: 'Send the spring discount',
          reason: 'viewed the pricing page 3× this week',
        },
      ]);
      const bad = updateDeskSettings(env.app.ctx, adminActor, {
        playbook: { cold: [{ kind: 'spam' as 'offer', title: 'Buy now', description: '' }] },
      });
      await expect(bad).rejects.toMatchObject({ code: 'invalid' });
      await expect(bad).rejects.toThrow(/playbook\.cold/);
    } finally {
      await env.app.ctx.store.settings.put('desk', DEFAULT_DESK_SETTINGS);
    }
  });
});
