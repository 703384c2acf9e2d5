import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishModel, runPublishJob } from '../../src/app/scoring/model-lifecycle.js';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { createStore } from '../../src/store/store.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

const DAY = 86_400_000;

interface Job {
  id: number;
  version: number;
  state: 'running' | 'done';
  total: number;
  done: number;
  moved: Record<string, number>;
}

/** b2b with lower thresholds: warm from 20, hot from 40. */
const lowerThresholds = () => ({
  ...b2bModel,
  temperature: { ...b2bModel.temperature, warm: 20, hot: 40 },
});

describeEachDatabase('the scoring model lifecycle through the API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let manager: { authorization: string };
  let rep: { authorization: string };
  let ingest: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    manager = await bearer(env.app, 'manager');
    rep = await bearer(env.app, 'rep');
    ingest = await bearer(env.app, 'ingest');
  });
  afterAll(async () => {
    await server.close();
  });

  const events = async (payload: object[]) => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload });
    expect(response.statusCode).toBe(200);
  };
  const lead = async (id: string) =>
    json<{ temperature: string; modelVersion: number }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }),
    );
  const transitions = async (id: string) =>
    json<{
      data: { from: string; to: string; cause: { kind: string; version?: number }; modelVersion: number }[];
    }>(await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/transitions`, headers: admin })).data;
  const waitForJob = async (id: number): Promise<Job> => {
    for (let i = 0; i < 200; i += 1) {
      const response = await server.inject({
        method: 'GET',
        url: `/api/v1/model/publish/${id}`,
        headers: admin,
      });
      expect(response.statusCode).toBe(200);
      const job = json<Job>(response);
      if (job.state === 'done') return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`publish job ${id} did not finish`);
  };
  const createLead = async (payload: object) => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/leads', headers: admin, payload });
    expect(response.statusCode).toBe(201);
    return json<{ id: string }>(response).id;
  };
  const activeVersion = async () =>
    json<{ active: { version: number } }>(
      await server.inject({ method: 'GET', url: '/api/v1/model', headers: admin }),
    ).active.version;

  it('refuses a malformed draft with the path of each problem, and stores a valid one', async () => {
    const broken = {
      ...b2bModel,
      interest: b2bModel.interest.map((rule, i) =>
        i === 3 ? { ...rule, where: { url: { regex: '(a+)+' } } } : rule,
      ),
      halfLifeDays: { engagement: 30, intent: 14, negative: 7 },
    };
    const refused = await server.inject({
      method: 'PUT',
      url: '/api/v1/model/draft',
      headers: manager,
      payload: broken,
    });
    expect(refused.statusCode).toBe(400);
    const paths = json<{ error: { details: { problems: { path: string }[] } } }>(
      refused,
    ).error.details.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.interest[3].where.url', 'body.halfLifeDays.negative']),
    );

    const schemaBroken = await server.inject({
      method: 'PUT',
      url: '/api/v1/model/draft',
      headers: manager,
      payload: { ...b2bModel, temperature: { ...b2bModel.temperature, warm: 'thirty' } },
    });
    expect(schemaBroken.statusCode).toBe(400);
    expect(schemaBroken.body).toContain('body.temperature.warm');

    const saved = await server.inject({
      method: 'PUT',
      url: '/api/v1/model/draft',
      headers: manager,
      payload: { ...b2bModel, name: 'b2b draft' },
    });
    expect(saved.statusCode).toBe(200);
    const overview = json<{
      active: { version: number };
      draft: { version: number; document: { name: string } };
    }>(await server.inject({ method: 'GET', url: '/api/v1/model', headers: manager }));
    expect(overview.draft.document.name).toBe('b2b draft');
    expect(overview.draft.version).toBe(overview.active.version + 1);
  });

  it('lets admins and managers read the model, managers draft, and only admins publish', async () => {
    expect((await server.inject({ method: 'GET', url: '/api/v1/model', headers: rep })).statusCode).toBe(403);
    expect(
      (await server.inject({ method: 'PUT', url: '/api/v1/model/draft', headers: rep, payload: b2bModel }))
        .statusCode,
    ).toBe(403);
    expect(
      (await server.inject({ method: 'POST', url: '/api/v1/model/publish', headers: manager, payload: {} }))
        .statusCode,
    ).toBe(403);
  });

  it('publishing lower thresholds moves the expected leads, with transitions caused by the publish', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const purchase = new Date(env.clock().getTime() + 30 * DAY).toISOString().slice(0, 10);
    // Fit, demo request (+50 intent), budget set by a rep: interest 50, qualified → warm (hot 70).
    const qualified = await createLead({
      email: uniqueEmail('fit'),
      company: 'Acme',
      industry: 'Software',
      companySize: 200,
      jobTitle: 'VP Sales',
      source: 'website',
      attributes: { purchase_date: purchase },
    });
    await events([{ leadId: qualified, type: 'demo_request' }]);
    const put = await server.inject({
      method: 'PUT',
      url: `/api/v1/leads/${qualified}/qualification`,
      headers: admin,
      payload: { budget: { value: 'yes' } },
    });
    expect(put.statusCode).toBe(200);
    // Three downloads (+15) and three clicks (+9): interest 24, cold (warm 30).
    const browsing = await createLead({ email: uniqueEmail('browse') });
    await events([
      ...[1, 2, 3].map(() => ({ leadId: browsing, type: 'content_download' })),
      ...[1, 2, 3].map(() => ({ leadId: browsing, type: 'email_click' })),
    ]);
    // Nothing at all: stays cold.
    const quiet = await createLead({ email: uniqueEmail('quiet') });
    expect((await lead(qualified)).temperature).toBe('warm');
    expect((await lead(browsing)).temperature).toBe('cold');

    const before = await activeVersion();
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/model/publish',
      headers: admin,
      payload: { document: lowerThresholds() },
    });
    expect(response.statusCode).toBe(202);
    const accepted = json<{ version: number; job: Job }>(response);
    expect(accepted.version).toBe(before + 1);
    const job = await waitForJob(accepted.job.id);
    expect(job.done).toBe(job.total);
    expect(job.moved['warm→hot']).toBeGreaterThanOrEqual(1);
    expect(job.moved['cold→warm']).toBeGreaterThanOrEqual(1);

    expect(await lead(qualified)).toMatchObject({ temperature: 'hot', modelVersion: accepted.version });
    expect(await lead(browsing)).toMatchObject({ temperature: 'warm', modelVersion: accepted.version });
    expect((await lead(quiet)).temperature).toBe('cold');
    expect((await transitions(qualified)).at(-1)).toMatchObject({
      from: 'warm',
      to: 'hot',
      cause: { kind: 'model_publish', version: accepted.version },
      modelVersion: accepted.version,
    });
    expect((await transitions(browsing)).at(-1)).toMatchObject({
      from: 'cold',
      to: 'warm',
      cause: { kind: 'model_publish', version: accepted.version },
    });
    expect((await transitions(quiet)).some((t) => t.cause.kind === 'model_publish')).toBe(false);

    // The stored temperature column follows: the list filter finds the newly hot lead.
    const hot = json<{ data: { id: string }[] }>(
      await server.inject({ method: 'GET', url: '/api/v1/leads?temperature=hot&limit=500', headers: admin }),
    ).data.map((l) => l.id);
    expect(hot).toContain(qualified);

    const overview = json<{
      active: { version: number };
      history: { version: number; publishedBy: string }[];
    }>(await server.inject({ method: 'GET', url: '/api/v1/model', headers: admin }));
    expect(overview.active.version).toBe(accepted.version);
    expect(overview.history.map((h) => h.version)).toContain(before);
  });

  it('publishes the draft when no document is given, and reports the document problems under document', async () => {
    await server.inject({ method: 'PUT', url: '/api/v1/model/draft', headers: admin, payload: b2bModel });
    const broken = await server.inject({
      method: 'POST',
      url: '/api/v1/model/publish',
      headers: admin,
      payload: { document: { ...b2bModel, temperature: { ...b2bModel.temperature, hot: 10 } } },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('body.document.temperature.hot');

    const before = await activeVersion();
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/model/publish',
      headers: admin,
      payload: {},
    });
    expect(response.statusCode).toBe(202);
    const { version, job } = json<{ version: number; job: Job }>(response);
    expect(version).toBe(before + 1);
    await waitForJob(job.id);
    const overview = json<{ draft: unknown; active: { document: { temperature: { hot: number } } } }>(
      await server.inject({ method: 'GET', url: '/api/v1/model', headers: admin }),
    );
    expect(overview.draft).toBeNull();
    expect(overview.active.document.temperature.hot).toBe(b2bModel.temperature.hot);
    const audit = await env.app.ctx.store.audit.forEntity('scoring_model', String(version));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['model.draft', 'model.publish']));
    const noDraft = await server.inject({
      method: 'POST',
      url: '/api/v1/model/publish',
      headers: admin,
      payload: {},
    });
    expect(noDraft.statusCode).toBe(404);
  });

  it('refuses a second publish while the first is still rescoring, and resumes an interrupted one', async () => {
    await createLead({ email: uniqueEmail('pending') });
    const first = await publishModel(env.app.ctx, adminActor, lowerThresholds());
    expect(first.job.state).toBe('running');
    expect(first.job.total).toBeGreaterThan(0);
    await expect(publishModel(env.app.ctx, adminActor, b2bModel)).rejects.toMatchObject({ code: 'conflict' });
    const refused = await server.inject({
      method: 'POST',
      url: '/api/v1/model/publish',
      headers: admin,
      payload: { document: b2bModel },
    });
    expect(refused.statusCode).toBe(409);

    // One chunk of one lead, as if the process stopped after it; then another run finishes.
    const partial = await runPublishJob(env.app.ctx, first.job.id, { chunk: 1, stopAfter: 1 });
    expect(partial).toMatchObject({ state: 'running', done: 1 });
    // Two workers at once, a lead per chunk, as two instances (each with a store of its own; runs
    // in one process take turns): each lead is stored once, so done ends at total.
    const otherInstance = { ...env.app.ctx, store: createStore(env.app.database.db) };
    await Promise.all([
      runPublishJob(env.app.ctx, first.job.id, { chunk: 1 }),
      runPublishJob(otherInstance, first.job.id, { chunk: 1 }),
      runPublishJob(env.app.ctx, first.job.id, { chunk: 1 }),
    ]);
    const finished = await runPublishJob(env.app.ctx, first.job.id);
    expect(finished).toMatchObject({ state: 'done', done: first.job.total });
    const again = await publishModel(env.app.ctx, adminActor, b2bModel);
    await runPublishJob(env.app.ctx, again.job.id);
  });
});
