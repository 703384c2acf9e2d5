import {
  type Automation,
  automationActor,
  matchesTrigger,
  type OwnerChoice,
  type PlannedAction,
  planActions,
  RUN_WINDOW_MS,
  TRIGGER_SIGNALS,
} from '../../domain/desk/automation.js';
import { nextInRotation } from '../../domain/desk/routing.js';
import type { Signal } from '../../domain/desk/signal.js';
import { changedLeadFields, type Lead } from '../../domain/lead.js';
import type { Store } from '../../store/store.js';
import { handOverOpenTasks } from '../desk/lead-changes.js';
import { taskCreated } from '../desk/signals.js';
import { rescoreAfterEdit } from '../scoring/scoring-service.js';

const TRIGGER_TYPES: ReadonlySet<string> = new Set(Object.values(TRIGGER_SIGNALS));

// What a rep sees on a task an automation made for a lead who opted out of marketing (SPEC §6).
export const OPTED_OUT_NOTE = 'This lead opted out of marketing: contact them only about their own request.';

/**
 * The automations' signal consumer (docs/automations.md). Runs inside the dispatcher's
 * transaction, after the playbook: for each signal and each enabled rule whose trigger it
 * matches, claims the run (a row unique per rule and signal) and carries out the rule's actions
 * in that same transaction. The signal is marked dispatched by the same commit, so a rule runs
 * exactly once per signal: a crash before the commit undoes the actions and the claim together,
 * and the next pass (on any instance) runs them again; a second claim inserts nothing.
 */
export async function runAutomations(store: Store, signals: readonly Signal[], now: Date): Promise<void> {
  const relevant = signals.filter((s) => s.leadId !== null && TRIGGER_TYPES.has(s.type));
  if (relevant.length === 0) return;
  const rules = await store.automations.enabled();
  if (rules.length === 0) return;
  for (const signal of relevant) {
    for (const rule of rules) {
      if (matchesTrigger(rule, signal)) await runRule(store, rule, signal, now);
    }
  }
}

async function runRule(store: Store, rule: Automation, signal: Signal, now: Date): Promise<void> {
  const leadId = signal.leadId as string;
  const lead = (await store.scoring.lockForScoring([leadId])).get(leadId)?.lead;
  const claim = (id: string | null) =>
    store.automations.claimRun({
      automationId: rule.id,
      signalId: signal.id,
      signalType: signal.type,
      leadId: id,
      at: now,
    });
  if (!lead) {
    // Erased since the signal was written: nothing to act on (the run row cannot name it).
    const runId = await claim(null);
    if (runId !== undefined) {
      await store.automations.finishRun(runId, 'skipped', { reason: 'lead_gone', leadId });
    }
    return;
  }
  const taskId = signal.type === 'task.overdue' ? signal.payload.taskId : undefined;
  const plan = planActions(rule, signal, lead, now, {
    recentRuns: await store.automations.doneRunsSince(
      rule.id,
      lead.id,
      new Date(now.getTime() - RUN_WINDOW_MS),
    ),
    taskCreatedBy: typeof taskId === 'string' ? ((await store.tasks.byId(taskId))?.createdBy ?? null) : null,
  });
  // A lead the where condition leaves out is not a match: no run row (a rule narrowed to a few
  // leads would otherwise write one for every signal of every other lead).
  if (!plan.run && plan.reason === 'condition_not_met') return;
  const runId = await claim(lead.id);
  if (runId === undefined) return;
  if (!plan.run) {
    await store.automations.finishRun(runId, 'skipped', {
      reason: plan.reason,
      message: plan.message,
      optedOut: lead.optedOut,
    });
    return;
  }
  const owners = await resolveOwners(store, plan.actions);
  if (!owners.ok) {
    await store.automations.finishRun(runId, 'failed', {
      reason: 'owner_unavailable',
      message: owners.message,
      optedOut: lead.optedOut,
    });
    return;
  }
  const results = await execute(store, rule, lead, plan.actions, owners.roundRobin, now);
  await store.automations.finishRun(runId, 'done', { actions: results, optedOut: lead.optedOut });
}

