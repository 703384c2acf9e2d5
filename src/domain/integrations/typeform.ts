import { isPlausibleEmail, normaliseEmail } from '../lead.js';
import type { HookMapping } from './hook.js';
import { asObject, instant, type Json, text } from './payload.js';
import { toE164 } from './phone.js';

/**
 * Typeform webhooks (https://www.typeform.com/developers/webhooks/secure-your-webhooks/): a JSON
 * `form_response` per submission, signed in `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the
 * raw body>` keyed with the webhook's secret. Nothing time-bound is signed: a replay is caught by
 * the response's token.
 */

/** Lead fields a form's answer can fill (on a lead the response creates). */
export const TYPEFORM_LEAD_FIELDS = ['email', 'name', 'phone', 'company', 'jobTitle'] as const;
export type TypeformLeadField = (typeof TYPEFORM_LEAD_FIELDS)[number];

/** The qualification answers a form can give, stored as `answers.<name>` (docs/scoring.md). */
export const TYPEFORM_ANSWERS = ['budget', 'timeline', 'need'] as const;
export type TypeformAnswer = (typeof TYPEFORM_ANSWERS)[number];

/**
 * Where a qualification answer comes from: a field's `ref`, and optionally how its values read
 * (`{ "$50k+": "yes", "No budget yet": "no" }`, compared trimmed and case-insensitively), as hosted
 * forms do. A value the table does not list is kept under the field's ref only.
 */
export interface TypeformAnswerMapping {
  readonly field: string;
  readonly values?: Readonly<Record<string, string>>;
}

/** A Typeform hook's settings (docs/integrations.md, Typeform). */
export interface TypeformConfig {
  /** `{ "budget": { "field": "<ref>" } }` stores that answer as `answers.budget`, which the b2b preset reads. */
  readonly qualification?: Readonly<Partial<Record<TypeformAnswer, TypeformAnswerMapping>>>;
  /** Lead field → field `ref`; the email defaults to the first email answer, the phone to the first phone answer. */
  readonly lead?: Readonly<Partial<Record<TypeformLeadField, string>>>;
  /** The `form` property (the presets score contact/sales/quote/demo forms as intent); the form's title by default. */
  readonly form?: string;
  /** The `source` of a lead the form creates; `website` by default. */
  readonly source?: string;
  /** ISO 3166 country for phone answers without a country code. */
  readonly defaultCountry?: string;
}

/** A qualification answer as its mapping reads it: through the values table when there is one. */
function qualificationValue(value: unknown, mapping: TypeformAnswerMapping): unknown {
  if (mapping.values === undefined) return value;
  const key = String(value).trim().toLowerCase();
  const found = Object.entries(mapping.values).find(([given]) => given.trim().toLowerCase() === key);
  return found?.[1];
}

// A Typeform is a web form, usually on the company's site: Marketo's "website" lead source.
const FORM_SOURCE = 'website';

