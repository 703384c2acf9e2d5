import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type FieldProblem, HearthError } from '../domain/errors.js';

/** The parts of a JSON Schema validation error (Ajv's and TypeBox's share this shape). */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

/** `/events/3/type` → `events[3].type`, prefixed by where the value came from (`body`, `line 4`). */
export function fieldPath(instancePath: string, prefix = ''): string {
  const parts = instancePath
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = prefix;
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  return path;
}

/**
 * Turns schema errors into one readable problem per field: `status: must be one of open, customer,
 * lost, disqualified` rather than a list of failed schema branches.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], prefix = ''): FieldProblem[] {
  const byPath = new Map<string, SchemaError[]>();
  for (const error of errors) {
    if (error.keyword === 'boolean' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    let path = error.instancePath;
    if (error.keyword === 'additionalProperties') {
      const extra =
        error.params.additionalProperty ?? (error.params.additionalProperties as string[] | undefined)?.[0];
      path = `${path}/${String(extra)}`;
    }
    if (error.keyword === 'required') {
      const missing =
        error.params.missingProperty ?? (error.params.requiredProperties as string[] | undefined)?.[0];
      path = `${path}/${String(missing)}`;
    }
    byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  return [...byPath].map(([path, group]) => ({
    path: fieldPath(path, prefix),
    message: describeGroup(group),
  }));
}

function describeGroup(group: readonly SchemaError[]): string {
  const first = group[0] as SchemaError;
  switch (first.keyword) {
    case 'additionalProperties':
      return 'is not a known field';
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(first.params.allowedValues as unknown[]).join(', ')}`;
    case 'type': {
      const types = [...new Set(group.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)))];
      return `must be ${types.map((t) => (t === 'null' ? 'null' : `a${/^[aeiou]/.test(t) ? 'n' : ''} ${t}`)).join(' or ')}`;
    }
    case 'format':
      return `must be a valid ${String(first.params.format)}`;
    default:
      return first.message ?? `fails ${first.keyword}`;
  }
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** How deep free JSON (attributes, event properties) may nest; deeper documents are refused. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first thing in a value that the database cannot store or that would overflow the stack on
 * the way there: a string (value or key) holding U+0000, which PostgreSQL text and jsonb refuse,
 * or nesting deeper than MAX_JSON_DEPTH. Such input is invalid here rather than a crash later.
 */
function findUnstorable(
  value: unknown,
  pointer = '',
  depth = 0,
): { pointer: string; message: string } | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? { pointer, message: 'must not contain U+0000' } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH)
    return { pointer, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
  for (const [key, item] of Object.entries(value)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key.includes('\u0000')) return { pointer: at, message: 'must not have U+0000 in its name' };
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
        problems: describeSchemaErrors([...compiled.Errors(value)] as SchemaError[], prefix),
      };
    }
    const unstorable = findUnstorable(value);
    if (unstorable !== undefined) {
      return {
        ok: false,
        problems: [{ path: fieldPath(unstorable.pointer, prefix), message: unstorable.message }],
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
