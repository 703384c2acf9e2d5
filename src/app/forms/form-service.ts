import { randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import { type FieldProblem, HearthError } from '../../domain/errors.js';
import {
  CONTROL_FIELDS,
  DEFAULT_FORM_FIELDS,
  DEFAULT_FORM_SOURCE,
  DEFAULT_HONEYPOT,
  DEFAULT_MIN_FILL_SECONDS,
  FORM_ANSWERS,
  FORM_LEAD_FIELDS,
  type FormSettings,
  type HostedForm,
} from '../../domain/forms/form.js';
import type { FormSubmission } from '../../store/forms.js';
import type { AppContext } from '../context.js';
import type { FormInput, FormPatch } from './form-schemas.js';

/** Where a form posts, on this server (outside /api/v1: visitors hold no API key). */
export const formPath = (form: Pick<HostedForm, 'formKey'>) => `/f/${form.formKey}`;

/** 24 random bytes: a key nobody finds by trying, short enough for a page's HTML. */
const newFormKey = () => `hfm_${randomBytes(24).toString('base64url')}`;

const actorName = (actor: Principal) => actor.userId ?? actor.keyId;
const CONTROL = new Set<string>(Object.values(CONTROL_FIELDS));

function urlProblems(path: string, url: string): FieldProblem[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path, message: 'must be an absolute http or https URL' }];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return [{ path, message: 'must use http or https' }];
  if (parsed.username !== '' || parsed.password !== '') {
    return [{ path, message: 'must not contain a user name or password' }];
  }
  return [];
}

/**
 * A checked URL as it is stored: serialised by the URL parser (`https://例え.jp/ありがとう` →
 * `https://xn--r8jz45g.jp/%E3%81%82…`), so that it can be sent as a `Location` header, which
 * holds ASCII only.
 */
const normalisedUrl = (url: string) => new URL(url).href;

/** `https://www.example.com` from what an admin typed; undefined when it is not an origin. */
function origin(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

type SettingsInput = Omit<FormPatch, 'name' | 'redirectUrl' | 'rotateKey' | 'active'>;

/**
 * The settings a create or patch leads to, from the current ones (or the defaults) and the input;
 * every problem at once, by path.
 */
function checkedSettings(
  current: FormSettings | null,
  input: SettingsInput & { readonly redirectUrl?: string | undefined },
): FormSettings {
  const problems: FieldProblem[] =
    input.redirectUrl === undefined ? [] : urlProblems('redirectUrl', input.redirectUrl);
  const fields = input.fields
    ? { ...DEFAULT_FORM_FIELDS, ...input.fields }
    : (current?.fields ?? DEFAULT_FORM_FIELDS);
  const honeypotField = input.honeypotField ?? current?.honeypotField ?? DEFAULT_HONEYPOT;
  const qualification = input.qualification ?? current?.qualification ?? {};

  const taken = new Map<string, string>();
  for (const key of FORM_LEAD_FIELDS) {
    const name = fields[key];
    const holder = taken.get(name);
    if (holder !== undefined)
      problems.push({ path: `fields.${key}`, message: `"${name}" is already the ${holder} field` });
    else taken.set(name, key);
  }
  const reserved = (path: string, name: string) => {
    if (CONTROL.has(name)) problems.push({ path, message: `"${name}" is reserved for the snippet's script` });
  };
  for (const key of FORM_LEAD_FIELDS) reserved(`fields.${key}`, fields[key]);
  reserved('honeypotField', honeypotField);
  if (taken.has(honeypotField)) {
    problems.push({
      path: 'honeypotField',
      message: `"${honeypotField}" is the ${taken.get(honeypotField)} field`,
    });
  }
  for (const criterion of FORM_ANSWERS) {
    const mapping = qualification[criterion];
    if (!mapping) continue;
    const path = `qualification.${criterion}.field`;
    reserved(path, mapping.field);
    if (taken.has(mapping.field)) {
      problems.push({ path, message: `"${mapping.field}" is the ${taken.get(mapping.field)} field` });
    }
    if (mapping.field === honeypotField)
      problems.push({ path, message: `"${mapping.field}" is the honeypot` });
  }

  const allowedOrigins: string[] = [];
  (input.allowedOrigins ?? current?.allowedOrigins ?? []).forEach((text, i) => {
    const read = origin(text);
    if (read === undefined) {
      problems.push({
        path: `allowedOrigins[${i}]`,
        message: `"${text}" is not an origin such as https://www.example.com`,
      });
    } else if (!allowedOrigins.includes(read)) allowedOrigins.push(read);
  });
  if (input.errorUrl !== undefined && input.errorUrl !== null)
    problems.push(...urlProblems('errorUrl', input.errorUrl));
  if (problems.length > 0) throw HearthError.invalid(problems);
  return {
    fields,
    qualification,
    honeypotField,
    minFillSeconds: input.minFillSeconds ?? current?.minFillSeconds ?? DEFAULT_MIN_FILL_SECONDS,
    requireFillTime: input.requireFillTime ?? current?.requireFillTime ?? false,
    allowedOrigins,
    source: input.source !== undefined ? input.source : (current?.source ?? DEFAULT_FORM_SOURCE),
  };
}

/** Configures a hosted form with a fresh key; it takes posts at once unless `active` is false. */
export async function createForm(ctx: AppContext, actor: Principal, input: FormInput): Promise<HostedForm> {
  const settings = checkedSettings(null, input);
  return ctx.store.transaction(async (store) => {
    const form = await store.forms.create(
      {
        ...settings,
        formKey: newFormKey(),
        name: input.name,
        redirectUrl: normalisedUrl(input.redirectUrl),
        errorUrl: input.errorUrl == null ? null : normalisedUrl(input.errorUrl),
        active: input.active ?? true,
        createdBy: actorName(actor),
      },
      ctx.clock(),
    );
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'integration.form.create',
      entity: 'hosted_form',
      entityId: form.id,
      details: { name: form.name },
    });
    return form;
  });
}

