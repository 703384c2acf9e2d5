import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 (no TLS, no auth) that keeps every message it accepts, parsed.
 * `acceptedAt` is when the server answered the message's DATA with 250: what a sender's
 * "accepted by the SMTP server" means.
 */
export async function smtpReceiver() {
  const received: { mail: ParsedMail; acceptedAt: number }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ mail, acceptedAt: performance.now() });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Messages to one address. */
    to: (address: string) =>
      received.filter((r) =>
        (Array.isArray(r.mail.to) ? r.mail.to : [r.mail.to]).some((t) => t?.text.includes(address)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback HTTP receiver standing in for Slack's incoming webhooks: answers each POST with the next status. */
export async function slackReceiver(statuses: number[] = [200]) {
  const received: { path: string; body: { text: string }; receivedAt: number }[] = [];
  let calls = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = statuses[Math.min(calls, statuses.length - 1)] ?? 200;
      calls += 1;
      if (status >= 200 && status < 300) {
        received.push({
          path: request.url ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string },
          receivedAt: performance.now(),
        });
      }
      response.statusCode = status;
      response.end(status === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** A distinct URL per user or team: the path tells the posts apart. */
    urlFor: (name: string) => `http://127.0.0.1:${port}/services/${name}`,
    received,
    to: (name: string) => received.filter((r) => r.path === `/services/${name}`),
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
