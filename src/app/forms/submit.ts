import { createHash } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import { type FieldProblem, HearthError, isHearthError } from '../../domain/errors.js';
import { FORM_LEAD_FIELDS, type HostedForm, type SubmissionOutcome } from '../../domain/forms/form.js';
import { judgeSpam } from '../../domain/forms/spam.js';
import { type FormPost, type PostedFields, readPost } from '../../domain/forms/submission.js';
import type { Lead } from '../../domain/lead.js';
import { leadAttribution } from '../../domain/tracking/attribution.js';
import { isVisitorId, type Visitor } from '../../domain/tracking/site-key.js';
import type { AppContext } from '../context.js';
import { ingestEvents } from '../events/ingest.js';
import { LeadInput } from '../leads/lead-schemas.js';
import { upsertLead } from '../leads/lead-service.js';
import { attachVisitorToLead } from '../tracking/identify.js';
import { validator } from '../validation.js';
import { signedLoadTimeOf } from './load-token.js';

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

// Posted field names are the visitor's text: control characters (U+0000, which PostgreSQL text
// refuses, among them) are shown as U+FFFD, and a reason is cut at a length a log line needs.
const MAX_REASON = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
const storable = (text: string) => text.replace(CONTROL_CHARACTERS, '\ufffd');

/**
 * What the submission log keeps of a refusal: each field at fault and what is wrong with it, the
 * messages being Hearth's own fixed text, never a posted value.
 */
function refusalReason(error: HearthError): string {
  const problems = error.details.problems;
  const text = problems ? sentence(problems) : error.message;
  return storable(text).slice(0, MAX_REASON);
}

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
  visitor: Visitor | undefined,
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
  // The tracker's first touch, when the page had it, says where the person came from better than
  // the form does: its UTM source, campaign and medium, as a lead the tracker creates gets them.
  const touch = visitor ? leadAttribution(visitor.firstTouch) : undefined;
  const source = visitor?.firstTouch.source ?? form.source;
  const { lead, created } = await upsertLead(ctx, FORM_ACTOR, {
    email: post.email,
    ...post.lead,
    ...(source !== null ? { source } : {}),
    ...(touch && Object.keys(touch.attributes).length > 0 ? { attributes: touch.attributes } : {}),
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
    const logged = await log({ ...nothing, outcome: 'rejected', reason: refusalReason(error) });
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
  const signed = await signedLoadTimeOf(ctx, form, request.fields);
  const verdict = judgeSpam(request.fields, form, now.getTime(), signed);
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
      const [earlier] = await store.events.byExternalIds([externalId(window), externalId(window - 1)]);
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
      // The visitor's lock before the lead's, as the tracker takes them (attachVisitorToLead): two
      // paths taking both in one order cannot deadlock.
      const visitorId = post.visitorId !== null && isVisitorId(post.visitorId) ? post.visitorId : null;
      if (visitorId !== null) await store.tracking.lockVisitor(visitorId);
      const visitor = visitorId === null ? undefined : await store.tracking.visitor(visitorId);
      const { lead, created } = await leadFor(txCtx, form, post, visitor);
      // The tracker's anonymous history of this browser becomes the lead's, at its original times,
      // before the post's own event: the history is older, and coming after it would be replayed
      // as late events that rewrite the lead's temperature history. It stands or falls with the
      // post (a visitor id the tracker never saw changes nothing).
      if (visitor) await attachVisitorToLead(txCtx, { visitorId: visitor.id, leadId: lead.id });
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
