import Type from 'typebox';
import { ACTION_KINDS } from '../domain/desk/playbook.js';
import { LEAD_STATUSES } from '../domain/lead.js';
import { TEMPERATURES } from '../domain/scoring/model.js';

// Response schemas are the list of fields allowed to leave the server: the serialiser drops
// anything not named here, so a new column never leaks by accident.

const nullableString = (description: string, format?: string) =>
  Type.Union([Type.String(format ? { format } : {}), Type.Null()], { description });

/** An instant: a `Date` in the code, an ISO 8601 string on the wire (the serialiser converts). */
export const DateTime = (description?: string) =>
  Type.Unsafe<Date>({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
export const NullableDateTime = (description?: string) =>
  Type.Unsafe<Date | null>({
    type: ['string', 'null'],
    format: 'date-time',
    ...(description ? { description } : {}),
  });

export const NextBestActionView = Type.Object({
  id: Type.String({ description: 'Stable within the playbook: `situation.kind`, e.g. `warm.offer`.' }),
  kind: Type.Enum(ACTION_KINDS),
  title: Type.String(),
  reason: Type.String({ description: 'Why it fits now: counts and dates from the lead (times in UTC).' }),
  detail: Type.Optional(Type.String({ description: 'How to do it, from the playbook settings.' })),
});

export const LeadView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: nullableString('Normalised email.'),
    name: nullableString('Full name.'),
    phone: nullableString('Phone.'),
    company: nullableString('Company.'),
    jobTitle: nullableString('Job title.'),
    industry: nullableString('Industry.'),
    companySize: Type.Union([Type.Integer(), Type.Null()], { description: 'Employees.' }),
    country: nullableString('Country.'),
    source: nullableString('Source.'),
    ownerId: nullableString('Owning user.', 'uuid'),
    status: Type.Enum(LEAD_STATUSES),
    optedOut: Type.Boolean(),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    lastActivityAt: NullableDateTime('Time of the latest event.'),
    fit: Type.Number({ description: 'Fit score 0–100: who the lead is.' }),
    interest: Type.Number({ description: 'Interest score 0–100 at the time of the request (decays).' }),
    temperature: Type.Enum(TEMPERATURES, {
      description: 'cold, cool, warm or hot at the time of the request (SPEC §2 Temperature).',
    }),
    modelVersion: Type.Integer({ description: 'The scoring model version that produced the scores.' }),
    probability: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
      description:
        'Calibrated probability of converting (0–1) from the predictive score (docs/prediction.md); null before a model is trained and for closed leads.',
    }),
    nextBestActions: Type.Optional(
      Type.Array(NextBestActionView, {
        description: 'The playbook for this lead now (single-lead reads only, not in lists).',
      }),
    ),
  },
  { $id: 'Lead' },
);

