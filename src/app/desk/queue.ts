import { canSeeLead, type Principal, visibleTo } from '../../domain/access.js';
import { endOfLocalDay } from '../../domain/desk/local-time.js';
import {
  compareQueueCards,
  firstDue,
  QUEUE_SECTIONS,
  type QueueSection,
  queueSection,
} from '../../domain/desk/queue.js';
import { type SlaView, slaView } from '../../domain/desk/speed-to-lead.js';
import type { Task } from '../../domain/desk/task.js';
import type { AppContext } from '../context.js';
import { type ScoredLead, withScores } from '../scoring/scoring-service.js';

/** One lead on the queue, with its open tasks grouped on it. */
export interface QueueCard {
  readonly section: QueueSection;
  readonly lead: ScoredLead;
  /** Its latest speed-to-lead clock; null without one. */
  readonly sla: SlaView | null;
  /** When it turned hot; null when it is not hot now. */
  readonly hotSince: Date | null;
  /** Its open tasks the viewer may work on, soonest due first (unscheduled last). */
  readonly tasks: Task[];
}

export interface HotQueue {
  readonly now: Date;
  /** The end of the viewer's day: tasks due before it are due today. */
  readonly endOfDay: Date;
  readonly timeZone: string;
  /** Cards per section, before `limit` cuts each section. */
  readonly counts: Readonly<Record<QueueSection, number>>;
  /** True when the scan stopped at its bound: counts are then lower bounds (docs/lead-desk.md). */
  readonly truncated: boolean;
  /** The sections in order (now, overdue, due today, later), each at most `limit` cards. */
  readonly cards: QueueCard[];
}

// How much one queue read looks at: every hot lead and open task a rep or a team works through in
// a day fits far below these; beyond them the queue stays fast and says that it is partial.
const HOT_SCAN = 500;
const TASK_SCAN = 2000;

/**
 * The hot queue as a triage list (SPEC §2 Live work), one card per lead: *now* (hot, open, the
 * speed-to-lead clock runs), *overdue*, *due today* (before the end of the viewer's day in
 * `timeZone`), *later*. A rep sees their own and unassigned leads and tasks.
 */
export async function hotQueue(
  ctx: AppContext,
  actor: Principal,
  options: { readonly limit: number; readonly timeZone: string },
): Promise<HotQueue> {
  const { store } = ctx;
  const now = ctx.clock();
  const endOfDay = endOfLocalDay(now, options.timeZone);
  const scope = visibleTo(actor);
  const hotRows = await store.desk.hotQueue(scope, HOT_SCAN);
  const scanned = await store.tasks.list({
    state: 'open',
    now,
    ...(scope !== undefined ? { visibleTo: scope } : {}),
    limit: TASK_SCAN,
  });
  const hotSince = new Map(hotRows.map((r) => [r.lead.id, r.hotSince]));
  const otherIds = [...new Set(scanned.map((t) => t.leadId))].filter((id) => !hotSince.has(id));
  // A task can outlive its owner's sight of the lead (a third party's task on a lead that moved to
  // another rep): the card shows only leads the viewer may see.
  const leads = [...hotRows.map((r) => r.lead), ...(await store.leads.byIds(otherIds))].filter((l) =>
    canSeeLead(actor, l),
  );
  const ids = leads.map((l) => l.id);
  const [scored, timers, open] = [
    await withScores(store, leads, now),
    await store.desk.latestTimers(ids),
    await store.tasks.openOf(ids),
  ];
  // As assertTaskWritable: a rep works their own tasks and the unassigned ones of leads they see
  // (every lead left on the list is one they see).
  const mayWork = (t: Task) => scope === undefined || t.ownerId === null || t.ownerId === scope;

  const cards: QueueCard[] = [];
  for (const lead of scored) {
    const timer = timers.get(lead.id);
    const sla = timer ? slaView(timer, now) : null;
    const tasks = open.filter((t) => t.leadId === lead.id && mayWork(t)).sort(byDue);
    const section = queueSection(
      { status: lead.status, temperature: lead.temperature, sla, tasks },
      now,
      endOfDay,
    );
    if (section === null) continue;
    const hot = lead.temperature === 'hot' ? (hotSince.get(lead.id) ?? timer?.startedAt ?? null) : null;
    cards.push({ section, lead, sla, hotSince: hot, tasks });
  }
  const key = (c: QueueCard) => ({
    section: c.section,
    sla: c.sla,
    firstDueAt: firstDue(c.tasks),
    hotSince: c.hotSince,
    leadId: c.lead.id,
  });
  cards.sort((a, b) => compareQueueCards(key(a), key(b)));
  const counts = Object.fromEntries(
    QUEUE_SECTIONS.map((s) => [s, cards.filter((c) => c.section === s).length]),
  ) as Record<QueueSection, number>;
  return {
    now,
    endOfDay,
    timeZone: options.timeZone,
    counts,
    truncated: hotRows.length === HOT_SCAN || scanned.length === TASK_SCAN,
    cards: QUEUE_SECTIONS.flatMap((s) => cards.filter((c) => c.section === s).slice(0, options.limit)),
  };
}

const FAR = Number.POSITIVE_INFINITY;
function byDue(a: Task, b: Task): number {
  return (a.dueAt?.getTime() ?? FAR) - (b.dueAt?.getTime() ?? FAR) || (a.id < b.id ? -1 : 1);
}
