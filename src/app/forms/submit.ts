import { createHash } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import { type FieldProblem, HearthError, isHearthError } from '../../domain/errors.js';
import { FORM_LEAD_FIELDS, type HostedForm, type SubmissionOutcome } from '../../domain/forms/form.js';
import { judgeSpam } from '../../domain/forms/spam.js';
import { type FormPost, type PostedFields, readPost } from '../../domain/forms/submission.js';
import type { Lead } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { ingestEvents } from '../events/ingest.js';
import { LeadInput } from '../leads/lead-schemas.js';
import { upsertLead } from '../leads/lead-service.js';
import { attachVisitorToLead } from '../tracking/identify.js';
import { validator } from '../validation.js';

/** One post to `/f/{formKey}`, as the edge read it: text fields only (files are left out there). */
export interface FormPostRequest {
  readonly fields: PostedFields;
  /** The page's origin: the Origin header, else the Referer's; null when the post names none. */
  readonly origin: string | null;
}

/** What became of a post; the edge answers from it (and a spam drop looks like success). */
export type FormReceipt =
  | {
      readonly outcome: Extract<SubmissionOutcome, 'stored' | 'duplicate'>;
      readonly form: HostedForm;
      readonly submissionId: number;
      readonly leadId: string;
      readonly leadCreated: boolean;
      readonly eventId: number;
    }
  | {
      readonly outcome: 'spam';
      readonly form: HostedForm;
      readonly submissionId: number;
      readonly reason: string;
    }
  | {
      readonly outcome: 'rejected';
      readonly form: HostedForm;
      readonly submissionId: number;
      /** `invalid` naming the fields at fault, or `forbidden` for a page outside the allowed origins. */
      readonly error: HearthError;
    };

// Leads created by a form act like an ingest key's: no owner given, no audit line per field.
const FORM_ACTOR: Principal = { role: 'ingest', userId: null, keyId: null };
// A double click, a reload that re-posts, a visitor going back and sending again: the same post
// within 10 minutes is one event. Posts are grouped in windows of this length; the current and the
// previous window are checked, so a repeat is caught within 10 minutes and never after 20.
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
const leadInput = validator(LeadInput);

const sentence = (problems: readonly FieldProblem[]) =>
  problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');

