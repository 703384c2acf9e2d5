import type { Check } from '../scoring/checks.js';
import type { HotReason } from '../scoring/temperature.js';
import type { LeadMention, NotificationFacts } from './kinds.js';

/** A notification as people read it, on any channel. */
export interface Message {
  /** One line: the in-app title, the email subject, Slack's first line. */
  readonly title: string;
  /** The rest, in lines (the email body's paragraphs, the in-app text). */
  readonly lines: readonly string[];
  /** Where to act, a path in the web app (`/leads/…`). */
  readonly path: string;
}

/**
 * Why a lead is hot, in one line: the sentences of the temperature checks the lead page shows
 * (docs/scoring.md) that make it hot — the high-intent rule that fired, or interest and
 * qualification together.
 *
 * @example whyHot(checks, { kind: 'high_intent', ruleId: 'demo_request', … })
 * // 'A "demo request" event (demo_request) just now, with fit 62 (at least 40): hot on its own for 14 days more.'
 */
export function whyHot(checks: readonly Check[], hotBecause: HotReason | null): string {
  const sentences =
    hotBecause?.kind === 'high_intent'
      ? checks.filter((c) => c.id === `high_intent:${hotBecause.ruleId}`)
      : checks.filter((c) => c.passed && (c.id === 'interest_hot' || c.id === 'qualified'));
  const line = sentences.map((c) => c.sentence).join(' ');
  return line === '' ? 'Interest and qualification reached the hot thresholds.' : line;
}

/** "Ann Lee (Acme)", else the email, else "a lead". */
export function leadLabel(lead: LeadMention): string {
  const name = lead.name ?? lead.email ?? 'a lead';
  return lead.company ? `${name} (${lead.company})` : name;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as the recipient's clock shows it: `Mon 2 Mar, 10:00 CET`.
 *
 * @example localTimeText(new Date('2026-03-02T09:00:00Z'), 'Europe/Berlin') // 'Mon 2 Mar, 10:00 CET'
 */
export function localTimeText(at: Date, zone: string): string {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

const minutes = (ms: number) => `${Math.max(0, Math.round(ms / 60_000))} min`;

/**
 * The message of a notification, in the recipient's time zone. `now` is when it is written
 * (a held message says how long is left when it goes out, not when it was made).
 *
 * @example
 * messageOf({ kind: 'task_due', lead, taskId, title: 'Send the proposal', dueAt }, 'UTC', now).title
 * // 'Task due: Send the proposal — Ann Lee (Acme)'
 */
export function messageOf(facts: NotificationFacts, zone: string, now: Date): Message {
  const at = (iso: string) => localTimeText(new Date(iso), zone);
  switch (facts.kind) {
    case 'lead_hot': {
      const lines = [`Why: ${facts.reason}`];
      if (facts.dueAt !== null) {
        const left = new Date(facts.dueAt).getTime() - now.getTime();
        lines.push(
          left > 0
            ? `First touch due by ${at(facts.dueAt)} (${minutes(left)} left).`
            : `First touch was due by ${at(facts.dueAt)}.`,
        );
      }
      lines.push(`Turned hot at ${at(facts.turnedHotAt)}.`);
      return { title: `Hot lead: ${leadLabel(facts.lead)}`, lines, path: `/leads/${facts.lead.id}` };
    }
    case 'sla_warning': {
      const left = new Date(facts.dueAt).getTime() - now.getTime();
      return {
        title: `Speed to lead: ${minutes(left)} left for ${leadLabel(facts.lead)}`,
        lines: [
          `No first touch yet. The deadline is ${at(facts.dueAt)}.`,
          'Log a call, email or meeting to stop the clock.',
        ],
        path: `/leads/${facts.lead.id}`,
      };
    }
    case 'sla_breached': {
      const who = facts.ownerName ?? 'nobody (unassigned)';
      const lines = [
        `Nobody touched the lead within ${facts.slaMinutes} min: the deadline ${at(facts.dueAt)} passed.`,
        facts.escalation ? `Owner: ${who}.` : 'The lead is still waiting for its first touch.',
      ];
      if (facts.reassignedToName !== null)
        lines.push(`Escalation gave the lead to ${facts.reassignedToName}.`);
      return {
        title: `${facts.escalation ? 'Escalation: ' : ''}speed-to-lead deadline missed for ${leadLabel(facts.lead)}`,
        lines,
        path: `/leads/${facts.lead.id}`,
      };
    }
    case 'task_due':
      return {
        title: `Task due: ${facts.title} — ${leadLabel(facts.lead)}`,
        lines: [`Due ${at(facts.dueAt)}.`],
        path: `/leads/${facts.lead.id}`,
      };
    case 'digest': {
      const lines: string[] = [];
      lines.push(`Hot leads (${facts.hotLeadsTotal}):`);
      if (facts.hotLeads.length === 0) lines.push('  none');
      for (const lead of facts.hotLeads) {
        lines.push(`  - ${leadLabel(lead)}${lead.dueAt ? `, first touch due ${at(lead.dueAt)}` : ''}`);
      }
      if (facts.hotLeadsTotal > facts.hotLeads.length) {
        lines.push(`  … and ${facts.hotLeadsTotal - facts.hotLeads.length} more`);
      }
      lines.push(`Tasks due today or overdue (${facts.tasksTotal}):`);
      if (facts.tasks.length === 0) lines.push('  none');
      for (const task of facts.tasks) {
        lines.push(
          `  - ${task.title} — ${leadLabel(task.lead)}, ${task.overdue ? 'overdue since' : 'due'} ${at(task.dueAt)}`,
        );
      }
      if (facts.tasksTotal > facts.tasks.length) {
        lines.push(`  … and ${facts.tasksTotal - facts.tasks.length} more`);
      }
      const y = facts.yesterday;
      lines.push(
        `Yesterday: ${y.won} won, ${y.lost} lost, ${y.tasksDone} tasks done; speed to lead ${y.metSla} in time, ${y.lateSla} late, ${y.breached} missed.`,
      );
      return {
        title: `Your day, ${facts.date}: ${facts.hotLeadsTotal} hot, ${facts.tasksTotal} tasks`,
        lines,
        path: '/',
      };
    }
  }
}

/** The link to act on, absolute: the public base URL joined with the message's path. */
export function linkOf(message: Message, publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${message.path}`;
}

/** Plain-text email body: the lines, then the link. */
export function emailText(message: Message, publicUrl: string): string {
  return [...message.lines, '', `Open in Hearth: ${linkOf(message, publicUrl)}`, ''].join('\n');
}

/**
 * A Slack incoming-webhook payload: `text` in Slack's mrkdwn, the title linked (`<url|title>`);
 * `&`, `<` and `>` escaped as Slack asks, so a lead's name cannot inject a link or a mention.
 */
export function slackPayload(message: Message, publicUrl: string): { text: string } {
  const slackEscape = (s: string) =>
    s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const title = `*<${linkOf(message, publicUrl)}|${slackEscape(message.title)}>*`;
  return { text: [title, ...message.lines.map(slackEscape)].join('\n') };
}
