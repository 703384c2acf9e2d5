import Type from 'typebox';
import { LEAD_STATUSES } from '../domain/lead.js';

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
