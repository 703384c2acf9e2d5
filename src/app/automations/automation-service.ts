import type { Principal } from '../../domain/access.js';
import {
  type Automation,
  type AutomationInput,
  namedUsers,
  validateAutomation,
} from '../../domain/desk/automation.js';
import { type FieldProblem, HearthError } from '../../domain/errors.js';
import type { AutomationRun, NewAutomation } from '../../store/automations.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';

// How the rule table names who wrote a rule.
const authorOf = (actor: Principal): string | null =>
  actor.userId ?? (actor.keyId === null ? null : `key:${actor.keyId}`);

/**
 * Checks a rule document (shape, condition, field values) and that every user it names exists
 * and is active; throws `invalid` naming each field at fault (`actions[1].owner: no user has id …`).
 */
async function checkInput(store: Store, body: unknown): Promise<AutomationInput> {
  const result = validateAutomation(body);
  if (!result.ok) throw HearthError.invalid(result.problems);
  const problems: FieldProblem[] = [];
  for (const { path, userId } of namedUsers(result.input)) {
    const user = await store.users.byId(userId);
    if (!user) problems.push({ path, message: `no user has id ${userId}` });
    else if (!user.active) problems.push({ path, message: `user ${userId} is not active` });
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return result.input;
}

function toNew(input: AutomationInput, actor: Principal): NewAutomation {
  return {
    name: input.name.trim(),
    enabled: input.enabled ?? true,
    ...(input.position !== undefined ? { position: input.position } : {}),
    trigger: input.trigger,
    where: input.where ?? null,
    actions: input.actions,
    by: authorOf(actor),
  };
}

async function audit(
  store: Store,
  actor: Principal,
  action: 'automation.create' | 'automation.update' | 'automation.delete',
  automation: Automation,
): Promise<void> {
  await store.audit.record({
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    action,
    entity: 'automation',
    entityId: automation.id,
    details: { name: automation.name, enabled: automation.enabled, trigger: automation.trigger.on },
  });
}

const notFound = (id: string) => new HearthError('not_found', `No automation has id ${id}`, { id });

/** Every rule, in the order they run. */
export async function listAutomations(ctx: AppContext): Promise<Automation[]> {
  return ctx.store.automations.list();
}

export async function getAutomation(ctx: AppContext, id: string): Promise<Automation> {
  const automation = await ctx.store.automations.byId(id);
  if (!automation) throw notFound(id);
  return automation;
}

/** Stores a new rule (validated; see `validateAutomation`); it runs for signals dispatched from now on. */
export async function createAutomation(
  ctx: AppContext,
  actor: Principal,
  body: unknown,
): Promise<Automation> {
  return ctx.store.transaction(async (store) => {
    const input = await checkInput(store, body);
    const automation = await store.automations.create(toNew(input, actor), ctx.clock());
    await audit(store, actor, 'automation.create', automation);
    return automation;
  });
}

/** Replaces a rule; its run history stays. */
export async function replaceAutomation(
  ctx: AppContext,
  actor: Principal,
  id: string,
  body: unknown,
): Promise<Automation> {
  return ctx.store.transaction(async (store) => {
    const input = await checkInput(store, body);
    const automation = await store.automations.replace(id, toNew(input, actor), ctx.clock());
    if (!automation) throw notFound(id);
    await audit(store, actor, 'automation.update', automation);
    return automation;
  });
}

/** Deletes a rule and its run history (the audit log keeps the deletion). */
export async function deleteAutomation(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const automation = await store.automations.remove(id);
    if (!automation) throw notFound(id);
    await audit(store, actor, 'automation.delete', automation);
  });
}

/** A rule's runs, newest first: what it did, skipped (and why) or failed, per signal. */
export async function automationRuns(
  ctx: AppContext,
  id: string,
  page: { limit: number; before?: number },
): Promise<{ runs: AutomationRun[]; next: number | null }> {
  await getAutomation(ctx, id);
  const runs = await ctx.store.automations.runsOf(id, page.limit, page.before);
  return { runs, next: runs.length === page.limit ? (runs.at(-1)?.id ?? null) : null };
}
