import { type Principal, visibleTo } from '../../domain/access.js';
import { type SlaView, slaView } from '../../domain/desk/speed-to-lead.js';
import { DUE_SOON_MS, type Task, taskState } from '../../domain/desk/task.js';
import type { AppContext } from '../context.js';
import { type ScoredLead, withScores } from '../scoring/scoring-service.js';

export type QueueItem =
  | {
      readonly kind: 'lead';
      /** Since the lead turned hot. */
      readonly waitingSince: Date;
      readonly lead: ScoredLead;
      readonly sla: SlaView | null;
      /** Its open tasks (the "contact now" task among them). */
      readonly tasks: Task[];
    }
  | {
      readonly kind: 'task';
      /** The task's due time. */
      readonly waitingSince: Date;
      readonly task: Task;
      readonly state: 'due' | 'overdue';
      readonly lead: ScoredLead;
    };

/**
 * The hot queue (SPEC §3 `GET /queue`): open hot leads and tasks due within the hour or overdue,
 * longest waiting first, each hot lead with its speed-to-lead state and time left. A rep sees
 * their own and the unassigned ones.
 */
export async function hotQueue(ctx: AppContext, actor: Principal, limit: number): Promise<QueueItem[]> {
  const { store } = ctx;
  const now = ctx.clock();
  const scope = visibleTo(actor);
  const hotRows = await store.desk.hotQueue(scope, limit);
  const hot = hotRows.map((row) => row.lead);
  const due = await store.tasks.list({
    state: 'due',
    now,
    dueBy: new Date(now.getTime() + DUE_SOON_MS),
    ...(scope !== undefined ? { visibleTo: scope } : {}),
    limit,
  });
  const hotIds = new Set(hot.map((l) => l.id));
  const loneTasks = due.filter((t) => !hotIds.has(t.leadId));
  const taskLeadIds = [...new Set(loneTasks.map((t) => t.leadId))].filter((id) => !hotIds.has(id));
  const taskLeads = await store.leads.byIds(taskLeadIds);
  const scored = new Map((await withScores(store, [...hot, ...taskLeads], now)).map((l) => [l.id, l]));
  const timers = await store.desk.latestTimers([...hotIds]);
  const openTasks = await store.tasks.openOf([...hotIds]);

  const items: QueueItem[] = [];
  for (const { lead, hotSince } of hotRows) {
    const timer = timers.get(lead.id);
    items.push({
      kind: 'lead',
      waitingSince: timer?.startedAt ?? hotSince,
      lead: scored.get(lead.id) as ScoredLead,
      sla: timer ? slaView(timer, now) : null,
      tasks: openTasks.filter((t) => t.leadId === lead.id),
    });
  }
  for (const task of loneTasks) {
    const lead = scored.get(task.leadId);
    if (!lead || task.dueAt === null) continue;
    const state = taskState(task, now);
    items.push({
      kind: 'task',
      waitingSince: task.dueAt,
      task,
      state: state === 'overdue' ? 'overdue' : 'due',
      lead,
    });
  }
  return items.sort((a, b) => a.waitingSince.getTime() - b.waitingSince.getTime()).slice(0, limit);
}
