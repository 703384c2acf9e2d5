import type { FieldProblem } from '../errors.js';
import { isPlausibleEmail, normaliseEmail } from '../lead.js';
import { CONTROL_FIELDS, FORM_ANSWERS, type FormLeadField, type HostedForm } from './form.js';

/** The fields of one post, in the order they arrived; a name may repeat (checkboxes). */
export type PostedFields = ReadonlyArray<readonly [name: string, value: string]>;

/** One answer: a single value, or several when the field repeats (checkboxes, multi-selects). */
export type AnswerValue = string | string[];

/** A post read with its form's settings. */
export interface FormPost {
  /** Normalised (trimmed, lower-cased). */
  readonly email: string;
  /** The other lead fields the post gives, trimmed, blanks left out. */
  readonly lead: Readonly<Partial<Record<Exclude<FormLeadField, 'email'>, string>>>;
  /**
   * Every other field that holds something, by its posted name, plus `budget`, `timeline` and
   * `need` as the form's qualification mapping reads them.
   */
  readonly answers: Readonly<Record<string, AnswerValue>>;
  /** The website tracker's visitor id (`hearth_vid`), when the page had one. */
  readonly visitorId: string | null;
}

export type PostReading =
  | { readonly ok: true; readonly post: FormPost }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

// A form has a few dozen fields at most; past these a post is not a person's (the event's
// properties hold at most 100 entries and 10,000 characters per string: app/validation.ts).
export const MAX_ANSWERS = 60;
export const MAX_FIELD_NAME = 100;
export const MAX_ANSWER_LENGTH = 10_000;
const MAX_VISITOR_ID = 100;

const CONTROL = new Set<string>(Object.values(CONTROL_FIELDS));
const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function grouped(fields: PostedFields): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [name, value] of fields) {
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  return byName;
}

const nonBlank = (values: readonly string[] | undefined) =>
  (values ?? []).map((v) => v.trim()).filter((v) => v !== '');
const single = (values: string[]): AnswerValue | undefined =>
  values.length === 0 ? undefined : values.length === 1 ? (values[0] as string) : values;

/**
 * Reads a post that passed the spam check: the email (required), the other lead fields, the
 * answers and the qualification answers, per the form's mapping. Problems name the posted field
 * (`work_email: is required`), which is what the visitor's form calls it.
 *
 * @example
 * readPost([['email', 'ann@acme.com'], ['budget', 'yes']], form)
 * // { ok: true, post: { email: 'ann@acme.com', lead: {}, answers: { budget: 'yes' }, visitorId: null } }
 */
export function readPost(
  fields: PostedFields,
  form: Pick<HostedForm, 'fields' | 'qualification' | 'honeypotField'>,
): PostReading {
  const byName = grouped(fields);
  const problems: FieldProblem[] = [];

  const emailField = form.fields.email;
  const [givenEmail] = nonBlank(byName.get(emailField));
  const email = givenEmail === undefined ? null : normaliseEmail(givenEmail);
  if (email === null) problems.push({ path: emailField, message: 'is required: give an email address' });
  else if (!isPlausibleEmail(email)) {
    // Never the value: problems reach the submission log, which keeps no visitor's text.
    problems.push({ path: emailField, message: 'is not a valid email address' });
  }

  const lead: Partial<Record<Exclude<FormLeadField, 'email'>, string>> = {};
  for (const key of ['name', 'company', 'phone', 'jobTitle'] as const) {
    const [value] = nonBlank(byName.get(form.fields[key]));
    if (value !== undefined) lead[key] = value;
  }

  const identity = new Set(Object.values(form.fields));
  const answers = new Map<string, AnswerValue>();
  for (const [name, values] of byName) {
    if (identity.has(name) || CONTROL.has(name) || name === form.honeypotField) continue;
    const kept = nonBlank(values);
    const answer = single(kept);
    if (answer === undefined) continue;
    if (name.length > MAX_FIELD_NAME) {
      problems.push({
        path: name.slice(0, 40),
        message: `field names are at most ${MAX_FIELD_NAME} characters`,
      });
      continue;
    }
    if (kept.some((v) => v.length > MAX_ANSWER_LENGTH)) {
      problems.push({ path: name, message: `must be at most ${MAX_ANSWER_LENGTH} characters long` });
      continue;
    }
    answers.set(name, answer);
  }
  if (answers.size > MAX_ANSWERS) {
    problems.push({
      path: '',
      message: `a form posts at most ${MAX_ANSWERS} answers; this one has ${answers.size}`,
    });
  }

  for (const criterion of FORM_ANSWERS) {
    const mapping = form.qualification[criterion];
    if (!mapping) continue;
    const values = nonBlank(byName.get(mapping.field));
    const table = mapping.values;
    const read = table
      ? values.flatMap((v) => {
          const key = Object.keys(table).find((k) => sameText(k, v));
          return key === undefined ? [] : [table[key] as string];
        })
      : values;
    // The mapped answer is the only one under the criterion's name: a field posted with that name
    // must not stand in for what the mapping says.
    const answer = single(read);
    if (answer === undefined) answers.delete(criterion);
    else answers.set(criterion, answer);
  }

  if (problems.length > 0) return { ok: false, problems };
  const [visitor] = nonBlank(byName.get(CONTROL_FIELDS.visitor));
  return {
    ok: true,
    post: {
      email: email as string,
      lead,
      answers: Object.fromEntries(answers),
      visitorId: visitor !== undefined && visitor.length <= MAX_VISITOR_ID ? visitor : null,
    },
  };
}
