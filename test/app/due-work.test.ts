import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDueWork } from '../../src/app/scoring/due-work.js';
import { scheduleDueWork } from '../../src/jobs/due-work.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const DAY = 86_400_000;

interface Transition {
  from: string;
  to: string;
  at: string;
  cause: { kind: string; threshold?: string };
}

describeEachDatabase('the decay sweeper (runDueWork)', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  afterAll(async () => {
    await server.close();
  });

  const transitions = async (id: string) =>
    json<{ data: Transition[] }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/transitions`, headers: admin }),
    ).data;
  const storedTemperature = async (id: string) => {
    const { data } = json<{ data: { id: string }[] }>(
      await server.inject({ method: 'GET', url: '/api/v1/leads?limit=500&temperature=cool', headers: admin }),
    );
    return data.some((l) => l.id === id);
  };

  it('stores hot→warm→cool at the computed instants, and the temperature column follows', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: fitLeadPayload(env.clock(), { email: uniqueEmail('hot') }),
    });
    const id = json<{ id: string }>(created).id;
    await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: [
        { leadId: id, type: 'demo_request' },
        { leadId: id, type: 'newsletter_signup' },
      ],
    });
    await server.inject({
      method: 'PUT',
      url: `/api/v1/leads/${id}/qualification`,
      headers: admin,
      payload: { budget: { value: 'yes' } },
    });
    const before = await transitions(id);
    expect(before.at(-1)?.to).toBe('hot');

    // Nothing is due yet.
    expect(await runDueWork(env.app.ctx)).toEqual({ leads: 0, transitions: 0 });

    const start = env.clock().getTime();
    env.clock.set(new Date(start + 60 * DAY).toISOString());
    const summary = await runDueWork(env.app.ctx);
    expect(summary.leads).toBeGreaterThanOrEqual(1);
    const after = (await transitions(id)).slice(before.length);
    expect(after.map((t) => [t.from, t.to, t.cause.kind, t.cause.threshold])).toEqual([
      ['hot', 'warm', 'decay', 'hot'],
      ['warm', 'cool', 'decay', 'warm'],
    ]);
    // Each at the exact crossing: interest read just before is above the threshold, just after below.
    for (const [transition, threshold] of [
      [after[0], 70],
      [after[1], 30],
    ] as const) {
      const at = new Date(transition?.at as string).getTime();
      expect(at).toBeGreaterThan(start);
      for (const [offset, above] of [
        [-1000, true],
        [1000, false],
      ] as const) {
        env.clock.set(new Date(at + offset).toISOString());
        const read = json<{ interest: number }>(
          await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }),
        );
        expect(read.interest >= threshold).toBe(above);
      }
    }
    env.clock.set(new Date(start + 60 * DAY).toISOString());
    expect(await storedTemperature(id)).toBe(true);
    // Swept once: a second run finds nothing new.
    expect((await runDueWork(env.app.ctx)).transitions).toBe(0);
  });

  it('scheduleDueWork sweeps on its interval until stopped', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const results = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { email: uniqueEmail('news'), type: 'newsletter_signup' },
    });
    const id = json<{ results: { leadId: string }[] }>(results).results[0]?.leadId as string;
    env.clock.advance(60 * DAY);
    const errors: string[] = [];
    const stop = scheduleDueWork(env.app.ctx, { info: () => {}, error: (m) => errors.push(m) }, 10);
    try {
      for (let i = 0; i < 200 && !(await transitions(id)).some((t) => t.to === 'cool'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await stop();
    }
    expect(errors).toEqual([]);
    expect((await transitions(id)).at(-1)).toMatchObject({
      from: 'warm',
      to: 'cool',
      cause: { kind: 'decay' },
    });
  });
});
