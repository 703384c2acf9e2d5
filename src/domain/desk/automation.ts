import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { FieldProblem } from '../errors.js';
import { LEAD_STATUSES, type Lead, type LeadFields } from '../lead.js';
import { type SchemaError, schemaProblems } from '../schema-problems.js';
import { checkLeadPath, leadReader } from '../scoring/compiled-model.js';
import { type CompiledCondition, compileCondition } from '../scoring/condition.js';
import type { Condition } from '../scoring/model.js';
import { TEMPERATURES } from '../scoring/model.js';
import { ConditionSchema } from '../scoring/model-schema.js';
import type { NewSignal, Signal, SignalType } from './signal.js';
import { TASK_KINDS } from './task.js';

/**
 * Automations (SPEC §2 Playbook): configurable rules "when this happens to a lead, do that".
 * A rule names a trigger (a kind of signal, narrowed by from/to), an optional condition on the
 * lead (the scoring model's condition language, docs/scoring.md) and a list of actions run in
 * order. Every planned action carries the lead's `optedOut` flag (SPEC §6: opted-out leads are
 * flagged to every automation): the rule's owner decides what to do with it, typically a `where`
 * of `{ "optedOut": { "equals": false } }` on marketing rules.
 */

// ---------------------------------------------------------------------------------------------
// The document

/** Trigger names and the signal each listens to. */
export const TRIGGER_SIGNALS = {
  temperature_changed: 'lead.temperature_changed',
  status_changed: 'lead.status_changed',
  sla_breached: 'sla.breached',
  task_overdue: 'task.overdue',
} as const satisfies Record<string, SignalType>;
export type TriggerName = keyof typeof TRIGGER_SIGNALS;
export const TRIGGER_NAMES = Object.keys(TRIGGER_SIGNALS) as TriggerName[];

export const ACTION_TYPES = ['create_task', 'assign', 'notify', 'set_field'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Fields `set_field` may write besides `attributes.<key>`. Status belongs to outcomes, owner to `assign`. */
export const SETTABLE_FIELDS = [
  'name',
  'phone',
  'company',
  'jobTitle',
  'industry',
  'companySize',
  'country',
  'source',
  'optedOut',
] as const;
type SettableField = (typeof SETTABLE_FIELDS)[number];

// Enough for any sensible rule; a longer list is better split into rules.
export const MAX_ACTIONS = 20;

const strict = { additionalProperties: false } as const;

const TRIGGER_SCHEMAS = {
  temperature_changed: Type.Object(
    {
      on: Type.Literal('temperature_changed'),
      from: Type.Optional(Type.Enum(TEMPERATURES, { description: 'Only changes from this temperature.' })),
      to: Type.Optional(Type.Enum(TEMPERATURES, { description: 'Only changes to this temperature.' })),
    },
    strict,
  ),
  status_changed: Type.Object(
    {
      on: Type.Literal('status_changed'),
      to: Type.Optional(Type.Enum(LEAD_STATUSES, { description: 'Only changes to this status.' })),
    },
    strict,
  ),
  sla_breached: Type.Object({ on: Type.Literal('sla_breached') }, strict),
  task_overdue: Type.Object({ on: Type.Literal('task_overdue') }, strict),
} satisfies Record<TriggerName, TSchema>;

const Owner = (choices: string) =>
  Type.String({ minLength: 1, maxLength: 100, description: `${choices}, or a user id.` });

const ACTION_SCHEMAS = {
  create_task: Type.Object(
    {
      type: Type.Literal('create_task'),
      kind: Type.Enum(TASK_KINDS),
      title: Type.String({ minLength: 1, maxLength: 200 }),
      dueInMinutes: Type.Integer({
        minimum: 0,
        maximum: 525_600,
        description: 'Due this many minutes after the rule runs (at most a year).',
      }),
      owner: Owner('`lead_owner` (the owner when the action runs; none leaves it unassigned), `round_robin`'),
    },
    strict,
  ),
  assign: Type.Object(
    { type: Type.Literal('assign'), to: Owner('`round_robin` (the next active rep)') },
    strict,
  ),
  notify: Type.Object(
    {
      type: Type.Literal('notify'),
      webhookId: Type.Optional(
        Type.String({
          format: 'uuid',
          description: 'Only this webhook subscription; all subscribers when absent.',
        }),
      ),
    },
    strict,
  ),
  set_field: Type.Object(
    {
      type: Type.Literal('set_field'),
      field: Type.String({
        minLength: 1,
        maxLength: 200,
        description: `One of ${SETTABLE_FIELDS.join(', ')}, or attributes.<key>.`,
      }),
      value: Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()], {
        description: 'null clears the field (removes the attribute).',
      }),
    },
    strict,
  ),
} satisfies Record<ActionType, TSchema>;