export async function listForms(ctx: AppContext): Promise<HostedForm[]> {
  return ctx.store.forms.list();
}

/** One form, deleted ones included (their log stays readable). */
export async function getForm(ctx: AppContext, id: string): Promise<HostedForm> {
  const form = await ctx.store.forms.byId(id);
  if (!form) throw new HearthError('not_found', `No hosted form has id ${id}`, { id });
  return form;
}

/** Renames, re-points, remaps, pauses a form or gives it a new key. */
export async function updateForm(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: FormPatch,
): Promise<HostedForm> {
  const current = await getForm(ctx, id);
  const settings = checkedSettings(current, patch);
  return ctx.store.transaction(async (store) => {
    const form = await store.forms.update(
      id,
      {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.redirectUrl !== undefined ? { redirectUrl: normalisedUrl(patch.redirectUrl) } : {}),
        ...(patch.errorUrl !== undefined
          ? { errorUrl: patch.errorUrl === null ? null : normalisedUrl(patch.errorUrl) }
          : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        ...(patch.rotateKey === true ? { formKey: newFormKey() } : {}),
        settings,
      },
      ctx.clock(),
    );
    if (!form) throw new HearthError('conflict', 'The form was deleted; it cannot be changed', { id });
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'integration.form.update',
      entity: 'hosted_form',
      entityId: id,
      details: { fields: Object.keys(patch) },
    });
    return form;
  });
}

/** Stops a form: its posts answer 404 from now on; the form and its log are kept. */
export async function deleteForm(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const deleted = await store.forms.softDelete(id, ctx.clock());
    if (!deleted) throw new HearthError('not_found', `No hosted form has id ${id}`, { id });
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'integration.form.delete',
      entity: 'hosted_form',
      entityId: id,
      details: { name: deleted.name },
    });
  });
}

/** A page of a form's submission log, newest first; `next` continues before it. */
export async function listFormSubmissions(
  ctx: AppContext,
  id: string,
  query: { readonly limit: number; readonly before?: number },
): Promise<{ submissions: FormSubmission[]; next: number | null }> {
  await getForm(ctx, id);
  const rows = await ctx.store.forms.submissions(id, { ...query, limit: query.limit + 1 });
  const submissions = rows.slice(0, query.limit);
  return { submissions, next: rows.length > query.limit ? (submissions.at(-1)?.id ?? null) : null };
}
