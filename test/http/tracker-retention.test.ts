import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runMaintenance } from '../../src/jobs/maintenance.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, testServer, uniqueEmail } from '../support/http.js';
import { batch, collect, createSiteKey, newVisitorId, pageView, SITE } from './tracker-helpers.js';

const DAY = 24 * 60 * 60 * 1000;

describeEachDatabase('website tracker: retention of anonymous history', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app, { HEARTH_TRACKER_VISITOR_RATE_LIMIT: '0' });
    admin = await bearer(env.app, 'admin');
  });
  const tracking = () => env.app.ctx.store.tracking;
  const visit = async (siteKey: string, vid: string, extra: Record<string, unknown> = {}) => {
    const response = await collect(server, batch(siteKey, vid, [pageView(env.clock(), `${SITE}/`)], extra));
    expect(response.statusCode, response.body).toBe(200);
  };

  it('deletes visitors never identified, with their events, N days after they were last seen', async () => {
    expect(loadConfig({}).trackerRetentionDays).toBe(90);
    const key = await createSiteKey(server, admin);
    const [gone, identified, returning, recent] = [
      newVisitorId(),
      newVisitorId(),
      newVisitorId(),
      newVisitorId(),
    ];
    await visit(key.key, gone);
    await visit(key.key, identified);
    await visit(key.key, identified, { identify: { email: uniqueEmail('kept') } });
    await visit(key.key, returning);
    env.clock.advance(60 * DAY);
    await visit(key.key, returning);
    await visit(key.key, recent);
    env.clock.advance(31 * DAY);

    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), error: (m: string) => lines.push(`error: ${m}`) };
    await runMaintenance(env.app.ctx, logger, { vacuum: false, trackerRetentionDays: 90 });
    expect(await tracking().visitor(gone)).toBeUndefined();
    expect(await tracking().visitorEvents(gone)).toEqual([]);
    expect((await tracking().visitor(identified))?.leadId).toEqual(expect.any(String));
    expect(await tracking().visitor(returning)).toBeDefined();
    expect(await tracking().visitorEvents(returning)).toHaveLength(2);
    expect(lines.some((l) => /tracker retention: \d+ anonymous visitors/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);

    // 0 keeps everything; a later sweep takes those that have since aged.
    env.clock.advance(60 * DAY);
    await runMaintenance(env.app.ctx, logger, { vacuum: false, trackerRetentionDays: 0 });
    expect(await tracking().visitor(returning)).toBeDefined();
    await runMaintenance(env.app.ctx, logger, { vacuum: false, trackerRetentionDays: 90 });
    expect(await tracking().visitor(returning)).toBeUndefined();
    expect(await tracking().visitor(recent)).toBeUndefined();
    expect(await tracking().visitor(identified)).toBeDefined();
  });

  // PGlite has one connection: a held transaction would block the sweep itself.
  it.skipIf(env.database === 'pglite')('skips a visitor whose collect is under way', async () => {
    const key = await createSiteKey(server, admin);
    const vid = newVisitorId();
    await visit(key.key, vid);
    env.clock.advance(91 * DAY);
    let release = () => {};
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const collecting = env.app.ctx.store.transaction(async (tx) => {
      await tx.tracking.lockVisitor(vid);
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await isLocked;
    const logger = { info: () => {}, error: (m: string) => expect.fail(m) };
    await runMaintenance(env.app.ctx, logger, { vacuum: false, trackerRetentionDays: 90 });
    expect(await tracking().visitor(vid)).toBeDefined();
    release();
    await collecting;
    await runMaintenance(env.app.ctx, logger, { vacuum: false, trackerRetentionDays: 90 });
    expect(await tracking().visitor(vid)).toBeUndefined();
  });
});