/** The documented shape of a trigger and an action (for OpenAPI); checks go branch by branch. */
export const TriggerSchema = Type.Union([
  TRIGGER_SCHEMAS.temperature_changed,
  TRIGGER_SCHEMAS.status_changed,
  TRIGGER_SCHEMAS.sla_breached,
  TRIGGER_SCHEMAS.task_overdue,
]);
export const ActionSchema = Type.Union([
  ACTION_SCHEMAS.create_task,
  ACTION_SCHEMAS.assign,
  ACTION_SCHEMAS.notify,
  ACTION_SCHEMAS.set_field,
]);

export type Trigger = Static<(typeof TRIGGER_SCHEMAS)[TriggerName]>;
export type Action = Static<(typeof ACTION_SCHEMAS)[ActionType]>;

/** What a client sends to create or replace a rule. */
export interface AutomationInput {
  readonly name: string;
  readonly enabled?: boolean;
  /** Rules run in ascending position; a new rule goes last. */
  readonly position?: number;
  readonly trigger: Trigger;
  readonly where?: Condition;
  readonly actions: readonly Action[];
}

/** A stored rule. */
export interface Automation {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly position: number;
  readonly trigger: Trigger;
  readonly where: Condition | null;
  readonly actions: readonly Action[];
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly updatedBy: string | null;
  readonly updatedAt: Date;
}

// The outer shape, with each trigger and action checked only for its discriminant: the branch
// is then checked alone so that a problem is reported once, on its own field (a union would
// report every branch's complaint).
const Envelope = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    enabled: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    trigger: Type.Object({ on: Type.Enum(TRIGGER_NAMES) }),
    where: Type.Optional(ConditionSchema),
    actions: Type.Array(Type.Object({ type: Type.Enum(ACTION_TYPES) }), {
      minItems: 1,
      maxItems: MAX_ACTIONS,
    }),
  },
  strict,
);

