import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { deliverNotifications } from '../../src/app/notifications/deliver-notifications.js';
import { updateMyNotificationSettings } from '../../src/app/notifications/notification-settings.js';
import { createTransports, type Transports } from '../../src/app/notifications/transports.js';
import { loadConfig } from '../../src/config.js';
import { type OpenApp, openApp } from '../../src/main.js';
import { adminActor, testClock, testDatabases } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';
import { slackReceiver, smtpReceiver } from '../support/receivers.js';

const LEADS = 24;
const postgres = testDatabases.find((d) => d.name === 'postgres');

// Two server instances need a database they can share: PostgreSQL. The embedded database (PGlite)
// lives inside one process, which is one instance by construction — nothing to race there.
describe.skipIf(postgres === undefined)('notifications with two instances on one PostgreSQL', () => {
  const clock = testClock('2026-03-02T09:00:00.000Z');
  let a: OpenApp;
  let b: OpenApp;
  let transportsA: Transports;
  let transportsB: Transports;
  let drop: () => Promise<void>;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let slack: Awaited<ReturnType<typeof slackReceiver>>;

  beforeAll(async () => {
    smtp = await smtpReceiver();
    slack = await slackReceiver();
    const created = await (postgres as NonNullable<typeof postgres>).create();
    drop = created.drop;
    const config = loadConfig({
      HEARTH_DB_POOL_SIZE: '4',
      HEARTH_SMTP_URL: smtp.url,
      HEARTH_MAIL_FROM: 'hearth@example.com',
    });
    a = await openApp(config, { clock, target: created.target });
    b = await openApp(config, { clock, target: created.target });
    transportsA = createTransports({ smtpUrl: smtp.url, mailFrom: 'hearth@example.com' });
    transportsB = createTransports({ smtpUrl: smtp.url, mailFrom: 'hearth@example.com' });
  });
  afterAll(async () => {
    transportsA?.close();
    transportsB?.close();
    await a?.close();
    await b?.close();
    await drop?.();
    await smtp?.close();
    await slack?.close();
  });

  it('each lead turning hot for rep X sends X one email and one Slack post, whichever instance works', async () => {
    const x = await createUser(a.ctx, adminActor, {
      email: uniqueEmail('x'),
      name: 'Rep X',
      role: 'rep',
      password: 'correct horse battery',
    });
    await updateMyNotificationSettings(
      a.ctx,
      { role: 'rep', userId: x.id, keyId: null },
      { slackWebhookUrl: slack.urlFor('x') },
    );
    const names: string[] = [];
    for (let i = 0; i < LEADS; i++) {
      const app = i % 2 === 0 ? a : b;
      const name = `Lead Number${i}`;
      names.push(name);
      const { lead } = await upsertLead(app.ctx, adminActor, {
        ...fitLeadPayload(clock()),
        name,
        ownerId: x.id,
      } as never);
      await ingestEvents(app.ctx, [
        { leadId: lead.id, type: 'form_submit', properties: { form: 'Contact sales' } },
      ]);
    }
    // Both instances dispatch and send at the same time, three rounds, as their pollers would.
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        runDeskWork(a.ctx).then(() => deliverNotifications(a.ctx, transportsA)),
        runDeskWork(b.ctx).then(() => deliverNotifications(b.ctx, transportsB)),
      ]);
    }
    const subjects = smtp.to(x.email).map((m) => m.mail.subject);
    expect(subjects).toHaveLength(LEADS);
    expect(new Set(subjects).size).toBe(LEADS);
    const posts = slack.to('x').map((p) => p.body.text);
    expect(posts).toHaveLength(LEADS);
    for (const name of names) {
      expect(subjects.filter((s) => s === `Hot lead: ${name} (Acme)`)).toHaveLength(1);
      expect(posts.filter((p) => p.includes(`Hot lead: ${name} (Acme)`))).toHaveLength(1);
    }
  });

  it('a delivery claimed by an instance that died is sent once by the other after the lease', async () => {
    const y = await createUser(a.ctx, adminActor, {
      email: uniqueEmail('y'),
      name: 'Rep Y',
      role: 'rep',
      password: 'correct horse battery',
    });
    const { lead } = await upsertLead(a.ctx, adminActor, {
      ...fitLeadPayload(clock()),
      name: 'Crash Carla',
      ownerId: y.id,
    } as never);
    await ingestEvents(a.ctx, [
      { leadId: lead.id, type: 'form_submit', properties: { form: 'Contact sales' } },
    ]);
    await runDeskWork(a.ctx);
    // Instance A leases the email and "dies" before sending: nothing is recorded.
    const now = clock();
    const leased = await a.ctx.store.transaction((tx) =>
      tx.notifications.claimDue(now, new Date(now.getTime() + 60_000), 50),
    );
    expect(leased.some((d) => d.facts.kind === 'lead_hot' && d.facts.lead.id === lead.id)).toBe(true);
    await deliverNotifications(b.ctx, transportsB);
    expect(smtp.to(y.email)).toHaveLength(0);
    clock.advance(61_000);
    await Promise.all([deliverNotifications(a.ctx, transportsA), deliverNotifications(b.ctx, transportsB)]);
    expect(smtp.to(y.email).map((m) => m.mail.subject)).toEqual(['Hot lead: Crash Carla (Acme)']);
  });
});
