import fc from 'fast-check';

/** The subset of JSON Schema the OpenAPI document of Hearth's routes uses (request side). */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
}

export type Resolve = (ref: string) => Schema;

/** Values a careless or hostile client sends whatever the schema says. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff x', '=cmd|calc!A1', '\u202e', '', ' ', '__proto__'),
  fc.integer({ min: 10_001, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.anything({ maxDepth: 3, maxKeys: 5, withBigInt: false, withSet: false, withMap: false }),
  fc.integer({ min: 50, max: 3_000 }).map((n) => nested(n)),
  fc.constantFrom({ constructor: { prototype: { polluted: true } } }, { __proto__: { polluted: true } }),
);

/**
 * {"a":{"a":…}} n levels deep once serialised by `toJson`; shown as `nested(n)` in a counterexample
 * (building or printing the object itself would overflow the test's own stack).
 */
export class Nested {
  constructor(readonly depth: number) {}
  [fc.toStringMethod](): string {
    return `nested(${this.depth})`;
  }
}

export function nested(depth: number): Nested {
  return new Nested(depth);
}

/** JSON text of a generated value, with each `Nested` written out as its deep document. */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value ?? null, (_key, v: unknown) =>
    v instanceof Nested ? `@@nested:${v.depth}@@` : v,
  );
  return text.replace(/"@@nested:(\d+)@@"/g, (_, n: string) => {
    const depth = Number(n);
    return `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
  });
}

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  uuid: fc.uuid(),
  email: fc.emailAddress().filter((e) => e.length <= 254),
  'date-time': fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2027-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  date: fc
    .date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2027-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
  uri: fc.webUrl(),
};

const FORMAT_MISSES: Record<string, fc.Arbitrary<string>> = {
  uuid: fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-00000000000g', '1', "' or 1=1 --"),
  email: fc.constantFrom(
    'no-at-sign',
    '@example.com',
    'a@',
    'a b@example.com',
    `${'x'.repeat(250)}@example.com`,
  ),
  'date-time': fc.constantFrom(
    'yesterday',
    '2026-13-01T00:00:00Z',
    '2026-02-30T25:61:00Z',
    '0000-00-00',
    '1e9',
  ),
  date: fc.constantFrom('2026-02-30', '26-1-1', 'tomorrow'),
  uri: fc.constantFrom('not a url', 'javascript:alert(1)', 'ftp://x', 'http://'),
};

function typesOf(schema: Schema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

/** Values the schema accepts (best effort: a `pattern` is not honoured, so some are near misses too). */
export function valid(schema: Schema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return valid(resolve(schema.$ref), resolve, depth);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => valid(s, resolve, depth)));
  const type = typesOf(schema)[0];
  const orNull = (arb: fc.Arbitrary<unknown>) => (schema.nullable ? fc.option(arb, { nil: null }) : arb);
  switch (type) {
    case 'string': {
      const format = schema.format ? FORMATS[schema.format] : undefined;
      if (format) return orNull(format);
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.min(schema.maxLength ?? 60, minLength + 60);
      return orNull(fc.string({ unit: 'grapheme', minLength, maxLength }));
    }
    case 'integer':
    case 'number': {
      const min =
        schema.minimum ?? (schema.exclusiveMinimum === undefined ? -1e6 : schema.exclusiveMinimum + 1);
      const max = schema.maximum ?? 1e6;
      const double = fc.double({ min, max, noNaN: true });
      // A range such as 0.1–0.95 holds no whole number: only fractions are valid there.
      if (type === 'number' && Math.ceil(min) > Math.floor(max)) return orNull(double);
      const int = fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
      return orNull(type === 'integer' ? int : fc.oneof(int, double));
    }
    case 'boolean':
      return orNull(fc.boolean());
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 4, minLength + 4);
      const item = schema.items ? valid(schema.items, resolve, depth + 1) : fc.jsonValue({ maxDepth: 2 });
      return orNull(fc.array(item, { minLength, maxLength }));
    }
    case 'object':
      return orNull(validObject(schema, resolve, depth));
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validObject(schema: Schema, resolve: Resolve, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A free map (attributes, properties): keys and JSON values.
    const maxKeys = Math.min(schema.maxProperties ?? 5, 5);
    const value =
      typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length > 0
        ? valid(schema.additionalProperties, resolve, depth + 1)
        : fc.jsonValue({ maxDepth: 2 });
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), value, {
      minKeys: schema.minProperties ?? 0,
      maxKeys,
    });
  }
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of names) record[name] = valid(properties[name] as Schema, resolve, depth + 1);
  return fc.record(record, { requiredKeys: [...(schema.required ?? [])].filter((k) => names.includes(k)) });
}

/** Values one step outside the schema: the kind of mistake a client makes. */
export function nearMiss(schema: Schema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return nearMiss(resolve(schema.$ref), resolve, depth);
  if (schema.enum) {
    const strings = schema.enum.filter((v): v is string => typeof v === 'string');
    return fc.oneof(
      fc.constantFrom(...(strings.length ? strings : ['x'])).map((v) => `${v.toUpperCase()} `),
      fc.constant('unknown-value'),
      fc.constant(schema.enum),
      garbage,
    );
  }
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => nearMiss(s, resolve, depth)));
  const type = typesOf(schema)[0];
  switch (type) {
    case 'string': {
      const misses: fc.Arbitrary<unknown>[] = [
        fc.integer(),
        fc.constant(null),
        fc.constant(['a']),
        fc.constant({}),
      ];
      if (schema.maxLength !== undefined) {
        const max = schema.maxLength;
        misses.push(fc.integer({ min: max + 1, max: max + 40 }).map((n) => 'é'.repeat(n)));
      }
      if ((schema.minLength ?? 0) > 0) misses.push(fc.constant(''));
      if (schema.format && FORMAT_MISSES[schema.format])
        misses.push(FORMAT_MISSES[schema.format] as fc.Arbitrary<string>);
      misses.push(fc.constantFrom('\u0000', 'nul\u0000inside', '\ud83d', '=1+1', '@SUM(A1)', '\t\r\n'));
      return fc.oneof(...misses);
    }
    case 'integer':
    case 'number': {
      const misses: fc.Arbitrary<unknown>[] = [
        fc.constantFrom('12', '1e3', 'NaN', 'Infinity', true, null, [1]),
        fc.constantFrom(1e300, -1e300, 2 ** 63, 2 ** 31),
      ];
      if (type === 'integer') misses.push(fc.double({ min: -1e6, max: 1e6, noInteger: true, noNaN: true }));
      if (schema.minimum !== undefined) misses.push(fc.constant(schema.minimum - 1));
      if (schema.exclusiveMinimum !== undefined) misses.push(fc.constant(schema.exclusiveMinimum));
      if (schema.maximum !== undefined) misses.push(fc.constant(schema.maximum + 1));
      return fc.oneof(...misses);
    }
    case 'boolean':
      return fc.constantFrom('true', 0, 1, 'yes', null);
    case 'array': {
      const item = schema.items ?? {};
      const misses: fc.Arbitrary<unknown>[] = [
        fc.constant('not an array'),
        fc.constant({ 0: 'a' }),
        fc.array(nearMiss(item, resolve, depth + 1), { minLength: 1, maxLength: 3 }),
      ];
      if (schema.maxItems !== undefined) {
        const over = schema.maxItems + 1;
        misses.push(valid(item, resolve, depth + 1).map((one) => Array.from({ length: over }, () => one)));
      }
      if ((schema.minItems ?? 0) > 0) misses.push(fc.constant([]));
      return fc.oneof(...misses);
    }
    case 'object':
      return nearMissObject(schema, resolve, depth);
    default:
      return garbage;
  }
}

function nearMissObject(schema: Schema, resolve: Resolve, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const base = validObject(schema, resolve, depth);
  const misses: fc.Arbitrary<unknown>[] = [
    fc.constantFrom('a string', 42, [], null),
    // An extra field nobody declared.
    fc.tuple(base, fc.string({ minLength: 1, maxLength: 12 }), garbage).map(([value, key, extra]) => ({
      ...value,
      [names.includes(key) ? `${key}_extra` : key]: extra,
    })),
  ];
  if (names.length === 0) {
    // A free map: too many keys, deep values, long strings, odd keys.
    misses.push(
      fc.integer({ min: 1, max: 4 }).map((k) => {
        const max = schema.maxProperties ?? 1000;
        return Object.fromEntries(Array.from({ length: max + k }, (_, i) => [`k${i}`, i]));
      }),
      fc.integer({ min: 50, max: 5_000 }).map((n) => ({ deep: nested(n) })),
      fc.constant({ long: 'y'.repeat(10_001) }),
      fc.constant({ '': 1, '\u0000': 'nul key', 'a.b[0]': 2 }),
    );
  } else {
    // One declared field given a near miss, the rest valid.
    misses.push(
      fc
        .tuple(base, fc.constantFrom(...names))
        .chain(([value, name]) =>
          nearMiss(properties[name] as Schema, resolve, depth + 1).map((bad) => ({ ...value, [name]: bad })),
        ),
    );
    if ((schema.required ?? []).length > 0) {
      misses.push(
        fc.tuple(base, fc.constantFrom(...(schema.required as string[]))).map(([value, name]) => {
          const { [name]: _dropped, ...rest } = value;
          return rest;
        }),
      );
    }
  }
  return fc.oneof(...misses);
}

/** A body or parameter value: valid, a near miss, or garbage. */
export function fuzzValue(schema: Schema, resolve: Resolve): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid(schema, resolve), weight: 3 },
    { arbitrary: nearMiss(schema, resolve), weight: 5 },
    { arbitrary: garbage, weight: 2 },
  );
}
