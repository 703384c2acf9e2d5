import type { Kysely, Selectable, Transaction } from 'kysely';
import type { FormSettings, HostedForm, SubmissionOutcome } from '../domain/forms/form.js';
import type { Database, FormSubmissionsTable, HostedFormsTable } from './schema.js';

export interface NewHostedForm extends FormSettings {
  readonly formKey: string;
  readonly name: string;
  readonly redirectUrl: string;
  readonly errorUrl: string | null;
  readonly active: boolean;
  readonly createdBy: string | null;
}

export interface HostedFormChanges {
  readonly formKey?: string;
  readonly name?: string;
  readonly redirectUrl?: string;
  readonly errorUrl?: string | null;
  readonly settings?: FormSettings;
  readonly active?: boolean;
}

/** One post to a form, as the submission log keeps it: what became of it, never what it said. */
export interface FormSubmission {
  readonly id: number;
  readonly formId: string;
  readonly receivedAt: Date;
  readonly outcome: SubmissionOutcome;
  /** Why it was dropped as spam or refused, or what made it a duplicate. */
  readonly reason: string | null;
  readonly leadId: string | null;
  readonly leadCreated: boolean;
  /** The `form_submit` event stored (or, for a duplicate, the one it repeats). */
  readonly eventId: number | null;
}

export type NewFormSubmission = Omit<FormSubmission, 'id'>;

export interface FormStore {
  create(form: NewHostedForm, now: Date): Promise<HostedForm>;
  /** Live forms (not deleted), oldest first. */
  list(): Promise<HostedForm[]>;
  /** Deleted forms included. */
  byId(id: string): Promise<HostedForm | undefined>;
  /** The live form with this public key, paused or not; undefined for a deleted or unknown one. */
  byKey(formKey: string): Promise<HostedForm | undefined>;
  /** Undefined when there is no such live form. */
  update(id: string, changes: HostedFormChanges, now: Date): Promise<HostedForm | undefined>;
  /** Sets deleted_at and active = false; undefined when there is no such live form. */
  softDelete(id: string, now: Date): Promise<HostedForm | undefined>;
  logSubmission(submission: NewFormSubmission): Promise<FormSubmission>;
  /** Newest first, below `before` when given. */
  submissions(formId: string, options: { limit: number; before?: number }): Promise<FormSubmission[]>;
}

type Db = Kysely<Database> | Transaction<Database>;

function toForm(row: Selectable<HostedFormsTable>): HostedForm {
  const settings = row.settings;
  return {
    id: row.id,
    formKey: row.form_key,
    name: row.name,
    redirectUrl: row.redirect_url,
    errorUrl: row.error_url,
    fields: settings.fields,
    qualification: settings.qualification,
    honeypotField: settings.honeypotField,
    minFillSeconds: settings.minFillSeconds,
    requireFillTime: settings.requireFillTime,
    allowedOrigins: settings.allowedOrigins,
    source: settings.source,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    deletedAt: row.deleted_at,
  };
}

function toSubmission(row: Selectable<FormSubmissionsTable>): FormSubmission {
  return {
    id: Number(row.id),
    formId: row.form_id,
    receivedAt: row.received_at,
    outcome: row.outcome,
    reason: row.reason,
    leadId: row.lead_id,
    leadCreated: row.lead_created,
    eventId: row.event_id === null ? null : Number(row.event_id),
  };
}

/** The settings column of a form: everything that says how posts are read and checked. */
export function formSettings(form: FormSettings): FormSettings {
  return {
    fields: form.fields,
    qualification: form.qualification,
    honeypotField: form.honeypotField,
    minFillSeconds: form.minFillSeconds,
    requireFillTime: form.requireFillTime,
    allowedOrigins: form.allowedOrigins,
    source: form.source,
  };
}

export function formStore(db: Db): FormStore {
  return {
    create: async (form, now) => {
      const row = await db
        .insertInto('hosted_forms')
        .values({
          form_key: form.formKey,
          name: form.name,
          redirect_url: form.redirectUrl,
          error_url: form.errorUrl,
          settings: JSON.stringify(formSettings(form)),
          active: form.active,
          created_at: now,
          created_by: form.createdBy,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toForm(row);
    },
    list: async () => {
      const rows = await db
        .selectFrom('hosted_forms')
        .selectAll()
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toForm);
    },
    byId: async (id) => {
      const row = await db.selectFrom('hosted_forms').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toForm(row) : undefined;
    },
    byKey: async (formKey) => {
      const row = await db
        .selectFrom('hosted_forms')
        .selectAll()
        .where('form_key', '=', formKey)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return row ? toForm(row) : undefined;
    },
    update: async (id, changes, now) => {
      const row = await db
        .updateTable('hosted_forms')
        .set({
          ...(changes.formKey !== undefined ? { form_key: changes.formKey } : {}),
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.redirectUrl !== undefined ? { redirect_url: changes.redirectUrl } : {}),
          ...(changes.errorUrl !== undefined ? { error_url: changes.errorUrl } : {}),
          ...(changes.settings !== undefined
            ? { settings: JSON.stringify(formSettings(changes.settings)) }
            : {}),
          ...(changes.active !== undefined ? { active: changes.active } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toForm(row) : undefined;
    },
    softDelete: async (id, now) => {
      const row = await db
        .updateTable('hosted_forms')
        .set({ deleted_at: now, active: false, updated_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toForm(row) : undefined;
    },
    logSubmission: async (submission) => {
      const row = await db
        .insertInto('form_submissions')
        .values({
          form_id: submission.formId,
          received_at: submission.receivedAt,
          outcome: submission.outcome,
          reason: submission.reason,
          lead_id: submission.leadId,
          lead_created: submission.leadCreated,
          event_id: submission.eventId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSubmission(row);
    },
    submissions: async (formId, { limit, before }) => {
      let query = db.selectFrom('form_submissions').selectAll().where('form_id', '=', formId);
      if (before !== undefined) query = query.where('id', '<', before);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toSubmission);
    },
  };
}
