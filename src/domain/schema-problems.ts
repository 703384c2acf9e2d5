import type { FieldProblem } from './errors.js';

/** The parts of a JSON Schema validation error (TypeBox's and Ajv's share this shape). */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

/**
 * `/interest/3/where/url` → `interest[3].where.url`, after an optional prefix naming where the
 * value came from (`body`, `query`).
 *
 * @example documentPath('/fit/0/points') // 'fit[0].points'
 * @example documentPath('/3/type', 'body') // 'body[3].type'
 */
export function documentPath(instancePath: string, prefix = ''): string {
  let path = prefix;
  for (const raw of instancePath.split('/').filter((p) => p !== '')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

/**
 * One readable problem per field from schema errors: `status: must be one of open, customer, lost,
 * disqualified` rather than a list of failed schema branches. A field that fails its own schema
 * also makes its parent report it as an "additional property"; that echo is dropped.
 */
export function schemaProblems(errors: readonly SchemaError[], prefix = ''): FieldProblem[] {
  const isUnion = (e: SchemaError) =>
    e.keyword === 'boolean' || e.keyword === 'anyOf' || e.keyword === 'oneOf';
  const specific = errors.filter((e) => !isUnion(e));
  // A union whose branches left no error of their own beneath it (each branch failed on a keyword
  // that reports nothing deeper) would otherwise vanish and leave a 400 that names nothing.
  const unexplained = errors.filter(
    (e) =>
      isUnion(e) &&
      !specific.some(
        (s) => s.instancePath === e.instancePath || s.instancePath.startsWith(`${e.instancePath}/`),
      ),
  );
  const located = [...specific, ...unexplained].map((e) => ({ error: e, path: pointerOf(e) }));
  const byPath = new Map<string, SchemaError[]>();
  for (const { error, path } of located) {
    // The property failed its own schema too: those deeper errors say why, this echo adds nothing.
    const echo =
      error.keyword === 'additionalProperties' && located.some((other) => other.path.startsWith(`${path}/`));
    if (!echo) byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  return [...byPath].map(([path, group]) => ({ path: documentPath(path, prefix), message: describe(group) }));
}

function pointerOf(error: SchemaError): string {
  // A property name is one pointer segment: `/` and `~` in it are escaped as in the error's own path.
  const extra = (key: string, listKey: string) =>
    String(error.params[key] ?? (error.params[listKey] as unknown[] | undefined)?.[0])
      .replace(/~/g, '~0')
      .replace(/\//g, '~1');
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${extra('additionalProperty', 'additionalProperties')}`;
  }
  if (error.keyword === 'required') {
    return `${error.instancePath}/${extra('missingProperty', 'requiredProperties')}`;
  }
  return error.instancePath;
}

function describe(group: readonly SchemaError[]): string {
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
    case 'minProperties':
      return 'must not be empty';
    case 'anyOf':
    case 'oneOf':
    case 'boolean':
      return 'is none of the accepted forms';
    case 'maxProperties':
      return `must have at most ${String(first.params.limit)} key(s)`;
    default:
      return first.message ?? `fails ${first.keyword}`;
  }
}
