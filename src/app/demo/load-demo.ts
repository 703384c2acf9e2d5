import type { Principal } from '../../domain/access.js';
import { decideOutcome } from '../../domain/demo/outcome.js';
import {
  DEFAULT_DEMO_DAYS,
  type DemoEvent,
  type DemoLead,
  type DemoOptions,
  type DemoPlan,
  generateDemoPlan,
} from '../../domain/demo/plan.js';
import { HearthError } from '../../domain/errors.js';
import type { Temperature } from '../../domain/scoring/model.js';
import { createUser } from '../access/access-service.js';
import type { AppContext } from '../context.js';
import { runDeskWork } from '../desk/desk-work.js';
import { recordOutcome } from '../desk/outcomes.js';
import { ingestEvents } from '../events/ingest.js';
import { upsertLead } from '../leads/lead-service.js';
import { runDueWork } from '../scoring/due-work.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The demo users' password: printed by `hearth demo`; a demo installation is not a secure one. */
export const DEMO_PASSWORD = 'hearth-demo';

const STARTED_KEY = 'demo.started';
const PROGRESS_KEY = 'demo.progress';
const LOADED_KEY = 'demo.loaded';

// Events that can turn a lead hot are ingested at their own instant, so that the speed-to-lead
// clock they start (from when Hearth learned of the event) carries their true time; the rest are
// ingested at the end of their hour (their transitions carry their own time either way). A call needs no stop of its own: it stops a clock at its own
// `occurredAt`, and the desk looks for calls made before it handed the lead over.
const SHARP_EVENTS = new Set(['form_submit', 'demo_request', 'trial_start']);

const hourEnd = (ms: number) => Math.ceil(ms / HOUR) * HOUR;

interface StoredOptions {
  readonly seed: number;
  readonly leads: number;
  readonly start: string;
  readonly end: string;
}

export interface DemoSummary {
  /** True when an earlier run had completed: nothing was done. */
  readonly alreadyLoaded: boolean;
  readonly seed: number;
  readonly leads: number;
  readonly start: Date;
  readonly end: Date;
  readonly users: readonly { email: string; role: string }[];
  /** Events stored by this run, and planned in all. */
  readonly eventsStored: number;
  readonly eventsPlanned: number;
}

export interface DemoProgress {
  /** Simulated time loaded so far, and in all (ms). */
  readonly done: number;
  readonly total: number;
}

/**
 * Loads the demo data set through the real services under a simulated clock that walks from
 * `start` to now (default: the 120 days before now): users, leads on their creation day,
 * events hour by hour, the desk's routing, tasks and timers, decay at its instants, and outcomes
 * decided by each lead's temperature. Records its options first and its progress each simulated
 * day, so a run that stopped half-way is resumed by the next one; a completed load is never
 * repeated. Refuses a database that already holds other leads.
 */
export async function loadDemo(
  ctx: AppContext,
  actor: Principal,
  request: { seed: number; leads: number; days?: number },
  onProgress: (progress: DemoProgress) => void = () => {},
): Promise<DemoSummary> {
  const loaded = await ctx.store.settings.get<StoredOptions>(LOADED_KEY);
  if (loaded) return summaryOf(true, loaded, generateDemoPlan(optionsOf(loaded)), 0);
  const end = ctx.clock();
  const wanted: StoredOptions = {
    seed: request.seed,
    leads: request.leads,
    start: new Date(end.getTime() - (request.days ?? DEFAULT_DEMO_DAYS) * DAY).toISOString(),
    end: end.toISOString(),
  };
  let stored = await ctx.store.settings.get<StoredOptions>(STARTED_KEY);
  if (!stored) {
    const leads = await ctx.store.leads.count();
    if (leads > 0) {
      throw new HearthError(
        'conflict',
        `This database holds ${leads} leads already; the demo loads only into an installation without leads`,
      );
    }
    await ctx.store.settings.putIfAbsent(STARTED_KEY, wanted);
    stored = (await ctx.store.settings.get<StoredOptions>(STARTED_KEY)) as StoredOptions;
  }
  const plan = generateDemoPlan(optionsOf(stored));
  const progress = await ctx.store.settings.get<{ through: string }>(PROGRESS_KEY);
  const eventsStored = await simulate(ctx, actor, plan, optionsOf(stored), progress, onProgress);
  await ctx.store.settings.putIfAbsent(LOADED_KEY, { ...stored, completedAt: ctx.clock().toISOString() });
  return summaryOf(false, stored, plan, eventsStored);
}

