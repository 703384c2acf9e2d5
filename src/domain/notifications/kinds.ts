/**
 * What Hearth tells people, and how (SPEC §3 "Out to people"; docs/notifications.md). Each
 * notification is one kind for one recipient — a user, or the team's Slack channel — and goes out
 * on the channels that recipient's preferences turn on for that kind.
 */
export const NOTIFICATION_KINDS = ['lead_hot', 'sla_warning', 'sla_breached', 'task_due', 'digest'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** `app` is the list in the web app (and the browser notifications it raises); the rest push. */
export const CHANNELS = ['app', 'email', 'slack'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The kinds a user may let through quiet hours (`urgentDuringQuietHours`): a lead waiting for a
 * call right now, and a deadline already missed. A warning, a due task and the digest can wait.
 */
export const URGENT_KINDS: readonly NotificationKind[] = ['lead_hot', 'sla_breached'];

/** Where a delivery stands: sent (accepted by the SMTP server, 2xx from Slack), or not. */
export const DELIVERY_STATES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A lead as a notification names it: read when the notification is made. */
export interface LeadMention {
  readonly id: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly company: string | null;
}

/** The facts of each kind, stored with the notification (what the message is written from). */
export type NotificationFacts =
  | {
      readonly kind: 'lead_hot';
      readonly lead: LeadMention;
      /** One line: why the lead is hot, as the lead page's temperature checks say it. */
      readonly reason: string;
      readonly turnedHotAt: string;
      /** The speed-to-lead deadline; null when speed to lead is off. */
      readonly dueAt: string | null;
    }
  | {
      readonly kind: 'sla_warning';
      readonly lead: LeadMention;
      readonly timerId: number;
      readonly startedAt: string;
      readonly dueAt: string;
    }
  | {
      readonly kind: 'sla_breached';
      readonly lead: LeadMention;
      readonly timerId: number;
      readonly dueAt: string;
      readonly slaMinutes: number;
      /** Who had the lead when the deadline passed (null: nobody). */
      readonly ownerName: string | null;
      /** The rep the escalation gave the lead to, if it did. */
      readonly reassignedToName: string | null;
      /** True for the managers alerted, false for the owner. */
      readonly escalation: boolean;
    }
  | {
      readonly kind: 'task_due';
      readonly lead: LeadMention;
      readonly taskId: string;
      readonly title: string;
      readonly dueAt: string;
    }
  | {
      readonly kind: 'digest';
      /** The recipient's local date the digest is for (`YYYY-MM-DD`). */
      readonly date: string;
      readonly hotLeads: readonly (LeadMention & { readonly dueAt: string | null })[];
      readonly hotLeadsTotal: number;
      readonly tasks: readonly {
        readonly taskId: string;
        readonly title: string;
        readonly lead: LeadMention;
        readonly dueAt: string;
        readonly overdue: boolean;
      }[];
      readonly tasksTotal: number;
      readonly yesterday: DigestResults;
    };

/** What happened on the recipient's leads during their local yesterday. */
export interface DigestResults {
  readonly won: number;
  readonly lost: number;
  /** Speed-to-lead clocks touched in time / late. */
  readonly metSla: number;
  readonly lateSla: number;
  /** Clocks whose deadline passed untouched. */
  readonly breached: number;
  readonly tasksDone: number;
}
