import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type ErrorCode, HearthError, isHearthError } from '../domain/errors.js';

/** Every error code's HTTP status, in one place (STYLE: each edge maps codes once, exhaustively). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { description: 'Every error has this shape; `details.problems` lists each field at fault.' },
);

// Fastify's own errors for malformed requests, translated into Hearth's vocabulary.
function fromFramework(error: FastifyError, request: FastifyRequest): HearthError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions.bodyLimit;
      return new HearthError(
        'too_large',
        `The request body is larger than the limit of ${limit} bytes (HEARTH_BODY_LIMIT); send fewer or smaller items per request`,
        { limitBytes: limit },
      );
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HearthError('invalid', 'Send the body as application/json', {});
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HearthError('invalid', 'The body is empty; send a JSON document', {});
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HearthError('invalid', 'The body is not valid JSON', {});
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new HearthError('invalid', 'The body is not valid JSON', {});
  }
  if (error.statusCode === 404) return new HearthError('not_found', 'No such route', {});
  if (error.statusCode === 413) return new HearthError('too_large', 'The request is too large', {});
  if (error.statusCode === 415) return new HearthError('invalid', 'Unsupported content type', {});
  return undefined;
}

export function sendError(reply: FastifyReply, error: HearthError): FastifyReply {
  return reply.status(STATUS_BY_CODE[error.code]).send({
    error: { code: error.code, message: error.message, details: error.details },
  });
}

/**
 * Known errors become `{ error: { code, message, details } }` with their status. Anything else is
 * logged with its stack and answered with a bare 500 carrying the request id — no internal text
 * (database messages included) ever reaches a client.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (isHearthError(error)) return sendError(reply, error);
  const translated = fromFramework(error as FastifyError, request);
  if (translated) return sendError(reply, translated);
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send({
    error: {
      code: 'internal',
      message: 'Something went wrong on our side',
      details: { requestId: request.id },
    },
  });
}
