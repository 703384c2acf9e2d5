import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type FieldProblem, HearthError } from '../domain/errors.js';
import { documentPath, type SchemaError, schemaProblems } from '../domain/schema-problems.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** How deep free JSON (attributes, event properties) may nest; deeper documents are refused. */
export const MAX_JSON_DEPTH = 64;
/**
 * The longest string anywhere in free JSON (attribute and property values, automation action
 * values); every named text field has its own, smaller limit in its schema.
 */
export const MAX_JSON_STRING = 10_000;

// Half of a UTF-16 surrogate pair: JSON can escape it ("\ud83d"), jsonb refuses it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first thing in a value that the database cannot store or that would overflow the stack on
 * the way there: a string (value or key) holding U+0000, which PostgreSQL text and jsonb refuse,
 * or half of a surrogate pair, which jsonb refuses; a string longer than MAX_JSON_STRING; nesting
 * deeper than MAX_JSON_DEPTH. Such input is invalid here rather than a crash later.
 */
function findUnstorable(
  value: unknown,
  pointer = '',
  depth = 0,
): { pointer: string; message: string } | undefined {
  if (typeof value === 'string') {
    if (value.length > MAX_JSON_STRING)
      return { pointer, message: `must be at most ${MAX_JSON_STRING} characters long` };
    if (value.includes('\u0000')) return { pointer, message: 'must not contain U+0000' };
    return LONE_SURROGATE.test(value)
      ? { pointer, message: 'must be well-formed Unicode (it holds half of a surrogate pair)' }
      : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH)
    return { pointer, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
  for (const [key, item] of Object.entries(value)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key.includes('\u0000')) return { pointer: at, message: 'must not have U+0000 in its name' };
    if (LONE_SURROGATE.test(key)) {
      return { pointer: at, message: 'must have well-formed Unicode in its name (half of a surrogate pair)' };
    }
    const found = findUnstorable(item, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A compiled validator for a schema: `check` returns the problems instead of throwing (for batches
 * and import rows), `parse` throws an `invalid` HearthError naming every field at fault.
 */
export function validator<S extends TSchema>(schema: S) {
  const compiled = Compile(schema);
  type Value = typeof compiled extends { Check(value: unknown): value is infer V } ? V : never;
  const check = (value: unknown, prefix = ''): Checked<Value> => {
    if (!compiled.Check(value)) {
      return {
        ok: false,
        problems: schemaProblems([...compiled.Errors(value)] as SchemaError[], prefix),
      };
    }
    const unstorable = findUnstorable(value);
    if (unstorable !== undefined) {
      return {
        ok: false,
        problems: [{ path: documentPath(unstorable.pointer, prefix), message: unstorable.message }],
      };
    }
    return { ok: true, value: value as Value };
  };
  return {
    schema,
    check,
    parse: (value: unknown, prefix = ''): Value => {
      const result = check(value, prefix);
      if (!result.ok) throw HearthError.invalid(result.problems);
      return result.value;
    },
  };
}
