import type { LeadStatus } from '../lead.js';
import type { Temperature } from '../scoring/model.js';
import type { SlaView } from './speed-to-lead.js';
import type { Task } from './task.js';

/**
 * The hot queue's sections (SPEC §2 Live work: a triage list, one card per lead), in the order a
 * rep works them.
 */
export const QUEUE_SECTIONS = ['now', 'overdue', 'due_today', 'later'] as const;
export type QueueSection = (typeof QUEUE_SECTIONS)[number];

/** What decides where a lead's card goes. */
export interface QueueFacts {
  readonly status: LeadStatus;
  readonly temperature: Temperature;
  /** The lead's latest speed-to-lead timer, as it stands now; null without one. */
  readonly sla: SlaView | null;
  /** Its open tasks. */
  readonly tasks: readonly Pick<Task, 'dueAt'>[];
}

/** The earliest due time among tasks; null when none is scheduled. */
export function firstDue(tasks: readonly Pick<Task, 'dueAt'>[]): Date | null {
  let first: Date | null = null;
  for (const t of tasks) if (t.dueAt !== null && (first === null || t.dueAt < first)) first = t.dueAt;
  return first;
}

/**
 * Where a lead's card goes at `now`, or null when it has no place in the queue:
 * - `now`: open, hot, and its speed-to-lead clock runs (running, or breached and still untouched);
 *   a closed lead never (its clock was stopped by the outcome anyway);
 * - `overdue`: an open task past its due time;
 * - `due_today`: an open task due before the end of the viewer's day (`endOfDay`);
 * - `later`: any other open task (later or unscheduled), or an open hot lead already touched.
 *
 * @example queueSection({ status: 'open', temperature: 'cold', sla: null, tasks: [{ dueAt: yesterday }] }, now, midnight) // 'overdue'
 */
export function queueSection(facts: QueueFacts, now: Date, endOfDay: Date): QueueSection | null {
  const hotAndOpen = facts.status === 'open' && facts.temperature === 'hot';
  if (hotAndOpen && (facts.sla?.state === 'running' || facts.sla?.state === 'breached')) return 'now';
  const due = firstDue(facts.tasks);
  if (due !== null && due < now) return 'overdue';
  if (due !== null && due < endOfDay) return 'due_today';
  if (facts.tasks.length > 0 || hotAndOpen) return 'later';
  return null;
}

/** A card as the ordering reads it. */
export interface QueueOrderKey {
  readonly section: QueueSection;
  readonly sla: SlaView | null;
  readonly firstDueAt: Date | null;
  /** When the lead turned hot, for hot leads without a scheduled task. */
  readonly hotSince: Date | null;
  readonly leadId: string;
}

/**
 * The order of cards: by section, then
 * - in `now`, running clocks soonest deadline first, then breached ones most recently breached
 *   first: a clock with minutes left can still be met, and among missed ones the freshest lead is
 *   the likeliest to answer (contact rates fall with every hour of waiting);
 * - elsewhere the earliest due task first, unscheduled ones after, then the longest hot.
 */
export function compareQueueCards(a: QueueOrderKey, b: QueueOrderKey): number {
  const bySection = QUEUE_SECTIONS.indexOf(a.section) - QUEUE_SECTIONS.indexOf(b.section);
  if (bySection !== 0) return bySection;
  if (a.section === 'now') {
    const rank = (k: QueueOrderKey) => (k.sla?.state === 'running' ? 0 : 1);
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    const deadline = (k: QueueOrderKey) => k.sla?.dueAt.getTime() ?? 0;
    const byDeadline = rank(a) === 0 ? deadline(a) - deadline(b) : deadline(b) - deadline(a);
    if (byDeadline !== 0) return byDeadline;
  } else {
    const time = (d: Date | null) => d?.getTime() ?? Number.POSITIVE_INFINITY;
    const byDue = time(a.firstDueAt) - time(b.firstDueAt);
    if (byDue !== 0 && !Number.isNaN(byDue)) return byDue;
    const byHot = time(a.hotSince) - time(b.hotSince);
    if (byHot !== 0 && !Number.isNaN(byHot)) return byHot;
  }
  return a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0;
}