export const LeadPageView = Type.Object({
  data: Type.Array(Type.Ref('Lead')),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` to get the next page; null on the last page.',
  }),
});

export const EventView = Type.Object(
  {
    id: Type.Integer(),
    leadId: Type.String({ format: 'uuid' }),
    type: Type.String(),
    occurredAt: DateTime(),
    receivedAt: DateTime(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    properties: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'Event' },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The id.' }) });

const Evidence = Type.Object({
  value: Type.Enum(['yes', 'no', 'unknown']),
  source: Type.Object(
    {
      kind: Type.Enum(['user', 'form', 'rule']),
      userId: Type.Optional(Type.String()),
      note: Type.Optional(Type.String()),
      ruleId: Type.Optional(Type.String()),
      eventId: Type.Optional(Type.Integer()),
    },
    { description: 'Who or what set it: a user, a form answer, or a rule.' },
  ),
  at: DateTime(),
});

const Qualification = Type.Object({
  criteria: Type.Array(
    Type.Object({
      criterion: Type.String(),
      value: Type.Enum(['yes', 'no', 'unknown']),
      decidedBy: Type.Union([Evidence, Type.Null()]),
      outranked: Type.Array(Evidence),
    }),
  ),
  yes: Type.Integer({ description: 'How many criteria are yes.' }),
  required: Type.Integer({ description: 'How many must be yes.' }),
  qualified: Type.Boolean(),
});

const Window = Type.Object({ ruleId: Type.String(), eventId: Type.Integer(), until: DateTime() });

export const ExplanationView = Type.Object(
  {
    leadId: Type.String({ format: 'uuid' }),
    modelVersion: Type.Integer(),
    at: DateTime('The instant explained.'),
    fit: Type.Object({
      score: Type.Number({ description: 'The reported fit: raw clamped to 0–100.' }),
      raw: Type.Number(),
      clamp: Type.Enum(['none', 'floor', 'ceiling']),
      contributions: Type.Array(Type.Object({ ruleId: Type.String(), points: Type.Number() })),
    }),
    interest: Type.Object({
      score: Type.Number({ description: 'The reported interest: sum clamped to 0–100.' }),
      sum: Type.Number({ description: 'The sum of the decayed contributions before clamping.' }),
      clamp: Type.Enum(['none', 'floor', 'ceiling']),
      byGroup: Type.Object({ engagement: Type.Number(), intent: Type.Number(), negative: Type.Number() }),
      contributions: Type.Array(
        Type.Object({
          ruleId: Type.String(),
          group: Type.Enum(['engagement', 'intent', 'negative']),
          eventId: Type.Integer(),
          occurredAt: DateTime(),
          points: Type.Number({ description: 'Points when the event happened.' }),
          decayed: Type.Number({ description: 'Decayed to `at`, in hundredths; they add up to `sum`.' }),
        }),
      ),
    }),
    qualification: Qualification,
    temperature: Type.Object({
      temperature: Type.Enum(TEMPERATURES),
      interest: Type.Number(),
      fit: Type.Number(),
      hotBecause: Type.Union([
        Type.Object({
          kind: Type.Enum(['interest_and_qualification', 'high_intent']),
          ruleId: Type.Optional(Type.String()),
          eventId: Type.Optional(Type.Integer()),
          until: Type.Optional(DateTime()),
        }),
        Type.Null(),
      ]),
      warmBecause: Type.Union([Type.Enum(['interest', 'returning_customer']), Type.Null()]),
      highIntent: Type.Array(Window),
      returningCustomer: Type.Boolean(),
      cooledAt: NullableDateTime('For cool and cold leads that were warm or hot: when that ended.'),
      suggestLetGo: Type.Boolean({ description: 'Cold after the cool period: suggest letting go.' }),
    }),
    checks: Type.Array(
      Type.Object({
        id: Type.String(),
        label: Type.String(),
        passed: Type.Boolean(),
        value: Type.Union([Type.Number(), Type.Null()]),
        threshold: Type.Union([Type.Number(), Type.Null()]),
        sentence: Type.String({
          description:
            'What holds, in words; never contradicts `passed` (numbers are rounded only when that keeps them on the same side of the threshold).',
        }),
      }),
      { description: 'The thresholds and rules behind the temperature, passed or failed.' },
    ),
    matchesState: Type.Boolean({
      description: 'Whether the events rebuild the stored state exactly (false means a stale state).',
    }),
  },
  { $id: 'Explanation' },
);

export const TransitionView = Type.Object(
  {
    id: Type.Integer(),
    from: Type.Enum(TEMPERATURES),
    to: Type.Enum(TEMPERATURES),
    at: DateTime(),
    cause: Type.Object(
      {
        kind: Type.Enum([
          'event',
          'decay',
          'qualification',
          'rule',
          'cool_period',
          'model_publish',
          'lead_update',
        ]),
        eventId: Type.Optional(Type.Integer()),
        threshold: Type.Optional(Type.String()),
        criterion: Type.Optional(Type.String()),
        userId: Type.Optional(Type.String()),
        ruleId: Type.Optional(Type.String()),
        version: Type.Optional(Type.Integer()),
      },
      { description: 'What caused it: an event, decay, a qualification change, a rule window, …' },
    ),
    modelVersion: Type.Integer(),
    suggestLetGo: Type.Boolean(),
  },
  { $id: 'Transition' },
);
