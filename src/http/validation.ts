import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { validator } from '../app/validation.js';
import { HearthError } from '../domain/errors.js';

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
