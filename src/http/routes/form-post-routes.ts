import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { issueLoadTime } from '../../app/forms/load-token.js';
import { type FormReceipt, receiveFormPost } from '../../app/forms/submit.js';
import { isHearthError } from '../../domain/errors.js';
import { FORM_ANSWERS, type HostedForm } from '../../domain/forms/form.js';
import { escapeHtml } from '../../domain/forms/snippet.js';
import { handleError, STATUS_BY_CODE, sendError } from '../error-mapping.js';
import { FORM_CONTENT_TYPES, postedFields, postingOrigin } from '../form-body.js';

/**
 * A `fetch` that asks for JSON gets JSON (`{ ok, redirectUrl }` or Hearth's error body); a browser
 * navigating (Accept: text/html, or anything else) gets a redirect or a small page.
 */
const wantsJson = (request: FastifyRequest) => {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
};

/** A plain page for a visitor: what went wrong in words, never internals. */
function page(reply: FastifyReply, status: number, title: string, lines: readonly string[]): FastifyReply {
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    '</body></html>',
  ].join('\n');
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'")
    .header('cache-control', 'no-store')
    .send(body);
}

const TITLES: Partial<Record<number, string>> = {
  400: 'The form could not be sent',
  403: 'The form could not be sent',
  404: 'Form not found',
  413: 'The form is too large',
  429: 'Too many posts',
};

/** The posted field names a form is configured with: the only ones an error redirect may name. */
function configuredFields(form: HostedForm): Set<string> {
  const names = new Set<string>(Object.values(form.fields));
  for (const criterion of FORM_ANSWERS) {
    const mapping = form.qualification[criterion];
    if (mapping) names.add(mapping.field);
  }
  return names;
}

/**
 * The JSON answer of a post can be read by a script on one of the form's `allowedOrigins` (CORS);
 * a form open to any origin does not say so, since anyone's page could then read it.
 */
function allowReading(request: FastifyRequest, reply: FastifyReply, form: HostedForm) {
  const origin = request.headers.origin;
  if (origin !== undefined && form.allowedOrigins.includes(origin)) {
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  }
}

/** A refused post for a person: the error page the form names, or ours naming each field. */
function refusal(reply: FastifyReply, receipt: Extract<FormReceipt, { outcome: 'rejected' }>) {
  const { error, form } = receipt;
  const problems = error.details.problems ?? [];
  if (form.errorUrl !== null) {
    const url = new URL(form.errorUrl);
    url.searchParams.set('error', error.code);
    // A hostile page posts whatever field names it likes: only one the form has is named back.
    const known = configuredFields(form);
    const field = problems.find((p) => known.has(p.path))?.path;
    if (field !== undefined) url.searchParams.set('field', field);
    return reply.redirect(url.toString(), 303);
  }
  const lines =
    problems.length > 0
      ? problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
      : [error.message];
  return page(reply, STATUS_BY_CODE[error.code], 'The form could not be sent', [
    ...lines,
    'Please go back, correct the form and send it again.',
  ]);
}

/** Errors before or outside the service (unknown form, body too large, rate limit) as a page or JSON. */
function handleFormError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (wantsJson(request)) return handleError(error, request, reply);
  const status = isHearthError(error)
    ? STATUS_BY_CODE[error.code]
    : 'statusCode' in error &&
        typeof error.statusCode === 'number' &&
        error.statusCode >= 400 &&
        error.statusCode < 500
      ? error.statusCode
      : 500;
  if (status === 500) {
    request.log.error({ err: error }, 'unhandled error');
    return page(reply, 500, 'Something went wrong', [
      'The form could not be sent because of a problem on our side. Please try again later.',
      `Reference: ${request.id}`,
    ]);
  }
  const message = isHearthError(error)
    ? error.message
    : status === 413
      ? 'The form holds more than this server accepts.'
      : 'The form could not be read.';
  return page(reply, status, TITLES[status] ?? 'The form could not be sent', [message]);
}

/**
 * `POST /f/{formKey}`, outside /api/v1: an ordinary HTML form on any site posts here; visitors
 * hold no key. Counted against the ingest rate limit of the sender's address; HEARTH_BODY_LIMIT
 * applies. Not in the API document: the body is the site's own form (docs/integrations.md).
 */
export function formPostRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([...FORM_CONTENT_TYPES], { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    // Anything else is kept as bytes too, so that the answer is this route's, naming what to send.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.setErrorHandler(handleFormError);
    app.post(
      '/f/:formKey',
      {
        config: { permission: 'public', limitGroup: 'ingest' },
        schema: { hide: true, params: Type.Object({ formKey: Type.String({ maxLength: 100 }) }) },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const fields = await postedFields(body, request.headers['content-type']);
        const receipt = await receiveFormPost(ctx, request.params.formKey, {
          fields,
          origin: postingOrigin(request.headers),
        });
        if (receipt.outcome === 'spam') {
          request.log.info(
            { formId: receipt.form.id, submissionId: receipt.submissionId, reason: receipt.reason },
            'form post dropped as spam',
          );
        }
        allowReading(request, reply, receipt.form);
        if (receipt.outcome === 'rejected') {
          if (wantsJson(request)) return sendError(reply, receipt.error);
          return refusal(reply, receipt);
        }
        // Stored forms' URLs are serialised (ASCII) already; an older one typed with non-ASCII
        // characters is serialised here, as a Location header must be.
        const redirectUrl = new URL(receipt.form.redirectUrl).href;
        // A spam drop is answered exactly as a stored post: a bot learns nothing from the answer.
        if (wantsJson(request)) return reply.send({ ok: true, redirectUrl });
        return reply.redirect(redirectUrl, 303);
      },
    );
    // The snippet's script asks for a signed load time when the page loads: from any page (the
    // form may be pasted anywhere; the answer is no secret), without credentials.
    app.get(
      '/f/:formKey/t',
      {
        config: { permission: 'public', limitGroup: 'ingest' },
        schema: { hide: true, params: Type.Object({ formKey: Type.String({ maxLength: 100 }) }) },
      },
      async (request, reply) => {
        reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store');
        return reply.send(await issueLoadTime(ctx, request.params.formKey));
      },
    );
  };
}