function optionsOf(stored: StoredOptions): DemoOptions {
  return { seed: stored.seed, leads: stored.leads, start: new Date(stored.start), end: new Date(stored.end) };
}

function summaryOf(
  alreadyLoaded: boolean,
  stored: StoredOptions,
  plan: DemoPlan,
  eventsStored: number,
): DemoSummary {
  return {
    alreadyLoaded,
    seed: stored.seed,
    leads: stored.leads,
    start: new Date(stored.start),
    end: new Date(stored.end),
    users: plan.users.map((u) => ({ email: u.email, role: u.role })),
    eventsStored,
    eventsPlanned: plan.events.length,
  };
}

/** The instants the simulated clock stops at, in order. */
function stepsOf(plan: DemoPlan, options: DemoOptions): number[] {
  const startMs = options.start.getTime();
  const endMs = options.end.getTime();
  const steps = new Set<number>();
  for (const event of plan.events) {
    const at = event.occurredAt.getTime();
    steps.add(Math.min(endMs, hourEnd(at)));
    if (SHARP_EVENTS.has(event.type)) steps.add(at);
  }
  for (const lead of plan.leads)
    if (lead.decision) steps.add(Math.min(endMs, hourEnd(lead.decision.at.getTime())));
  for (let day = Math.ceil(startMs / DAY) * DAY; day < endMs; day += DAY) steps.add(day);
  steps.add(endMs);
  return [...steps].sort((a, b) => a - b);
}

async function simulate(
  ctx: AppContext,
  actor: Principal,
  plan: DemoPlan,
  options: DemoOptions,
  progress: { through: string } | undefined,
  onProgress: (progress: DemoProgress) => void,
): Promise<number> {
  let simNow = options.start.getTime();
  const sim: AppContext = { ...ctx, clock: () => new Date(simNow) };
  const resumeAfter = progress ? new Date(progress.through).getTime() : Number.NEGATIVE_INFINITY;
  const users = await ensureUsers(sim, actor, plan);
  const decisions = plan.leads
    .flatMap((lead) => (lead.decision ? [{ lead, at: lead.decision.at.getTime() }] : []))
    .sort((a, b) => a.at - b.at);
  const batchSize = Math.min(1000, ctx.limits.maxBatchSize);
  let nextLead = 0;
  let nextEvent = 0;
  let nextDecision = 0;
  let stored = 0;
  const total = options.end.getTime() - options.start.getTime();

  for (const step of stepsOf(plan, options)) {
    if (step <= resumeAfter) {
      // Done by an earlier run: only move past what it stored.
      while (
        nextEvent < plan.events.length &&
        (plan.events[nextEvent] as DemoEvent).occurredAt.getTime() <= step
      )
        nextEvent++;
      while (nextDecision < decisions.length && (decisions[nextDecision] as { at: number }).at <= step)
        nextDecision++;
      continue;
    }
    simNow = step;
    while (nextLead < plan.leads.length && (plan.leads[nextLead] as DemoLead).createdAt.getTime() <= step) {
      await createLead(sim, actor, plan.leads[nextLead] as DemoLead);
      nextLead++;
    }
    const due: DemoEvent[] = [];
    while (
      nextEvent < plan.events.length &&
      (plan.events[nextEvent] as DemoEvent).occurredAt.getTime() <= step
    ) {
      due.push(plan.events[nextEvent] as DemoEvent);
      nextEvent++;
    }
    for (let i = 0; i < due.length; i += batchSize) {
      const summary = await ingestEvents(
        sim,
        due.slice(i, i + batchSize).map((e) => ({
          id: e.id,
          email: e.email,
          type: e.type,
          occurredAt: e.occurredAt.toISOString(),
          properties: e.properties,
        })),
      );
      if (summary.rejected > 0) {
        const problem = summary.results.find((r) => r.status === 'rejected')?.problems?.[0];
        throw new Error(`demo event rejected: ${problem?.path} ${problem?.message}`);
      }
      stored += summary.stored;
    }
    // The rest happens at hour ends: outcomes decided within the hour, then the desk's reactions.
    if (step % HOUR !== 0 && step !== options.end.getTime()) continue;
    const deciding: DemoLead[] = [];
    while (nextDecision < decisions.length && (decisions[nextDecision] as { at: number }).at <= step) {
      deciding.push((decisions[nextDecision] as { lead: DemoLead }).lead);
      nextDecision++;
    }
    const dayEnd = step % DAY === 0 || step === options.end.getTime();
    // Decay transitions at their instants, before anything reads a temperature.
    if (dayEnd || deciding.length > 0) await runDueWork(sim);
    for (const lead of deciding) await decide(sim, lead, users);
    await runDeskWork(sim);
    if (dayEnd) {
      await ctx.store.settings.put(PROGRESS_KEY, { through: new Date(step).toISOString() });
      onProgress({ done: step - options.start.getTime(), total });
    }
  }
  return stored;
}