/** Same person, same answers, same form: the same post, whatever the order of its fields. */
function fingerprint(form: HostedForm, post: FormPost): string {
  const sorted = (record: Readonly<Record<string, unknown>>) =>
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]);
  const text = JSON.stringify([form.id, post.email, sorted(post.lead), sorted(post.answers)]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

/** The lead fields of a post, checked like any lead's; problems name the posted field. */
function leadFieldsOf(form: HostedForm, post: FormPost): FieldProblem[] {
  const checked = leadInput.check({ email: post.email, ...post.lead });
  if (checked.ok) return [];
  const posted = (path: string) => {
    const key = FORM_LEAD_FIELDS.find((k) => path === k || path.startsWith(`${k}.`));
    return key === undefined ? path : form.fields[key];
  };
  return checked.problems.map((p) => ({ path: posted(p.path), message: p.message }));
}

/**
 * The lead a post is about, created when its email is new. An existing lead only gets the fields
 * it has no value for: a rep's corrections and the first touch (source, name as first given)
 * stay, and a stranger who knows someone's email cannot rewrite their lead.
 */
async function leadFor(
  ctx: AppContext,
  form: HostedForm,
  post: FormPost,
): Promise<{ lead: Lead; created: boolean }> {
  const existing = await ctx.store.leads.byEmail(post.email);
  if (existing) {
    const blanks = Object.fromEntries(
      Object.entries(post.lead).filter(([key]) => existing[key as keyof Lead] === null),
    );
    if (Object.keys(blanks).length === 0) return { lead: existing, created: false };
    const { lead } = await upsertLead(ctx, FORM_ACTOR, { email: post.email, ...blanks });
    return { lead, created: false };
  }
  const { lead, created } = await upsertLead(ctx, FORM_ACTOR, {
    email: post.email,
    ...post.lead,
    ...(form.source !== null ? { source: form.source } : {}),
  });
  return { lead, created };
}

/**
 * Receives one post at `/f/{formKey}`: checks the origin, drops spam (honeypot filled, sent too
 * fast) without storing anything else, reads the fields by the form's mapping, creates or updates
 * the lead and stores one `form_submit` event with the answers (a repeat of the same post within
 * the duplicate window stores nothing), and attaches the website tracker's visitor (`hearth_vid`)
 * with its history. Every post is logged. Lead, event and log line stand or
 * fall together. An unknown, paused or deleted form is `not_found` and is not logged.
 */
export async function receiveFormPost(
  ctx: AppContext,
  formKey: string,
  request: FormPostRequest,
): Promise<FormReceipt> {
  const form = formKey.startsWith('hfm_') ? await ctx.store.forms.byKey(formKey) : undefined;
  if (!form?.active) throw new HearthError('not_found', 'This form does not exist or is not taking posts');
  const now = ctx.clock();
  const nothing = { leadId: null, leadCreated: false, eventId: null };
  const log = (
    entry: {
      outcome: SubmissionOutcome;
      reason: string | null;
      leadId: string | null;
      leadCreated: boolean;
      eventId: number | null;
    },
    store = ctx.store,
  ) => store.forms.logSubmission({ formId: form.id, receivedAt: now, ...entry });
  const refuse = async (error: HearthError): Promise<FormReceipt> => {
    const logged = await log({ ...nothing, outcome: 'rejected', reason: error.message });
    return { outcome: 'rejected', form, submissionId: logged.id, error };
  };

  if (
    form.allowedOrigins.length > 0 &&
    (request.origin === null || !form.allowedOrigins.includes(request.origin))
  ) {
    const from = request.origin === null ? 'a page that sent no Origin or Referer' : request.origin;
    return refuse(
      new HearthError('forbidden', `This form does not take posts from ${from}`, { origin: request.origin }),
    );
  }
  const verdict = judgeSpam(request.fields, form, now.getTime());
  if (verdict.spam) {
    const logged = await log({ ...nothing, outcome: 'spam', reason: verdict.reason });
    return { outcome: 'spam', form, submissionId: logged.id, reason: verdict.reason };
  }
  const reading = readPost(request.fields, form);
  if (!reading.ok) return refuse(HearthError.invalid(reading.problems));
  const post = reading.post;
  const leadProblems = leadFieldsOf(form, post);
  if (leadProblems.length > 0) return refuse(HearthError.invalid(leadProblems));

  const print = fingerprint(form, post);
  const window = Math.floor(now.getTime() / DUPLICATE_WINDOW_MS);
  const externalId = (w: number) => `form:${form.id}:${w}:${print}`;
  try {
    return await ctx.store.transaction(async (store): Promise<FormReceipt> => {
      // One post per person at a time (shared with the inbound adapters): a double click is one lead
      // and one event.
      await store.inboundHooks.lockPerson(post.email);
      const [earlier] = await store.forms.eventsByExternalId([externalId(window), externalId(window - 1)]);
      if (earlier) {
        const logged = await log(
          {
            outcome: 'duplicate',
            reason: 'the same post was stored moments ago',
            leadId: earlier.leadId,
            leadCreated: false,
            eventId: earlier.eventId,
          },
          store,
        );
        return {
          outcome: 'duplicate',
          form,
          submissionId: logged.id,
          leadId: earlier.leadId,
          leadCreated: false,
          eventId: earlier.eventId,
        };
      }
      const txCtx = { ...ctx, store };
      const { lead, created } = await leadFor(txCtx, form, post);
      const summary = await ingestEvents(
        txCtx,
        [
          {
            type: 'form_submit',
            leadId: lead.id,
            id: externalId(window),
            occurredAt: now.toISOString(),
            properties: { form: form.name, formId: form.id, answers: post.answers },
          },
        ],
        { pathOf: () => 'event' },
      );
      const [result] = summary.results;
      // Nothing half-stored: a lead created for an event that cannot be stored goes with it.
      if (result?.status !== 'stored' || result.eventId === undefined) {
        throw HearthError.invalid(result?.problems ?? [{ path: 'event', message: 'was not stored' }]);
      }
      // The tracker's anonymous history of this browser becomes the lead's, at its original times,
      // standing or falling with the post (a visitor id the tracker never saw changes nothing).
      if (post.visitorId !== null)
        await attachVisitorToLead(txCtx, { visitorId: post.visitorId, leadId: lead.id });
      const logged = await log(
        { outcome: 'stored', reason: null, leadId: lead.id, leadCreated: created, eventId: result.eventId },
        store,
      );
      return {
        outcome: 'stored',
        form,
        submissionId: logged.id,
        leadId: lead.id,
        leadCreated: created,
        eventId: result.eventId,
      };
    });
  } catch (error) {
    if (isHearthError(error) && error.code === 'invalid') {
      return refuse(
        error.details.problems
          ? new HearthError('invalid', sentence(error.details.problems), error.details)
          : error,
      );
    }
    throw error;
  }
}
