import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { validator } from '../app/validation.js';
import { HearthError, isHearthError } from '../domain/errors.js';

/**
 * Request validation by TypeBox's compiler, strict for bodies (no coercion, unknown fields are
 * errors, not silently dropped) and converting for query strings and path parameters, where every
 * value arrives as text. Errors are Hearth `invalid` errors naming each field as `body.email`,
 * `querystring.limit`.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = validator(schema);
  const converts = httpPart === 'querystring' || httpPart === 'params';
  const prefix = httpPart === 'querystring' ? 'query' : (httpPart ?? '');
  return (data: unknown) => {
    const value = converts ? Value.Convert(schema, data) : data;
    const result = check.check(value, prefix);
    if (result.ok) return { value: result.value };
    return { error: HearthError.invalid(result.problems) };
  };
};

/**
 * Runs a service call on the request body: the service names fields of its input (`email`), and
 * the client needs them located in the request (`body.email`), as the schema checks name them.
 */
export async function onBody<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
      throw HearthError.invalid(
        error.details.problems.map((p) => ({ ...p, path: p.path === '' ? 'body' : `body.${p.path}` })),
      );
    }
    throw error;
  }
}
