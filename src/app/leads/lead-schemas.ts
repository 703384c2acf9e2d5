import Type, { type Static } from 'typebox';
import { LEAD_STATUSES } from '../../domain/lead.js';
import { TEMPERATURES } from '../../domain/scoring/model.js';
import { LEAD_SORT_FIELDS } from '../../store/leads.js';

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

/**
 * What the leads table sorts on (`sort` of `GET /api/v1/leads`): a stored column, or `interest`,
 * current interest ranked from its two index keys (app/scoring/interest-ranking.ts), highest first
 * only — the lowest interest is the 0 of every lead without points, which no index orders.
 */
export const LEAD_LIST_SORTS = [...LEAD_SORT_FIELDS.flatMap((f) => [f, `-${f}`]), '-interest'] as const;
export type LeadListSort = (typeof LEAD_LIST_SORTS)[number];
export const DEFAULT_LEAD_SORT: LeadListSort = '-createdAt';

/** The filters of the leads table: the list query's and a saved view's. */
export const leadListFilterProperties = {
  status: Type.Optional(Type.Enum(LEAD_STATUSES)),
  owner: Type.Optional(
    Type.Union([Type.String({ format: 'uuid' }), Type.Literal('none')], {
      description: 'A user id, or `none` for unassigned leads.',
    }),
  ),
  source: Type.Optional(Type.String({ maxLength: 100 })),
  temperature: Type.Optional(
    Type.Enum(TEMPERATURES, {
      description:
        'Stored temperature, exact as of the last write to the lead; the sweeper will keep it exact between writes.',
    }),
  ),
  minProbability: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Only leads whose conversion probability (docs/prediction.md) is at least this.',
    }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Words matched against name, email, company, title, phone.',
    }),
  ),
  import: Type.Optional(
    Type.String({
      format: 'uuid',
      description: 'An import job id: the leads its file named (created, updated or already as given).',
    }),
  ),
};

/** `GET /api/v1/leads`. */
export const LeadListQuery = Type.Object(
  {
    ...leadListFilterProperties,
    sort: Type.Optional(
      Type.Enum(LEAD_LIST_SORTS, {
        description:
          'A field, `-` in front for descending. Default `-createdAt`. `temperature` orders hot > warm > cool > cold, closed leads (customer, lost, disqualified) below cold; `-interest` is current interest, highest first (descending only).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type LeadListQuery = Static<typeof LeadListQuery>;
