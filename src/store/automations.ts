import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Action, Automation, Trigger } from '../domain/desk/automation.js';
import type { SignalType } from '../domain/desk/signal.js';
import type { Condition } from '../domain/scoring/model.js';
import type { AutomationRunsTable, AutomationsTable, Database } from './schema.js';

export interface NewAutomation {
  readonly name: string;
  readonly enabled: boolean;
  /** Undefined: after every existing rule. */
  readonly position?: number;
  readonly trigger: Trigger;
  readonly where: Condition | null;
  readonly actions: readonly Action[];
  /** Who wrote it: a user id or `key:<id>`. */
  readonly by: string | null;
}

export type RunOutcome = 'done' | 'skipped' | 'failed';

/** One rule's run for one signal. */
export interface AutomationRun {
  readonly id: number;
  readonly automationId: string;
  readonly signalId: number;
  readonly signalType: SignalType;
  readonly leadId: string | null;
  readonly at: Date;
  readonly outcome: RunOutcome;
  readonly detail: Record<string, unknown>;
}

export interface AutomationStore {
  create(automation: NewAutomation, now: Date): Promise<Automation>;
  byId(id: string): Promise<Automation | undefined>;
  /** Replaces a rule; the position is kept when none is given. */
  replace(id: string, automation: NewAutomation, now: Date): Promise<Automation | undefined>;
  /** Deletes the rule and its run history. */
  remove(id: string): Promise<Automation | undefined>;
  /** Every rule, in the order they run (position, then age). */
  list(): Promise<Automation[]>;
  /** The enabled rules, in the order they run. */
  enabled(): Promise<Automation[]>;
  /**
   * Claims the run of a rule for a signal: the run's id, or undefined when this rule already ran
   * for this signal (the unique key refuses a second row). Call in the transaction that runs it.
   */
  claimRun(run: {
    automationId: string;
    signalId: number;
    signalType: string;
    leadId: string | null;
    at: Date;
  }): Promise<number | undefined>;
  finishRun(id: number, outcome: RunOutcome, detail: Record<string, unknown>): Promise<void>;
  /** Runs of a rule that did something for a lead since `since` (the loop guard's count). */
  doneRunsSince(automationId: string, leadId: string, since: Date): Promise<number>;
  /** A rule's runs, newest first, before run id `before` when given. */
  runsOf(automationId: string, limit: number, before?: number): Promise<AutomationRun[]>;
}

function toAutomation(row: Selectable<AutomationsTable>): Automation {
  const document = row.document as { trigger: Trigger; where?: Condition | null; actions: Action[] };
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    position: row.position,
    trigger: document.trigger,
    where: document.where ?? null,
    actions: document.actions,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

function toRun(row: Selectable<AutomationRunsTable>): AutomationRun {
  return {
    id: Number(row.id),
    automationId: row.automation_id,
    signalId: Number(row.signal_id),
    signalType: row.signal_type as SignalType,
    leadId: row.lead_id,
    at: row.at,
    outcome: row.outcome,
    detail: row.detail,
  };
}

const documentOf = (a: NewAutomation) =>
  JSON.stringify({ trigger: a.trigger, ...(a.where === null ? {} : { where: a.where }), actions: a.actions });

export function automationStore(db: Kysely<Database> | Transaction<Database>): AutomationStore {
  const ordered = () =>
    db.selectFrom('automations').selectAll().orderBy('position').orderBy('created_at').orderBy('id');
  return {
    create: async (automation, now) =>
      toAutomation(
        await db
          .insertInto('automations')
          .values({
            name: automation.name,
            enabled: automation.enabled,
            position:
              automation.position ?? sql<number>`(select coalesce(max(position) + 1, 0) from automations)`,
            document: documentOf(automation),
            created_by: automation.by,
            created_at: now,
            updated_by: automation.by,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    byId: async (id) => {
      const row = await db.selectFrom('automations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAutomation(row);
    },
    replace: async (id, automation, now) => {
      const row = await db
        .updateTable('automations')
        .set({
          name: automation.name,
          enabled: automation.enabled,
          ...(automation.position !== undefined ? { position: automation.position } : {}),
          document: documentOf(automation),
          updated_by: automation.by,
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toAutomation(row);
    },
    remove: async (id) => {
      const row = await db.deleteFrom('automations').where('id', '=', id).returningAll().executeTakeFirst();
      return row && toAutomation(row);
    },
    list: async () => (await ordered().execute()).map(toAutomation),
    enabled: async () => (await ordered().where('enabled', '=', true).execute()).map(toAutomation),
    claimRun: async (run) => {
      const row = await db
        .insertInto('automation_runs')
        .values({
          automation_id: run.automationId,
          signal_id: run.signalId,
          signal_type: run.signalType,
          lead_id: run.leadId,
          at: run.at,
          outcome: 'done',
          detail: '{}',
        })
        .onConflict((oc) => oc.columns(['automation_id', 'signal_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.id);
    },
    finishRun: async (id, outcome, detail) => {
      await db
        .updateTable('automation_runs')
        .set({ outcome, detail: JSON.stringify(detail) })
        .where('id', '=', id)
        .execute();
    },
    doneRunsSince: async (automationId, leadId, since) => {
      const row = await db
        .selectFrom('automation_runs')
        .select((eb) => eb.fn.countAll<string>().as('runs'))
        .where('automation_id', '=', automationId)
        .where('lead_id', '=', leadId)
        .where('at', '>', since)
        .where('outcome', '=', 'done')
        .executeTakeFirstOrThrow();
      return Number(row.runs);
    },
    runsOf: async (automationId, limit, before) => {
      let q = db.selectFrom('automation_runs').selectAll().where('automation_id', '=', automationId);
      if (before !== undefined) q = q.where('id', '<', before);
      return (await q.orderBy('id', 'desc').limit(limit).execute()).map(toRun);
    },
  };
}