interface DemoUsers {
  readonly manager: Principal;
  readonly byId: ReadonlyMap<string, Principal>;
}

async function ensureUsers(sim: AppContext, actor: Principal, plan: DemoPlan): Promise<DemoUsers> {
  const byId = new Map<string, Principal>();
  let manager: Principal | undefined;
  for (const user of plan.users) {
    const existing = await sim.store.users.byEmail(user.email);
    const created =
      existing ??
      (await createUser(sim, actor, {
        email: user.email,
        name: user.name,
        role: user.role,
        password: DEMO_PASSWORD,
      }));
    const principal: Principal = { role: created.role, userId: created.id, keyId: null };
    byId.set(created.id, principal);
    if (user.role === 'manager') manager = principal;
  }
  return { manager: manager as Principal, byId };
}

async function createLead(sim: AppContext, actor: Principal, lead: DemoLead): Promise<void> {
  await upsertLead(sim, actor, {
    email: lead.email,
    name: lead.name,
    phone: lead.phone,
    company: lead.company,
    jobTitle: lead.jobTitle,
    industry: lead.industry,
    companySize: lead.companySize,
    country: lead.country,
    source: lead.source,
    attributes: lead.attributes,
    createdAt: lead.createdAt.toISOString(),
  });
}

/**
 * The lead's fate at its decision, from its temperature just before (the last transition before
 * the decision, as analytics reads it) and whether it was ever hot; recorded by its owner, else the manager.
 */
async function decide(sim: AppContext, planned: DemoLead, users: DemoUsers): Promise<void> {
  const lead = await sim.store.leads.byEmail(planned.email);
  if (lead?.status !== 'open' || !planned.decision) return;
  const at = planned.decision.at;
  const transitions = await sim.store.scoring.transitionsOf(lead.id);
  const before = transitions
    .filter((t) => t.at.getTime() < at.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const temperature: Temperature = before.at(-1)?.to ?? 'cold';
  const wasHot = before.some((t) => t.to === 'hot');
  const outcome = decideOutcome(temperature, wasHot, planned.decision);
  if (outcome === null) return;
  const actor = (lead.ownerId !== null ? users.byId.get(lead.ownerId) : undefined) ?? users.manager;
  await recordOutcome(
    sim,
    actor,
    lead.id,
    outcome.status === 'customer'
      ? { status: 'customer', at: at.toISOString(), value: outcome.value, currency: 'EUR' }
      : { status: 'lost', at: at.toISOString(), reason: outcome.reason },
  );
}
