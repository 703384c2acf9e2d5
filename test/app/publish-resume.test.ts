import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishJob, publishModel } from '../../src/app/scoring/model-lifecycle.js';
import { scheduleRescoreResume } from '../../src/jobs/publish-resume.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, testServer } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

// A publish whose rescore nobody is running (the instance that started it was killed, or a chunk
// failed) is finished by any running instance within the resume interval, not only at its next
// start (test/reliability/crash-safety.test.ts kills a real server mid-rescore).

describeEachDatabase('publish rescores left running are resumed', (env) => {
  let server: FastifyInstance;
  let stop: () => Promise<void> = async () => {};
  const errors: string[] = [];

  beforeAll(async () => {
    server = await testServer(env.app);
    const admin = await bearer(env.app, 'admin');
    for (let i = 0; i < 12; i++) {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: fitLeadPayload(env.clock()),
      });
      expect(response.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await stop();
    await server.close();
  });

  it('picks up a running publish job created after it started, and finishes it', async () => {
    // Started with nothing to resume; the publish below runs no rescore of its own, as when the
    // process that published it died at once.
    stop = scheduleRescoreResume(env.app.ctx, { info: () => {}, error: (m) => errors.push(m) }, 50);
    const document = (await env.app.ctx.store.scoring.activeModel()) as unknown as Record<string, unknown>;
    const { model, job } = await publishModel(env.app.ctx, adminActor, {
      ...document,
      name: 'resumed',
    });
    expect(job.state).toBe('running');
    expect(job.total).toBe(12);
    const deadline = Date.now() + 30_000;
    while ((await publishJob(env.app.ctx, job.id)).state !== 'done' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const finished = await publishJob(env.app.ctx, job.id);
    expect(finished.state).toBe('done');
    expect(finished.done).toBe(12);
    expect(await env.app.ctx.store.models.countBelow(model.version)).toBe(0);
    expect(errors).toEqual([]);
  });
});
