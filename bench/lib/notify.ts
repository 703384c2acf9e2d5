import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type Latency, summarise } from './stats.js';

export interface NotifyFigures {
  readonly samples: number;
  /** From the answer to the event that made the lead hot to the SMTP server accepting the rep's email. */
  readonly emailMs: Latency;
  /** … to the Slack receiver getting the post. */
  readonly slackMs: Latency;
  /** … to both. */
  readonly bothMs: Latency;
}

/** A loopback SMTP server and Slack receiver for a `hearth serve` under test, noting when each message arrives. */
export async function notificationReceivers() {
  const arrived = new Map<string, { email?: number; slack?: number }>();
  const note = (text: string, channel: 'email' | 'slack') => {
    const name = /Hot lead: (Bench Hot \S+)/.exec(text)?.[1];
    if (!name) return;
    const entry = arrived.get(name) ?? {};
    entry[channel] ??= performance.now();
    arrived.set(name, entry);
  };
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          note(mail.subject ?? '', 'email');
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const slack = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      note(Buffer.concat(chunks).toString('utf8'), 'slack');
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  return {
    smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    slackUrl: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/bench`,
    arrived,
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      slack.closeAllConnections();
      await new Promise<void>((resolve) => slack.close(() => resolve()));
    },
  };
}

async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Speed to the rep: a rep with email and a Slack URL owns a fit lead; a "contact sales" form
 * makes it hot (b2b preset's high intent). Timed from the answer to `POST /events` to the rep's
 * email accepted by the SMTP server and the Slack post received, one lead at a time.
 */
export async function notifyLatency(
  api: { url: string; key: string },
  receivers: Awaited<ReturnType<typeof notificationReceivers>>,
  samples: number,
  runId: string,
): Promise<NotifyFigures> {
  const rep = (await call(api.url, api.key, 'POST', '/users', {
    email: `bench-rep-${runId}@example.com`,
    name: 'Bench Rep',
    role: 'rep',
    password: 'correct horse battery staple',
  })) as { id: string; email: string };
  const { key: repKey } = (await call(api.url, api.key, 'POST', '/keys', {
    name: `bench rep ${runId}`,
    role: 'rep',
    userEmail: rep.email,
  })) as { key: string };
  await call(api.url, repKey, 'PUT', '/me/notification-settings', { slackWebhookUrl: receivers.slackUrl });
  const purchase = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const email: number[] = [];
  const slack: number[] = [];
  const both: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `Bench Hot ${runId}x${i}`;
    const lead = (await call(api.url, api.key, 'POST', '/leads', {
      email: `bench-hot-${runId}-${i}@example.com`,
      name,
      company: 'Acme',
      industry: 'Software',
      companySize: 200,
      jobTitle: 'VP Sales',
      source: 'website',
      ownerId: rep.id,
      attributes: { purchase_date: purchase },
    })) as { lead?: { id: string }; id?: string };
    const leadId = lead.lead?.id ?? lead.id;
    await call(api.url, api.key, 'POST', '/events', {
      leadId,
      type: 'form_submit',
      id: `${runId}-hot-${i}`,
      properties: { form: 'Contact sales' },
    });
    const answered = performance.now();
    for (;;) {
      const at = receivers.arrived.get(name);
      if (at?.email !== undefined && at.slack !== undefined) {
        email.push(at.email - answered);
        slack.push(at.slack - answered);
        both.push(Math.max(at.email, at.slack) - answered);
        break;
      }
      if (performance.now() - answered > 30_000)
        throw new Error(`notify: no email and Slack post for ${name} in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return { samples, emailMs: summarise(email), slackMs: summarise(slack), bothMs: summarise(both) };
}
