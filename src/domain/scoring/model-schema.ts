import Type, { type Static } from 'typebox';
import type { ScoringModel } from './model.js';

/**
 * The published JSON Schema of the scoring model document (TypeBox builds both the schema and
 * the checker). It says what a schema can: shapes, types, ranges. `validateModel` adds what it
 * cannot (regexes compile and are safe, ids are unique, half-lives are ordered, …).
 */

const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
  maxLength: 100,
  description: 'Identifies the rule in explanations and transitions; unique within the model.',
});
const Description = Type.Optional(Type.String({ maxLength: 1000 }));
const EventType = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'An event type, e.g. page_view.',
});
const Days = (description: string) => Type.Number({ exclusiveMinimum: 0, maximum: 3650, description });
const Score = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });
// Whole points keep the arithmetic of fit exact and match every vendor model we cite.
const Points = Type.Integer({ minimum: -100, maximum: 100, description: 'Whole points.' });

const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]);

export const MatcherSchema = Type.Object(
  {
    equals: Type.Optional(Scalar),
    in: Type.Optional(Type.Array(Scalar, { minItems: 1, maxItems: 1000 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    regex: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    ignoreCase: Type.Optional(Type.Boolean()),
    exists: Type.Optional(Type.Boolean()),
    withinNextDays: Type.Optional(Days('The value is a date between now and now + N days.')),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Keys other than all/any/not are field paths, each with a matcher. */
export const ConditionSchema = Type.Cyclic(
  {
    Condition: Type.Object(
      {
        all: Type.Optional(Type.Array(Type.Ref('Condition'), { minItems: 1 })),
        any: Type.Optional(Type.Array(Type.Ref('Condition'), { minItems: 1 })),
        not: Type.Optional(Type.Ref('Condition')),
      },
      { additionalProperties: MatcherSchema, minProperties: 1 },
    ),
  },
  'Condition',
);

const FitRuleSchema = Type.Object(
  { id: Id, description: Description, when: ConditionSchema, points: Points },
  { additionalProperties: false },
);

const CapSchema = Type.Object(
  {
    max: Type.Integer({ minimum: 1, maximum: 1000 }),
    per: Type.Enum(['day', 'week', 'ever']),
  },
  { additionalProperties: false },
);

const InterestRuleSchema = Type.Object(
  {
    id: Id,
    description: Description,
    group: Type.Enum(['engagement', 'intent', 'negative']),
    type: EventType,
    where: Type.Optional(ConditionSchema),
    points: Points,
    cap: Type.Optional(CapSchema),
  },
  { additionalProperties: false },
);

const QualificationRuleSchema = Type.Object(
  {
    id: Id,
    description: Description,
    criterion: Type.String({ minLength: 1, maxLength: 100 }),
    value: Type.Enum(['yes', 'no']),
    when: Type.Object(
      {
        fit: Type.Optional(
          Type.Object(
            { min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) },
            { additionalProperties: false, minProperties: 1 },
          ),
        ),
        lead: Type.Optional(ConditionSchema),
        event: Type.Optional(
          Type.Object(
            {
              type: EventType,
              where: Type.Optional(ConditionSchema),
              withinDays: Type.Optional(Days('The criterion holds this long after the event.')),
              formAnswer: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, minProperties: 1, maxProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

const HighIntentRuleSchema = Type.Object(
  {
    id: Id,
    description: Description,
    type: EventType,
    where: Type.Optional(ConditionSchema),
    minFit: Score('The lead must have at least this fit.'),
    forDays: Days('The lead stays hot this long after the event.'),
  },
  { additionalProperties: false },
);

export const ScoringModelSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Set by publishing; each publish adds one.' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Description,
    fit: Type.Array(FitRuleSchema, { maxItems: 500 }),
    interest: Type.Array(InterestRuleSchema, { maxItems: 500 }),
    halfLifeDays: Type.Object(
      {
        engagement: Days('Half-life of engagement points.'),
        intent: Days('Half-life of intent points.'),
        negative: Days('Half-life of negative points; at least every other half-life.'),
      },
      { additionalProperties: false },
    ),
    qualification: Type.Object(
      {
        criteria: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 }),
        minimumYes: Type.Optional(Type.Integer({ minimum: 1 })),
        rules: Type.Array(QualificationRuleSchema, { maxItems: 500 }),
      },
      { additionalProperties: false },
    ),
    temperature: Type.Object(
      {
        warm: Type.Number({
          exclusiveMinimum: 0,
          maximum: 100,
          description: 'Warm at or above this interest.',
        }),
        hot: Score('Hot at or above this interest, when qualified.'),
        coolPeriodDays: Days('How long a lead stays cool before it turns cold.'),
        highIntent: Type.Array(HighIntentRuleSchema, { maxItems: 100 }),
        returningCustomer: Type.Optional(
          Type.Object(
            { purchaseType: EventType, forDays: Days('A purchase keeps the lead warm this long.') },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'https://hearth.dev/schemas/scoring-model.json' },
);

/**
 * The model's JSON Schema as a standalone 2020-12 document, for editors, `hearth model`, the
 * OpenAPI document and other validators. TypeBox repeats the recursive `Condition` definition
 * (with its `$id`) wherever a condition appears; a standalone document keeps one copy at the
 * root, or other validators see the `$id` defined several times.
 *
 * @example JSON.stringify(scoringModelJsonSchema(), null, 2) // written to docs or served as a file
 */
export function scoringModelJsonSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  const hoist = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(hoist);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$defs') {
        for (const [name, def] of Object.entries(value as Record<string, unknown>)) defs[name] ??= hoist(def);
      } else {
        out[key] = hoist(value);
      }
    }
    return out;
  };
  const root = hoist(JSON.parse(JSON.stringify(ScoringModelSchema))) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...root, $defs: defs };
}

// The hand-written types in model.ts are what the code reads; this line fails to compile when
// the schema admits a document those types do not describe.
type SchemaAgreesWithTypes = Static<typeof ScoringModelSchema> extends ScoringModel ? true : never;
export const schemaAgreesWithTypes: SchemaAgreesWithTypes = true;

/** `scoringModelJsonSchema()` as the text of docs/scoring-model.schema.json and `hearth model schema`. */
export function renderModelSchema(): string {
  return `${JSON.stringify(scoringModelJsonSchema(), null, 2)}\n`;
}
