import type { Config } from '../../config.js';

/** The operator's settings for notifications, from the configuration (docs/config.md). */
export interface NotificationSetup {
  /** Null: the email channel is off. */
  readonly smtpUrl: string | null;
  readonly mailFrom: string | null;
  /** Where the links in messages point: `HEARTH_PUBLIC_URL`, else this machine. */
  readonly publicUrl: string;
}

export function notificationSetup(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl' | 'port'>,
): NotificationSetup {
  return {
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
  };
}

/** Whether each push channel can send, and if not, why: what Settings → Notifications shows. */
export function channelAvailability(setup: NotificationSetup | undefined): {
  readonly email: { readonly available: boolean; readonly reason: string | null };
  readonly slack: { readonly available: boolean; readonly reason: string | null };
  readonly publicUrl: string;
} {
  const smtp = setup?.smtpUrl ?? null;
  return {
    email:
      smtp === null
        ? { available: false, reason: 'Email is off: the server has no HEARTH_SMTP_URL setting.' }
        : { available: true, reason: null },
    slack: { available: true, reason: null },
    publicUrl: setup?.publicUrl ?? 'http://localhost:3000',
  };
}