/**
 * Checks before anything is written that every named owner is an active user and that a
 * round-robin has someone to pick, so that a run does all its actions or none. One rep is
 * picked per run: `assign` and `create_task` on round_robin in one rule go to the same person.
 */
async function resolveOwners(
  store: Store,
  actions: readonly PlannedAction[],
): Promise<{ ok: true; roundRobin: string | null } | { ok: false; message: string }> {
  const choices = actions.flatMap((a): OwnerChoice[] =>
    a.type === 'create_task' || a.type === 'assign' ? [a.owner] : [],
  );
  if (choices.every((c) => c.by === 'lead_owner')) return { ok: true, roundRobin: null };
  const users = await store.users.list();
  for (const choice of choices) {
    if (choice.by !== 'user') continue;
    const user = users.find((u) => u.id === choice.userId);
    if (!user?.active) return { ok: false, message: `user ${choice.userId} is not an active user` };
  }
  if (!choices.some((c) => c.by === 'round_robin')) return { ok: true, roundRobin: null };
  const reps = users.filter((u) => u.active && u.role === 'rep').map((u) => u.id);
  const next = nextInRotation(reps, await store.desk.lockRotation());
  if (next === undefined) return { ok: false, message: 'round_robin: there are no active reps' };
  await store.desk.setRotation(next);
  return { ok: true, roundRobin: next };
}

async function execute(
  store: Store,
  rule: Automation,
  initial: Lead,
  actions: readonly PlannedAction[],
  roundRobin: string | null,
  now: Date,
): Promise<Record<string, unknown>[]> {
  let lead = initial;
  const ownerOf = (choice: OwnerChoice): string | null =>
    choice.by === 'lead_owner' ? lead.ownerId : choice.by === 'round_robin' ? roundRobin : choice.userId;
  const results: Record<string, unknown>[] = [];
  for (const action of actions) {
    switch (action.type) {
      case 'create_task': {
        const task = await store.tasks.create(
          {
            leadId: lead.id,
            kind: action.kind,
            title: action.title,
            notes: action.optedOut ? OPTED_OUT_NOTE : null,
            ownerId: ownerOf(action.owner),
            dueAt: action.dueAt,
            origin: 'automation',
            createdBy: automationActor(rule.id),
          },
          now,
        );
        await store.signals.emit([taskCreated(task)], now);
        results.push({
          type: action.type,
          taskId: task.id,
          ownerId: task.ownerId,
          optedOut: action.optedOut,
        });
        break;
      }
      case 'assign': {
        const ownerId = ownerOf(action.owner);
        const previous = lead.ownerId;
        if (ownerId !== previous) {
          lead = (await store.leads.update(lead.id, { ownerId }, now)) ?? lead;
          await handOverOpenTasks(store, lead.id, previous, ownerId, now);
          await store.audit.record({
            action: 'lead.assign',
            entity: 'lead',
            entityId: lead.id,
            details: { ownerId, previousOwnerId: previous, by: automationActor(rule.id) },
          });
        }
        results.push({
          type: action.type,
          ownerId,
          changed: ownerId !== previous,
          optedOut: action.optedOut,
        });
        break;
      }
      case 'notify':
        await store.signals.emit([action.signal], now);
        results.push({
          type: action.type,
          webhookId: action.signal.payload.webhookId ?? null,
          optedOut: action.optedOut,
        });
        break;
      case 'set_field': {
        const changed = changedLeadFields(lead, action.fields);
        if (changed.length > 0) {
          const before = lead;
          lead = (await store.leads.update(lead.id, action.fields, now)) ?? lead;
          // A field may move fit and so the temperature: scores follow, with a transition.
          await rescoreAfterEdit(store, before, lead, now);
          await store.audit.record({
            action: 'lead.update',
            entity: 'lead',
            entityId: lead.id,
            details: { fields: changed, by: automationActor(rule.id) },
          });
        }
        results.push({
          type: action.type,
          field: action.field,
          changed: changed.length > 0,
          optedOut: action.optedOut,
        });
        break;
      }
    }
  }
  return results;
}
