import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { createTask } from '../../src/app/desk/tasks.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { deliverNotifications } from '../../src/app/notifications/deliver-notifications.js';
import { myNotifications } from '../../src/app/notifications/inbox.js';
import {
  type MyNotificationSettingsPatch,
  updateMyNotificationSettings,
  updateTeamNotificationSettings,
} from '../../src/app/notifications/notification-settings.js';
import { makeDueDigests, warnRunningOutClocks } from '../../src/app/notifications/scheduled-notifications.js';
import { createTransports, type Transports } from '../../src/app/notifications/transports.js';
import { loadConfig } from '../../src/config.js';
import type { Principal } from '../../src/domain/access.js';
import { type OpenApp, openApp } from '../../src/main.js';
import { adminActor, testClock, testDatabases } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';
import { slackReceiver, smtpReceiver } from '../support/receivers.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

for (const database of testDatabases) {
  describe(`notifications by email, Slack and in the app [${database.name}]`, () => {
    const clock = testClock('2026-03-02T09:00:00.000Z');
    let app: OpenApp;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
    let slack: Awaited<ReturnType<typeof slackReceiver>>;
    let transports: Transports;

    beforeAll(async () => {
      smtp = await smtpReceiver();
      slack = await slackReceiver();
      const created = await database.create();
      drop = created.drop;
      app = await openApp(
        loadConfig({
          HEARTH_DB_POOL_SIZE: '4',
          HEARTH_SMTP_URL: smtp.url,
          HEARTH_MAIL_FROM: 'Hearth <hearth@example.com>',
          HEARTH_PUBLIC_URL: 'https://hearth.example.com',
        }),
        { clock, target: created.target },
      );
      transports = createTransports(app.ctx.notifications ?? { smtpUrl: null, mailFrom: null });
    });
    afterAll(async () => {
      transports?.close();
      await app?.close();
      await drop?.();
      await smtp?.close();
      await slack?.close();
    });

    /** A rep (with a Slack URL of their own) and their principal. */
    async function rep(label: string, settings: MyNotificationSettingsPatch = {}) {
      const user = await createUser(app.ctx, adminActor, {
        email: uniqueEmail(label),
        name: `Rep ${label}`,
        role: 'rep',
        password: 'correct horse battery',
      });
      const actor: Principal = { role: 'rep', userId: user.id, keyId: null };
      await updateMyNotificationSettings(app.ctx, actor, {
        slackWebhookUrl: slack.urlFor(user.id),
        ...settings,
      });
      return { user, actor };
    }

    /** A fit lead owned by `ownerId` that a "contact sales" form makes hot on its own. */
    async function leadTurningHot(ownerId: string, name: string, occurredAt?: Date): Promise<string> {
      const { lead } = await upsertLead(app.ctx, adminActor, {
        ...fitLeadPayload(clock()),
        name,
        ownerId,
      } as never);
      const summary = await ingestEvents(app.ctx, [
        {
          leadId: lead.id,
          type: 'form_submit',
          properties: { form: 'Contact sales' },
          ...(occurredAt ? { occurredAt: occurredAt.toISOString() } : {}),
        },
      ]);
      expect(summary.results[0]).toMatchObject({ status: 'stored' });
      return lead.id;
    }

    const deliver = () => deliverNotifications(app.ctx, transports, { random: () => 0 });

    it('a lead turning hot for rep X sends X exactly one email and one Slack post naming the lead, the reason and the deadline', async () => {
      const x = await rep('x');
      const leadId = await leadTurningHot(x.user.id, 'Ann Hotlead');
      await runDeskWork(app.ctx);
      await deliver();
      await runDeskWork(app.ctx); // nothing new: a second pass sends nothing again
      await deliver();

      const deadline = 'Mon 2 Mar, 10:00 UTC'; // 60 minutes after 09:00 UTC, in X's zone (UTC)
      const mails = smtp.to(x.user.email);
      expect(mails).toHaveLength(1);
      const mail = mails[0]?.mail;
      expect(mail?.subject).toBe('Hot lead: Ann Hotlead (Acme)');
      expect(mail?.from?.text).toContain('hearth@example.com');
      expect(mail?.text).toContain('Why: A "contact sales" event');
      expect(mail?.text).toContain(`First touch due by ${deadline}`);
      expect(mail?.text).toContain(`https://hearth.example.com/leads/${leadId}`);
      const posts = slack.to(x.user.id);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body.text).toContain('Hot lead: Ann Hotlead (Acme)');
      expect(posts[0]?.body.text).toContain('Why: A "contact sales" event');
      expect(posts[0]?.body.text).toContain(`First touch due by ${deadline}`);
      expect(posts[0]?.body.text).toContain(`<https://hearth.example.com/leads/${leadId}|`);

      const inbox = await myNotifications(app.ctx, x.actor, { limit: 10 });
      expect(inbox.unread).toBe(1);
      expect(inbox.data).toHaveLength(1);
      expect(inbox.data[0]).toMatchObject({ kind: 'lead_hot', path: `/leads/${leadId}`, readAt: null });
      const log = Object.fromEntries(inbox.data[0]?.deliveries.map((d) => [d.channel, d]) ?? []);
      expect(log.app).toMatchObject({ state: 'sent' });
      expect(log.email).toMatchObject({ state: 'sent', attempts: 1, lastError: null });
      expect(log.slack).toMatchObject({ state: 'sent', attempts: 1, heldUntil: null });
    });

    it('a historical turn to hot (an import dated 100 days back) notifies nobody', async () => {
      const h = await rep('history');
      await leadTurningHot(h.user.id, 'Old Form', new Date(clock().getTime() - 100 * DAY));
      await runDeskWork(app.ctx);
      await deliver();
      expect(smtp.to(h.user.email)).toHaveLength(0);
      expect(slack.to(h.user.id)).toHaveLength(0);
      expect((await myNotifications(app.ctx, h.actor, { limit: 10 })).data).toHaveLength(0);
    });

    it('quiet hours hold email and Slack until the morning in the rep’s zone; the app lists it at once', async () => {
      const q = await rep('quiet', {
        timeZone: 'Europe/Berlin',
        quietHours: { start: '22:00', end: '07:00' },
      });
      clock.set('2026-03-02T22:30:00.000Z'); // 23:30 in Berlin
      try {
        await leadTurningHot(q.user.id, 'Night Owl');
        await runDeskWork(app.ctx);
        await deliver();
        expect(smtp.to(q.user.email)).toHaveLength(0);
        expect(slack.to(q.user.id)).toHaveLength(0);
        const held = await myNotifications(app.ctx, q.actor, { limit: 10 });
        expect(held.unread).toBe(1);
        const email = held.data[0]?.deliveries.find((d) => d.channel === 'email');
        expect(email).toMatchObject({ state: 'pending', attempts: 0 });
        expect(email?.heldUntil?.toISOString()).toBe('2026-03-03T06:00:00.000Z'); // 07:00 in Berlin

        clock.set('2026-03-03T05:59:00.000Z');
        await deliver();
        expect(smtp.to(q.user.email)).toHaveLength(0);
        clock.set('2026-03-03T06:00:00.000Z');
        await deliver();
        expect(smtp.to(q.user.email)).toHaveLength(1);
        expect(slack.to(q.user.id)).toHaveLength(1);
        expect(smtp.to(q.user.email)[0]?.mail.subject).toBe('Hot lead: Night Owl (Acme)');
      } finally {
        clock.set('2026-03-02T09:00:00.000Z');
      }
    });

    it('with urgentDuringQuietHours, a hot lead goes out at night anyway', async () => {
      const u = await rep('urgent', {
        quietHours: { start: '00:00', end: '23:59' },
        urgentDuringQuietHours: true,
      });
      await leadTurningHot(u.user.id, 'Urgent Ursula');
      await runDeskWork(app.ctx);
      await deliver();
      expect(smtp.to(u.user.email)).toHaveLength(1);
    });

    it('warns at 75% of the SLA window on Slack, once; a missed deadline reaches the owner and the managers', async () => {
      const w = await rep('warned');
      const manager = await createUser(app.ctx, adminActor, {
        email: uniqueEmail('manager'),
        name: 'Meg Manager',
        role: 'manager',
        password: 'correct horse battery',
      });
      const start = clock().getTime();
      try {
        await leadTurningHot(w.user.id, 'Slow Sam');
        await runDeskWork(app.ctx);
        await deliver();
        const before = slack.to(w.user.id).length;
        const warnings = async () =>
          (await myNotifications(app.ctx, w.actor, { limit: 10 })).data.filter(
            (n) => n.kind === 'sla_warning',
          );
        clock.set(new Date(start + 44 * MINUTE).toISOString());
        await warnRunningOutClocks(app.ctx);
        expect(await warnings()).toHaveLength(0);
        clock.set(new Date(start + 45 * MINUTE).toISOString());
        await warnRunningOutClocks(app.ctx);
        await warnRunningOutClocks(app.ctx);
        expect(await warnings()).toHaveLength(1);
        await deliver();
        const warning = slack.to(w.user.id).slice(before);
        expect(warning).toHaveLength(1);
        expect(warning[0]?.body.text).toContain('Speed to lead: 15 min left for');

        clock.set(new Date(start + 61 * MINUTE).toISOString());
        await runDeskWork(app.ctx);
        await deliver();
        const ownerMail = smtp.to(w.user.email).map((m) => m.mail.subject);
        expect(ownerMail).toContain('speed-to-lead deadline missed for Slow Sam (Acme)');
        const managerMail = smtp.to(manager.email).filter((m) => m.mail.subject?.includes('Slow Sam'));
        expect(managerMail).toHaveLength(1);
        expect(managerMail[0]?.mail.subject).toBe(
          'Escalation: speed-to-lead deadline missed for Slow Sam (Acme)',
        );
        expect(managerMail[0]?.mail.text).toContain(`Owner: Rep warned.`);
      } finally {
        clock.set('2026-03-02T09:00:00.000Z');
      }
    });

    it('a task of yours coming due is posted to Slack and listed', async () => {
      const t = await rep('tasks');
      const { lead } = await upsertLead(app.ctx, adminActor, {
        ...fitLeadPayload(clock()),
        name: 'Tina Task',
        ownerId: t.user.id,
      } as never);
      const start = clock().getTime();
      await createTask(app.ctx, adminActor, {
        leadId: lead.id,
        kind: 'call',
        title: 'Send the proposal',
        ownerId: t.user.id,
        dueAt: new Date(start + 10 * MINUTE).toISOString(),
      } as never);
      try {
        clock.set(new Date(start + 11 * MINUTE).toISOString());
        await runDeskWork(app.ctx);
        await deliver();
        const posts = slack.to(t.user.id);
        expect(posts).toHaveLength(1);
        expect(posts[0]?.body.text).toContain('Task due: Send the proposal — Tina Task (Acme)');
        // Email is off for due tasks by default.
        expect(smtp.to(t.user.email)).toHaveLength(0);
        expect((await myNotifications(app.ctx, t.actor, { limit: 5 })).data[0]?.kind).toBe('task_due');
      } finally {
        clock.set('2026-03-02T09:00:00.000Z');
      }
    });

    it('the daily digest arrives at the user’s own local morning, once', async () => {
      const d = await rep('digest', { timeZone: 'America/New_York', digestHour: 8 });
      await leadTurningHot(d.user.id, 'Dora Digest');
      await runDeskWork(app.ctx);
      try {
        // 08:00 in New York on 3 March is 13:00 UTC (EST, UTC−5).
        clock.set('2026-03-03T12:59:00.000Z');
        await makeDueDigests(app.ctx);
        await deliver();
        expect(smtp.to(d.user.email).filter((m) => m.mail.subject?.startsWith('Your day'))).toHaveLength(0);
        clock.set('2026-03-03T13:00:30.000Z');
        await makeDueDigests(app.ctx);
        await makeDueDigests(app.ctx);
        await deliver();
        const digests = smtp.to(d.user.email).filter((m) => m.mail.subject?.startsWith('Your day'));
        expect(digests).toHaveLength(1);
        expect(digests[0]?.mail.subject).toBe('Your day, 2026-03-03: 1 hot, 1 tasks');
        expect(digests[0]?.mail.text).toContain('Dora Digest (Acme)');
        expect(digests[0]?.mail.text).toContain('Yesterday: 0 won, 0 lost');
        expect(digests[0]?.mail.text).toContain('Contact now');
      } finally {
        clock.set('2026-03-02T09:00:00.000Z');
      }
    });

    it('a Slack post that fails is retried with backoff and logged, then sent', async () => {
      const flaky = await slackReceiver([500, 200]);
      const r = await rep('retry', { slackWebhookUrl: null });
      await updateMyNotificationSettings(app.ctx, r.actor, { slackWebhookUrl: flaky.urlFor('r') });
      try {
        await leadTurningHot(r.user.id, 'Retry Rita');
        await runDeskWork(app.ctx);
        await deliver();
        let slackLog = (await myNotifications(app.ctx, r.actor, { limit: 1 })).data[0]?.deliveries.find(
          (d) => d.channel === 'slack',
        );
        expect(slackLog).toMatchObject({
          state: 'pending',
          attempts: 1,
          lastError: 'Slack: HTTP 500 no_service',
        });
        clock.advance(6_000); // past the 5 s floor of the first retry (jitter 0)
        await deliver();
        slackLog = (await myNotifications(app.ctx, r.actor, { limit: 1 })).data[0]?.deliveries.find(
          (d) => d.channel === 'slack',
        );
        expect(slackLog).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
        expect(flaky.to('r')).toHaveLength(1);
      } finally {
        clock.set('2026-03-02T09:00:00.000Z');
        await flaky.close();
      }
    });

    it('the team channel hears of every hot lead when the admin sets its URL', async () => {
      await updateTeamNotificationSettings(app.ctx, adminActor, { slackWebhookUrl: slack.urlFor('team') });
      try {
        const owner = await rep('team-owner');
        await leadTurningHot(owner.user.id, 'Teresa Team');
        await runDeskWork(app.ctx);
        await deliver();
        const posts = slack.to('team').filter((p) => p.body.text.includes('Teresa Team'));
        expect(posts).toHaveLength(1);
      } finally {
        await updateTeamNotificationSettings(app.ctx, adminActor, { slackWebhookUrl: null });
      }
    });
  });
}