/** An answer's value in the shape its type gives (a choice's label, a list of labels, a number…). */
function answerValue(answer: Json): unknown {
  const type = text(answer.type) ?? '';
  switch (type) {
    case 'choice': {
      const choice = asObject(answer.choice);
      return text(choice?.label) ?? text(choice?.other);
    }
    case 'choices': {
      const choices = asObject(answer.choices);
      const labels = Array.isArray(choices?.labels)
        ? choices.labels.filter((l) => typeof l === 'string')
        : [];
      const other = text(choices?.other);
      return other ? [...labels, other] : labels;
    }
    case 'payment':
      return text(asObject(answer.payment)?.amount);
    case 'text':
    case 'email':
    case 'url':
    case 'file_url':
    case 'phone_number':
    case 'date':
      return text(answer[type]);
    case 'number':
    case 'boolean':
      return answer[type];
    default:
      return undefined;
  }
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * A `form_submit` event with its answers (keyed by field ref, plus the configured qualification
 * answers by name), hidden fields and score, about the lead with the response's email,
 * created when unknown (docs/integrations.md, Typeform).
 */
export function mapTypeform(payload: unknown, config: TypeformConfig): HookMapping {
  const body = asObject(payload);
  const eventType = text(body?.event_type);
  if (!body || !eventType)
    return { kind: 'invalid', problems: [{ path: 'event_type', message: 'is missing' }] };
  if (eventType !== 'form_response')
    return { kind: 'ignored', reason: `${eventType} is not recorded; form_response is` };
  const response = asObject(body.form_response);
  const formId = text(response?.form_id);
  const token = text(response?.token);
  const submittedAt = instant(response?.submitted_at);
  if (!response || !formId || !token || !submittedAt) {
    return {
      kind: 'invalid',
      problems: [
        ...(formId ? [] : [{ path: 'form_response.form_id', message: 'is missing' }]),
        ...(token ? [] : [{ path: 'form_response.token', message: 'is missing' }]),
        ...(submittedAt ? [] : [{ path: 'form_response.submitted_at', message: 'must be a time' }]),
      ],
    };
  }
  const definition = asObject(response.definition);
  const refById = new Map<string, string>();
  for (const field of Array.isArray(definition?.fields) ? definition.fields : []) {
    const id = text(asObject(field)?.id);
    const ref = text(asObject(field)?.ref);
    if (id && ref) refById.set(id, ref);
  }
  const answers: Record<string, unknown> = {};
  const byRef = new Map<string, unknown>();
  let firstEmail: string | undefined;
  let firstPhone: string | undefined;
  for (const item of Array.isArray(response.answers) ? response.answers : []) {
    const answer = asObject(item);
    const field = asObject(answer?.field);
    const id = text(field?.id);
    const ref = text(field?.ref) ?? (id ? refById.get(id) : undefined) ?? id;
    if (!answer || !ref) continue;
    const value = answerValue(answer);
    if (value === undefined) continue;
    byRef.set(ref, value);
    answers[ref] = value;
    if (answer.type === 'email' && firstEmail === undefined) firstEmail = text(value);
    if (answer.type === 'phone_number' && firstPhone === undefined) firstPhone = text(value);
  }
  for (const [name, mapping] of Object.entries(config.qualification ?? {})) {
    const value =
      mapping === undefined || !byRef.has(mapping.field)
        ? undefined
        : qualificationValue(byRef.get(mapping.field), mapping);
    if (value !== undefined) answers[name] = value;
  }
  const hidden = asObject(response.hidden) ?? {};
  const fieldText = (name: TypeformLeadField) => {
    const ref = config.lead?.[name];
    const value = ref === undefined ? undefined : text(byRef.get(ref))?.trim();
    return present(value) ? value : undefined;
  };
  const rawEmail = fieldText('email') ?? firstEmail ?? text(hidden.email);
  const email = rawEmail === undefined ? null : normaliseEmail(rawEmail);
  const phone = toE164(fieldText('phone') ?? firstPhone ?? null, config.defaultCountry) ?? undefined;
  const validEmail = email !== null && isPlausibleEmail(email) ? email : undefined;
  if (validEmail === undefined && phone === undefined) {
    return { kind: 'ignored', reason: 'the response has no email or phone answer to find the lead by' };
  }
  const campaign = text(hidden.utm_campaign);
  const name = fieldText('name');
  const company = fieldText('company');
  const jobTitle = fieldText('jobTitle');
  const score = asObject(response.calculated)?.score;
  const form = config.form ?? text(definition?.title) ?? 'Typeform';
  return {
    kind: 'events',
    groups: [
      {
        unknownLead: 'create',
        lead: {
          ...(validEmail ? { email: validEmail } : {}),
          ...(phone ? { phone } : {}),
          fields: {
            source: config.source ?? FORM_SOURCE,
            ...(name ? { name } : {}),
            ...(company ? { company } : {}),
            ...(jobTitle ? { jobTitle } : {}),
          },
          attributes: present(campaign) ? { campaign } : {},
        },
        events: [
          {
            type: 'form_submit',
            externalId: `typeform:${formId}:${token}`,
            occurredAt: submittedAt,
            properties: {
              form,
              formId,
              provider: 'typeform',
              answers,
              ...(Object.keys(hidden).length > 0 ? { hidden } : {}),
              ...(typeof score === 'number' ? { score } : {}),
            },
          },
        ],
      },
    ],
  };
}
