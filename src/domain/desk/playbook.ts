import type { LeadStatus } from '../lead.js';
import type { Temperature } from '../scoring/model.js';
import type { EngagementSummary, Tally } from './engagement.js';
import type { SlaView } from './speed-to-lead.js';
import type { StatusChange } from './status.js';
import type { Task } from './task.js';

/** What a recommended action asks the team to do. */
export const ACTION_KINDS = [
  'educate',
  'personalise',
  'offer',
  'contact',
  'assign',
  're_engage',
  'let_go',
  'follow_up',
  'appreciate',
  'one_to_one',
  'hold',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Marketing content: never recommended to a lead that opted out of marketing. */
export const MARKETING_KINDS: readonly ActionKind[] = [
  'educate',
  'personalise',
  'offer',
  're_engage',
  'appreciate',
];
/** Sales work: never recommended for a disqualified lead. */
export const SALES_KINDS: readonly ActionKind[] = ['contact', 'assign', 'follow_up'];

/** The situations the playbook has a list of actions for (SPEC §2 Playbook). */
export const PLAYBOOK_SITUATIONS = ['cold', 'warm', 'hot', 'cool', 'lost_after_hot', 'customer'] as const;
export type PlaybookSituation = (typeof PLAYBOOK_SITUATIONS)[number];

/** One configured action: what to do, in the team's words. */
export interface PlaybookEntry {
  readonly kind: ActionKind;
  readonly title: string;
  readonly description: string;
}

export type Playbook = Readonly<Record<PlaybookSituation, readonly PlaybookEntry[]>>;

/** An action recommended for one lead now, with the facts that make it the right one. */
export interface NextBestAction {
  /** Stable within a playbook: `situation.kind`, numbered when a kind repeats. */
  readonly id: string;
  readonly kind: ActionKind;
  readonly title: string;
  /** Concrete and true at `now`: counts, dates, times (UTC). */
  readonly reason: string;
  /** The configured description: how to do it. */
  readonly detail?: string;
}

/** What the playbook needs to know about a lead; the app gathers it. */
export interface PlaybookInput {
  readonly lead: {
    readonly status: LeadStatus;
    readonly optedOut: boolean;
    readonly ownerId: string | null;
  };
  readonly temperature: Temperature;
  /** When the lead reached its temperature, if known. */
  readonly temperatureSince: Date | null;
  /** For cool and cold leads that were warm or hot: when that ended. */
  readonly cooledAt: Date | null;
  readonly coolPeriodDays: number;
  /** Cold after the cool period. */
  readonly suggestLetGo: boolean;
  readonly engagement: EngagementSummary;
  readonly wasEverHot: boolean;
  /** The newest status change, if any. */
  readonly lastStatusChange: StatusChange | null;
  /** Days after a loss that the follow-up is due (desk settings `lostFollowUp.delayDays`). */
  readonly lostFollowUpDays: number;
  readonly openTasks: readonly Task[];
  /** The newest speed-to-lead timer, read at `now`. */
  readonly sla: SlaView | null;
}

const DAY_MS = 86_400_000;

/**
 * The actions the playbook recommends for a lead at `now`, in the playbook's order. The situation is
 * the lead's status, else its temperature: customers get `customer`, a lead lost after being hot
 * `lost_after_hot`, an open (or lost, or disqualified) lead its temperature's list. A cold lead
 * that cooled down is offered the cool list's let-go first. Opted-out leads get no marketing
 * content (one action says why); disqualified and lost leads get no sales actions.
 *
 * @example
 * nextBestActions(input, settings.playbook, now)
 * // [{ id: 'warm.offer', kind: 'offer', title: 'Make a targeted offer', reason: 'viewed the pricing page 3× this week' }, …]
 */
export function nextBestActions(input: PlaybookInput, playbook: Playbook, now: Date): NextBestAction[] {
  const situation = situationOf(input);
  const entries: { situation: PlaybookSituation; entry: PlaybookEntry }[] = [];
  if (situation === 'cold' && input.suggestLetGo) {
    for (const entry of playbook.cool.filter((e) => e.kind === 'let_go'))
      entries.push({ situation: 'cool', entry });
  }
  for (const entry of playbook[situation]) entries.push({ situation, entry });

  const { status, optedOut } = input.lead;
  const noSales = status === 'disqualified' || (status === 'lost' && situation !== 'lost_after_hot');
  const actions: NextBestAction[] = [];
  const seen = new Map<string, number>();
  let marketingDropped = false;
  for (const { situation: from, entry } of entries) {
    if (noSales && SALES_KINDS.includes(entry.kind)) continue;
    if (optedOut && MARKETING_KINDS.includes(entry.kind)) {
      marketingDropped = true;
      continue;
    }
    const reason = reasonFor(entry.kind, from, input, now);
    if (reason === null) continue;
    const key = `${from}.${entry.kind}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    actions.push({
      id: n === 1 ? key : `${key}.${n}`,
      kind: entry.kind,
      title: entry.title,
      reason,
      ...(entry.description ? { detail: entry.description } : {}),
    });
  }
  if (status === 'disqualified') {
    const since =
      input.lastStatusChange?.to === 'disqualified' ? ` on ${day(input.lastStatusChange.at, now)}` : '';
    actions.unshift({
      id: 'disqualified.hold',
      kind: 'hold',
      title: 'No sales actions',
      reason: `disqualified${since}${quoted(input.lastStatusChange?.reason)}${optedOut ? '; opted out of marketing' : ''}`,
    });
  } else if (optedOut && (marketingDropped || actions.length === 0)) {
    actions.push({
      id: 'opted_out.one_to_one',
      kind: 'one_to_one',
      title: 'One-to-one contact only',
      reason: 'opted out of marketing: one-to-one contact only',
      detail: 'No newsletters, campaigns or automated content; a personal email or call is fine.',
    });
  }
  return actions;
}

/** Which list of the playbook applies to the lead. */
export function situationOf(
  input: Pick<PlaybookInput, 'lead' | 'temperature' | 'wasEverHot'>,
): PlaybookSituation {
  if (input.lead.status === 'customer') return 'customer';
  if (input.lead.status === 'lost' && input.wasEverHot) return 'lost_after_hot';
  return input.temperature;
}

/** The reason an action of this kind fits now; null when it does not apply (an owner exists). */
function reasonFor(
  kind: ActionKind,
  situation: PlaybookSituation,
  input: PlaybookInput,
  now: Date,
): string | null {
  const e = input.engagement;
  switch (kind) {
    case 'contact':
      return contactReason(input, now);
    case 'assign':
      return input.lead.ownerId === null
        ? `${sinceText('hot', input.temperatureSince, now)}, no owner yet`
        : null;
    case 'personalise':
      return interests(e, now) ?? activityText(e, now);
    case 'offer':
      return pricingText(e.pricing, now) ?? interests(e, now) ?? activityText(e, now);
    case 'educate':
      if (situation === 'customer') return `${customerSince(input, now)}: tell them what is new`;
      if (situation === 'hot') return `${sinceText('hot', input.temperatureSince, now)}: ${lastRead(e, now)}`;
      return activityText(e, now);
    case 'appreciate':
      if (situation === 'customer') return customerSince(input, now);
      return `${sinceText(situation, input.temperatureSince, now)}; ${activityText(e, now)}`;
    case 're_engage':
      return `${sinceText('cool', input.cooledAt ?? input.temperatureSince, now)}; ${lastEngaged(e, now)}`;
    case 'let_go':
      return letGoReason(input, now);
    case 'follow_up':
      return followUpReason(input, now);
    case 'one_to_one':
      return input.lead.optedOut ? 'opted out of marketing: one-to-one contact only' : activityText(e, now);
    case 'hold':
      return `${input.temperature} lead, status ${input.lead.status}`;
  }
}

function contactReason(input: PlaybookInput, now: Date): string {
  const parts = [sinceText('hot', input.temperatureSince ?? input.sla?.startedAt ?? null, now)];
  const sla = input.sla;
  if (sla?.state === 'running' && sla.msLeft !== null) {
    parts.push(`first touch due by ${time(sla.dueAt, now)} (${duration(sla.msLeft)} left)`);
  } else if (sla?.state === 'breached' && sla.msLeft !== null) {
    parts.push(
      `no first touch yet: the deadline ${time(sla.dueAt, now)} passed ${duration(-sla.msLeft)} ago`,
    );
  } else if ((sla?.state === 'met' || sla?.state === 'late') && sla.elapsedMs !== null) {
    parts.push(
      `first touch ${duration(sla.elapsedMs)} after turning hot${sla.state === 'late' ? ' (late)' : ''}`,
    );
  }
  const pricing = pricingText(input.engagement.pricing, now);
  if (pricing) parts.push(pricing);
  const task = input.openTasks.find((t) => t.sla) ?? input.openTasks[0];
  if (task) {
    const due = task.dueAt ? ` due ${time(task.dueAt, now)}${task.dueAt < now ? ' (overdue)' : ''}` : '';
    parts.push(`open task "${task.title}"${due}`);
  }
  return parts.join('; ');
}

function letGoReason(input: PlaybookInput, now: Date): string {
  const days = input.coolPeriodDays;
  if (input.cooledAt === null) return `no engagement for the ${days}-day cool period`;
  const end = new Date(input.cooledAt.getTime() + days * DAY_MS);
  if (end > now) {
    const elapsed = Math.floor((now.getTime() - input.cooledAt.getTime()) / DAY_MS);
    return `cool for ${elapsed} of ${days} days: let go on ${day(end, now)} unless they re-engage`;
  }
  return `cooled on ${day(input.cooledAt, now)} and did not re-engage in the ${days}-day cool period (ended ${day(end, now)})`;
}

function followUpReason(input: PlaybookInput, now: Date): string {
  const change = input.lastStatusChange;
  const task = input.openTasks.find((t) => t.origin === 'follow_up');
  if (change === null || change.to !== 'lost') return 'lost after being hot: learn why';
  const due = new Date(change.at.getTime() + input.lostFollowUpDays * DAY_MS);
  const when =
    due > now
      ? `follow up on ${day(due, now)} to learn why`
      : `the follow-up was due on ${day(due, now)}: ask why`;
  const taskText = task
    ? `; open task "${task.title}"${task.dueAt ? ` due ${day(task.dueAt, now)}` : ''}`
    : '';
  return `lost on ${day(change.at, now)} after being hot${quoted(change.reason)}; ${when}${taskText}`;
}

function customerSince(input: PlaybookInput, now: Date): string {
  const change = input.lastStatusChange;
  if (change?.to !== 'customer') return 'a customer';
  const value =
    change.value !== null
      ? ` (won ${change.value.toLocaleString('en-GB')}${change.currency ? ` ${change.currency}` : ''})`
      : '';
  return `customer since ${day(change.at, now)}${value}`;
}

function sinceText(temperature: string, since: Date | null, now: Date): string {
  return since ? `${temperature} since ${time(since, now)}` : temperature;
}

function pricingText(pricing: Tally | null, now: Date): string | null {
  if (pricing === null) return null;
  if (pricing.last7 > 0) return `viewed the pricing page ${times(pricing.last7)} this week`;
  return `viewed the pricing page ${times(pricing.last30)} in the last 30 days, last on ${day(pricing.lastAt, now)}`;
}

/** The pages and assets the lead engaged with most, or null when there are none. */
function interests(e: EngagementSummary, now: Date): string | null {
  const parts: string[] = [];
  const page = e.pages[0];
  if (page) {
    const label = /pricing/i.test(page.url) ? 'the pricing page' : page.url;
    parts.push(
      page.last7 > 0
        ? `viewed ${label} ${times(page.last7)} this week`
        : `viewed ${label} ${times(page.last30)} in the last 30 days`,
    );
  }
  const asset = e.assets[0];
  if (asset) parts.push(`downloaded '${asset.asset}' on ${day(asset.lastAt, now)}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

function lastRead(e: EngagementSummary, now: Date): string {
  const asset = e.assets[0];
  return asset
    ? `downloaded '${asset.asset}' on ${day(asset.lastAt, now)}; send what is new since`
    : 'keep them up to date on new versions';
}

function lastEngaged(e: EngagementSummary, now: Date): string {
  return e.last === null ? 'no engagement in the last 30 days' : `last engaged ${lastEvent(e.last, now)}`;
}

function lastEvent(last: NonNullable<EngagementSummary['last']>, now: Date): string {
  return `on ${day(last.at, now)} (${last.type}${last.page ? ` ${last.page}` : ''})`;
}

/** How much the lead did recently, in one phrase. */
function activityText(e: EngagementSummary, now: Date): string {
  const total30 = e.types.reduce((sum, t) => sum + t.last30, 0);
  if (total30 === 0 || e.last === null) return 'no engagement in the last 30 days';
  const total7 = e.types.reduce((sum, t) => sum + t.last7, 0);
  const top = e.types[0];
  const most = top ? `, mostly ${top.type} (${top.last30})` : '';
  const week = total7 > 0 ? `${plural(total7, 'event')} this week, ` : '';
  return `${week}${plural(total30, 'event')} in the last 30 days${most}; last ${lastEvent(e.last, now)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const times = (n: number) => `${n}×`;
const quoted = (reason: string | null | undefined) => (reason ? ` (reason: "${reason}")` : '');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Nov", with the year when it is not the year of `now` (UTC). */
function day(at: Date, now: Date): string {
  const base = `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}`;
  return at.getUTCFullYear() === now.getUTCFullYear() ? base : `${base} ${at.getUTCFullYear()}`;
}

/** "09:14 UTC" on the day of `now`, else "12 Nov 09:14 UTC". */
function time(at: Date, now: Date): string {
  const hm = at.toISOString().slice(11, 16);
  return at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)
    ? `${hm} UTC`
    : `${day(at, now)} ${hm} UTC`;
}

/** "45 min", "3 h 5 min", "2 d 4 h". */
function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