const envelopeChecker = Compile(Envelope);
const triggerCheckers = Object.fromEntries(
  Object.entries(TRIGGER_SCHEMAS).map(([on, schema]) => [on, Compile(schema)]),
) as Record<TriggerName, ReturnType<typeof Compile>>;
const actionCheckers = Object.fromEntries(
  Object.entries(ACTION_SCHEMAS).map(([type, schema]) => [type, Compile(schema)]),
) as Record<ActionType, ReturnType<typeof Compile>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AutomationValidation =
  | { readonly ok: true; readonly input: AutomationInput }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * Checks a rule document and returns it typed, or every problem with its path (`trigger.to`,
 * `actions[1].owner`, `where.industry`). Whether named users exist is the caller's question
 * (`fixedUsers` lists them with their paths).
 *
 * @example
 * validateAutomation({ name: 'Hot → call', trigger: { on: 'temperature_changed', to: 'hot' },
 *   actions: [{ type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' }] })
 * // { ok: true, input: … }
 */
export function validateAutomation(doc: unknown): AutomationValidation {
  if (!envelopeChecker.Check(doc)) {
    return { ok: false, problems: schemaProblems([...envelopeChecker.Errors(doc)] as SchemaError[]) };
  }
  const input = doc as AutomationInput;
  const problems: FieldProblem[] = [];
  const branch = (checker: ReturnType<typeof Compile>, value: unknown, at: string) => {
    if (!checker.Check(value))
      problems.push(...schemaProblems([...checker.Errors(value)] as SchemaError[], at));
  };
  branch(triggerCheckers[input.trigger.on], input.trigger, 'trigger');
  input.actions.forEach((action, i) => {
    branch(actionCheckers[action.type], action, `actions[${i}]`);
  });
  if (problems.length > 0) return { ok: false, problems };

  const trigger = input.trigger;
  if (trigger.on === 'temperature_changed' && trigger.from !== undefined && trigger.from === trigger.to) {
    problems.push({ path: 'trigger.to', message: 'must differ from trigger.from (a change has two ends)' });
  }
  if (input.where !== undefined) compileWhere(input.where, problems);
  input.actions.forEach((action, i) => {
    checkAction(action, `actions[${i}]`, problems);
  });
  return problems.length === 0 ? { ok: true, input } : { ok: false, problems };
}

function compileWhere(where: Condition, problems: FieldProblem[]): CompiledCondition {
  // Time tests are allowed: the rule is evaluated when it runs, against the lead as it is then.
  return compileCondition(where, 'where', problems, { allowTime: true, checkPath: checkLeadPath });
}

function checkAction(action: Action, at: string, problems: FieldProblem[]): void {
  switch (action.type) {
    case 'create_task':
      if (!['lead_owner', 'round_robin'].includes(action.owner) && !UUID.test(action.owner)) {
        problems.push({ path: `${at}.owner`, message: 'must be lead_owner, round_robin or a user id' });
      }
      return;
    case 'assign':
      if (action.to !== 'round_robin' && !UUID.test(action.to)) {
        problems.push({ path: `${at}.to`, message: 'must be round_robin or a user id' });
      }
      return;
    case 'notify':
      return;
    case 'set_field': {
      const problem = checkFieldValue(action.field, action.value);
      if (problem) problems.push({ path: `${at}.${problem.on}`, message: problem.message });
      return;
    }
  }
}

function checkFieldValue(
  field: string,
  value: string | number | boolean | null,
): { on: 'field' | 'value'; message: string } | null {
  if (field.startsWith('attributes.')) {
    const key = field.slice('attributes.'.length);
    if (key === '' || key.includes('.') || key.length > 100) {
      return {
        on: 'field',
        message: 'name one attribute: attributes.<key> (no dots, at most 100 characters)',
      };
    }
    return null;
  }
  if (!(SETTABLE_FIELDS as readonly string[]).includes(field)) {
    const hint =
      field === 'status'
        ? ' (status changes are outcomes: POST /leads/{id}/outcome)'
        : field === 'ownerId'
          ? ' (use an assign action)'
          : '';
    return {
      on: 'field',
      message: `must be one of ${SETTABLE_FIELDS.join(', ')} or attributes.<key>${hint}`,
    };
  }
  switch (field as SettableField) {
    case 'companySize':
      return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0)
        ? null
        : { on: 'value', message: 'must be a whole number of employees or null' };
    case 'optedOut':
      return typeof value === 'boolean' ? null : { on: 'value', message: 'must be true or false' };
    default:
      return value === null || typeof value === 'string'
        ? null
        : { on: 'value', message: `must be text or null for ${field}` };
  }
}

/** The user ids a rule names (fixed owners), with where each appears: the caller checks they exist. */
export function namedUsers(input: Pick<AutomationInput, 'actions'>): { path: string; userId: string }[] {
  return input.actions.flatMap((action, i) => {
    if (action.type === 'create_task' && UUID.test(action.owner)) {
      return [{ path: `actions[${i}].owner`, userId: action.owner }];
    }
    if (action.type === 'assign' && UUID.test(action.to))
      return [{ path: `actions[${i}].to`, userId: action.to }];
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Running a rule

/**
 * Whether a signal is one the rule listens to.
 *
 * @example matchesTrigger(rule /* on temperature_changed to hot *\/, { type: 'lead.temperature_changed', payload: { from: 'warm', to: 'hot' }, … }) // true
 */
export function matchesTrigger(
  rule: Pick<Automation, 'trigger'>,
  signal: Pick<Signal, 'type' | 'payload'>,
): boolean {
  const trigger = rule.trigger;
  if (TRIGGER_SIGNALS[trigger.on] !== signal.type) return false;
  switch (trigger.on) {
    case 'temperature_changed':
      return (
        (trigger.from === undefined || signal.payload.from === trigger.from) &&
        (trigger.to === undefined || signal.payload.to === trigger.to)
      );
    case 'status_changed':
      return trigger.to === undefined || signal.payload.to === trigger.to;
    case 'sla_breached':
    case 'task_overdue':
      return true;
  }
}

/** Who gets a task or a lead: resolved when the action runs (the lead's owner may have just changed). */
export type OwnerChoice =
  | { readonly by: 'lead_owner' }
  | { readonly by: 'round_robin' }
  | { readonly by: 'user'; readonly userId: string };

/** An action ready to run. Each carries the lead's opted-out flag (SPEC §6). */
export type PlannedAction = { readonly optedOut: boolean } & (
  | {
      readonly type: 'create_task';
      readonly kind: (typeof TASK_KINDS)[number];
      readonly title: string;
      readonly dueAt: Date;
      readonly owner: OwnerChoice;
    }
  | { readonly type: 'assign'; readonly owner: Exclude<OwnerChoice, { by: 'lead_owner' }> }
  | { readonly type: 'notify'; readonly signal: NewSignal }
  | { readonly type: 'set_field'; readonly field: string; readonly fields: LeadFields }
);

export type SkipReason = 'condition_not_met' | 'own_task' | 'rate_limit';

export type Plan =
  | { readonly run: true; readonly actions: readonly PlannedAction[] }
  | { readonly run: false; readonly reason: SkipReason; readonly message: string };

/**
 * Loop guard: at most this many runs of one rule for one lead in any hour. A rule whose actions
 * cause its own trigger again (directly or through other rules: a task that goes overdue, a field
 * that changes the temperature back and forth) stops there instead of running forever.
 */
export const MAX_RUNS_PER_LEAD_PER_HOUR = 5;
export const RUN_WINDOW_MS = 60 * 60 * 1000;

/** What the runner knows besides the rule, the signal and the lead. */
export interface RunFacts {
  /** Done runs of this rule for this lead in the last RUN_WINDOW_MS. */
  readonly recentRuns: number;
  /** Who created the task a task signal is about (`automation:<id>` for a rule's tasks). */
  readonly taskCreatedBy?: string | null;
}

/** How a rule signs what it creates: the task's `createdBy`, the audit actor. */
export function automationActor(automationId: string): string {
  return `automation:${automationId}`;
}

const compiledWhere = new WeakMap<Condition, CompiledCondition>();

function whereHolds(where: Condition, lead: Lead, now: Date): boolean {
  let compiled = compiledWhere.get(where);
  if (!compiled) {
    const problems: FieldProblem[] = [];
    compiled = compileWhere(where, problems);
    // Stored rules passed validateAutomation; a rule that no longer compiles matches nothing.
    if (problems.length > 0) return false;
    compiledWhere.set(where, compiled);
  }
  return compiled.holds(leadReader(lead), now.getTime());
}

/**
 * What a matching rule does for this signal and lead at `now`, or why it does nothing: the lead
 * fails `where`, the signal is about a task this same rule created (it would feed itself), or
 * the rule already ran MAX_RUNS_PER_LEAD_PER_HOUR times for the lead within the hour.
 *
 * @example
 * planActions(rule, signal, lead, now, { recentRuns: 0 })
 * // { run: true, actions: [{ type: 'create_task', dueAt: now + 15 min, owner: { by: 'lead_owner' }, optedOut: false, … }] }
 */
export function planActions(rule: Automation, signal: Signal, lead: Lead, now: Date, facts: RunFacts): Plan {
  if (rule.where !== null && !whereHolds(rule.where, lead, now)) {
    return { run: false, reason: 'condition_not_met', message: 'the lead does not meet the where condition' };
  }
  if (signal.type === 'task.overdue' && facts.taskCreatedBy === automationActor(rule.id)) {
    return { run: false, reason: 'own_task', message: 'the task was created by this automation' };
  }
  if (facts.recentRuns >= MAX_RUNS_PER_LEAD_PER_HOUR) {
    return {
      run: false,
      reason: 'rate_limit',
      message: `already ran ${facts.recentRuns} times for this lead within the hour (limit ${MAX_RUNS_PER_LEAD_PER_HOUR})`,
    };
  }
  return {
    run: true,
    actions: rule.actions.map((action) => planAction(action, rule, signal, lead, now)),
  };
}

function planAction(action: Action, rule: Automation, signal: Signal, lead: Lead, now: Date): PlannedAction {
  const optedOut = lead.optedOut;
  switch (action.type) {
    case 'create_task':
      return {
        type: 'create_task',
        kind: action.kind,
        title: action.title,
        dueAt: new Date(now.getTime() + action.dueInMinutes * 60_000),
        owner: ownerChoice(action.owner),
        optedOut,
      };
    case 'assign':
      return {
        type: 'assign',
        owner: action.to === 'round_robin' ? { by: 'round_robin' } : { by: 'user', userId: action.to },
        optedOut,
      };
    case 'notify':
      return {
        type: 'notify',
        signal: notifySignal(rule, signal, lead, action.webhookId ?? null, now),
        optedOut,
      };
    case 'set_field':
      return {
        type: 'set_field',
        field: action.field,
        fields: fieldsFor(action.field, action.value),
        optedOut,
      };
  }
}

function ownerChoice(owner: string): OwnerChoice {
  if (owner === 'lead_owner' || owner === 'round_robin') return { by: owner };
  return { by: 'user', userId: owner };
}

function fieldsFor(field: string, value: string | number | boolean | null): LeadFields {
  if (field.startsWith('attributes.')) return { attributes: { [field.slice('attributes.'.length)]: value } };
  return { [field]: value } as LeadFields;
}

/**
 * `automation.notify`: what webhook subscribers to that type receive. Names the rule, the signal
 * that triggered it (with its facts) and the lead, with its opted-out flag.
 */
export function notifySignal(
  rule: Pick<Automation, 'id' | 'name'>,
  trigger: Signal,
  lead: Lead,
  webhookId: string | null,
  now: Date,
): NewSignal {
  return {
    type: 'automation.notify',
    leadId: lead.id,
    occurredAt: now,
    payload: {
      automation: { id: rule.id, name: rule.name },
      webhookId,
      trigger: {
        signalId: trigger.id,
        type: trigger.type,
        occurredAt: trigger.occurredAt.toISOString(),
        data: trigger.payload,
      },
      lead: {
        id: lead.id,
        email: lead.email,
        name: lead.name,
        company: lead.company,
        ownerId: lead.ownerId,
        status: lead.status,
        optedOut: lead.optedOut,
      },
      optedOut: lead.optedOut,
    },
  };
}
