import nodemailer from 'nodemailer';

/** A send that did not go through; `permanent` ones are not retried. */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface Email {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Stable per delivery, so a resend after a crash threads with (and can be deduped against) the first. */
  readonly messageId: string;
  readonly kind: string;
}

/** How messages leave: SMTP and Slack's incoming webhooks. Tests use the real ones on loopback. */
export interface Transports {
  /** Null when the server has no SMTP setting. */
  readonly email: ((email: Email) => Promise<void>) | null;
  slack(url: string, payload: { text: string }): Promise<void>;
  close(): void;
}

// An SMTP server or Slack that does not answer within this long is a failed attempt, retried.
const SEND_TIMEOUT_MS = 10_000;

/**
 * SMTP through nodemailer (a pool of up to 5 connections kept open, so a burst of hot leads does
 * not pay a TLS handshake each) and Slack through fetch. A 5xx SMTP reply (mailbox unknown,
 * refused) and a 4xx from Slack other than 408/429 (a deleted or wrong URL) fail for good; the
 * rest are retried.
 */
export function createTransports(setup: { smtpUrl: string | null; mailFrom: string | null }): Transports {
  const mailer =
    setup.smtpUrl === null
      ? null
      : nodemailer.createTransport({
          url: setup.smtpUrl,
          pool: true,
          maxConnections: 5,
          connectionTimeout: SEND_TIMEOUT_MS,
          greetingTimeout: SEND_TIMEOUT_MS,
          socketTimeout: 2 * SEND_TIMEOUT_MS,
        });
  const from = setup.mailFrom ?? 'Hearth <hearth@localhost>';
  return {
    email:
      mailer === null
        ? null
        : async (email) => {
            try {
              await mailer.sendMail({
                from,
                to: email.to,
                subject: email.subject,
                text: email.text,
                messageId: email.messageId,
                headers: { 'Auto-Submitted': 'auto-generated', 'X-Hearth-Notification': email.kind },
              });
            } catch (error) {
              const code = (error as { responseCode?: unknown }).responseCode;
              const message = error instanceof Error ? error.message : String(error);
              throw new SendFailure(
                `SMTP: ${message}`,
                typeof code === 'number' && code >= 500 && code < 600,
              );
            }
          },
    slack: async (url, payload) => {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Hearth-Notifications/1' },
          body: JSON.stringify(payload),
          // Not followed: the post would go where nobody configured it to.
          redirect: 'manual',
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        const cause = (error as { cause?: { code?: unknown } }).cause?.code;
        throw new SendFailure(
          timedOut
            ? `Slack: no answer within ${SEND_TIMEOUT_MS / 1000} s`
            : `Slack: ${error instanceof Error ? error.message : String(error)}${cause ? `: ${String(cause)}` : ''}`,
          false,
        );
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      // Slack names the problem in a short text body (`no_service`, `invalid_payload`).
      const said = (await response.text().catch(() => '')).slice(0, 200);
      const permanent =
        response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status);
      throw new SendFailure(`Slack: HTTP ${response.status}${said ? ` ${said}` : ''}`, permanent);
    },
    close: () => mailer?.close(),
  };
}
