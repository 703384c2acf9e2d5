import Type, { type Static } from 'typebox';
import { LEAD_STATUSES } from '../../domain/lead.js';

// Limits keep one row from bloating every page and index; they are generous for real data
// (RFC 5321 caps an address at 254 characters).
const text = (maxLength: number, description: string) =>
  Type.Union([Type.String({ maxLength }), Type.Null()], { description });

export const MAX_ATTRIBUTES = 200;

/** The standard fields and attributes a caller may set on a lead. */
export const leadFieldsProperties = {
  email: Type.Union([Type.String({ maxLength: 254 }), Type.Null()], {
    description: 'Identity of the lead; trimmed and lower-cased. Unique when present.',
  }),
  name: text(200, 'Full name.'),
  phone: text(50, 'Phone number as given.'),
  company: text(200, 'Company name.'),
  jobTitle: text(200, 'Job title.'),
  industry: text(100, 'Industry.'),
  companySize: Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()], {
    description: 'Number of employees.',
  }),
  country: text(100, 'Country name or ISO code.'),
  source: text(100, 'Where the lead came from: website, ads, referral, cold_outreach, event, import, …'),
  ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'The user who owns the lead.',
  }),
  status: Type.Enum(LEAD_STATUSES, { description: 'Lifecycle: open, customer, lost or disqualified.' }),
  optedOut: Type.Boolean({ description: 'True when the lead opted out of marketing.' }),
  attributes: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
    maxProperties: MAX_ATTRIBUTES,
    description: 'Any other fields; merged key by key, a null value removes a key.',
  }),
};

const optional = <T extends Record<string, Parameters<typeof Type.Optional>[0]>>(properties: T) =>
  Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };

/** `POST /api/v1/leads` and one lead of an import. */
export const LeadInput = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Update or create the lead with this id (e.g. when restoring an export).',
      }),
    ),
    createdAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the lead was first seen.' }),
    ),
    ...optional(leadFieldsProperties),
  },
  { additionalProperties: false },
);
export type LeadInput = Static<typeof LeadInput>;

/** `PATCH /api/v1/leads/{id}`: only what is present changes; null clears a field. */
export const LeadPatch = Type.Object(optional(leadFieldsProperties), { additionalProperties: false });
export type LeadPatch = Static<typeof LeadPatch>;
