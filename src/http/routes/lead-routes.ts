import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { nextBestActionsFor, nextBestActionsOf } from '../../app/desk/next-best-actions.js';
import { listLeadEvents } from '../../app/events/lead-events.js';
import {
  BulkInput,
  bulkUpdateLeads,
  ExportSelectionInput,
  exportSelectionCsv,
  MAX_BULK_LEADS,
} from '../../app/leads/lead-bulk.js';
import { exportLeadData } from '../../app/leads/lead-export.js';
import {
  DEFAULT_LEAD_SORT,
  LeadInput,
  LeadListQuery,
  type LeadListSort,
  LeadPatch,
} from '../../app/leads/lead-schemas.js';
import {
  eraseLead,
  getLead,
  type LeadListCursor,
  listLeads,
  updateLead,
  upsertLead,
} from '../../app/leads/lead-service.js';
import {
  explainLead,
  leadInterestSeries,
  leadTransitions,
  QualificationInput,
  setQualification,
} from '../../app/scoring/lead-scoring.js';
import { withScores } from '../../app/scoring/scoring-service.js';
import type { Lead } from '../../domain/lead.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, LeadPageView, NextBestActionView, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const StoredRows = Type.Array(Type.Record(Type.String(), Type.Unknown()));
const LeadDataExportView = Type.Object({
  exportedAt: DateTime(),
  lead: Type.Ref('Lead'),
  stored: Type.Record(Type.String(), Type.Unknown(), { description: "The lead's row, every column." }),
  qualification: Type.Unknown({ description: "The reps' qualification answers." }),
  events: StoredRows,
  eventIds: StoredRows,
  transitions: StoredRows,
  statusChanges: StoredRows,
  tasks: StoredRows,
  firstTouchTimers: StoredRows,
  signals: StoredRows,
  webhookDeliveries: StoredRows,
  webhookAttempts: StoredRows,
  automationRuns: StoredRows,
  trackerVisitors: StoredRows,
  inboundHookDeliveries: StoredRows,
  formSubmissions: StoredRows,
  notifications: StoredRows,
  audit: StoredRows,
});

// A cursor continues the sort it came from; the interest ranking's also carries its instant. The
// store casts the value back to its column's type (store/leads.ts), so each sort's value is checked
// here: a hand-made cursor is the client's mistake (400), never a failed cast (500).
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
// As PostgreSQL renders a timestamptz as text: `2026-03-10 09:00:00.123456+00`.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2}){0,2})$/;
// As the ranking writes its instant (Date#toISOString).
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** How old an interest ranking's instant may be: a scroll left open over a weekend continues. */
export const INTEREST_CURSOR_MAX_AGE_MS = 7 * 86_400_000;

const isDecimal = (value: string) => DECIMAL.test(value) && Number.isFinite(Number(value));
function isTimestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day));
  return (
    date.getUTCMonth() === (month as number) - 1 &&
    date.getUTCDate() === day &&
    (hour as number) < 24 &&
    (minute as number) < 60 &&
    (second as number) < 60
  );
}

type SortField = Exclude<LeadListSort, `-${string}`> | 'interest';
const isCursorValueOf: Record<SortField, (value: string) => boolean> = {
  createdAt: isTimestamp,
  updatedAt: isTimestamp,
  // Leads with no activity sort as -infinity.
  lastActivityAt: (value) => value === '-infinity' || isTimestamp(value),
  // PostgreSQL text holds no NUL character.
  name: (value) => !value.includes('\u0000'),
  email: (value) => !value.includes('\u0000'),
  company: (value) => !value.includes('\u0000'),
  fit: isDecimal,
  temperature: (value) => /^-?\d{1,9}$/.test(value),
  probability: isDecimal,
  interest: isDecimal,
};

// The ranking's instant must be one the server could have written: not in the future, and recent
// enough that scores decayed from it stay finite.
function isRankingInstant(asOf: unknown, now: Date): boolean {
  if (typeof asOf !== 'string' || !INSTANT.test(asOf)) return false;
  const at = Date.parse(asOf);
  return at <= now.getTime() && at >= now.getTime() - INTEREST_CURSOR_MAX_AGE_MS;
}

const isLeadCursorOf =
  (sort: LeadListSort, now: Date) =>
  (v: unknown): v is LeadListCursor => {
    const c = v as LeadListCursor;
    return (
      typeof v === 'object' &&
      v !== null &&
      c.sort === sort &&
      typeof c.id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(c.id) &&
      typeof c.value === 'string' &&
      isCursorValueOf[sort.replace(/^-/, '') as SortField]?.(c.value) === true &&
      (sort === '-interest' ? isRankingInstant(c.asOf, now) : c.asOf === undefined)
    );
  };

const isEventPosition = (v: unknown): v is { occurredAt: string; id: number } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { occurredAt: unknown }).occurredAt === 'string' &&
  !Number.isNaN(Date.parse((v as { occurredAt: string }).occurredAt)) &&
  Number.isInteger((v as { id: unknown }).id);

const InterestSeriesView = Type.Object({
  leadId: Type.String({ format: 'uuid' }),
  modelVersion: Type.Integer({ description: 'The active model, whose decay the whole series uses.' }),
  now: DateTime('The instant the series was computed; points after it are projected.'),
  warm: Type.Number({ description: "The model's warm threshold (interest 0–100)." }),
  hot: Type.Number({ description: "The model's hot threshold (interest 0–100)." }),
  points: Type.Array(
    Type.Object({
      at: DateTime(),
      interest: Type.Number({ description: 'Interest 0–100 at that instant.' }),
      projected: Type.Boolean({ description: 'After now: the decay of interest now with no new event.' }),
    }),
    { description: 'Oldest first: every 6 hours, each event in the window, and now.' },
  ),
  belowHotAt: NullableDateTime('When interest falls below hot with no new event; null if it is below now.'),
  belowWarmAt: NullableDateTime('When interest falls below warm with no new event; null if it is below now.'),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function leadRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const scored = async (lead: Lead) => (await withScores(ctx.store, [lead], ctx.clock()))[0];
  return async (app) => {
    app.post(
      '/leads',
      {
        config: { permission: 'leads:write' },
        schema: {
          tags: ['leads'],
          summary: 'Create a lead, or update the one with the same email (or id)',
          body: LeadInput,
          response: {
            200: Type.Ref('Lead'),
            201: Type.Ref('Lead'),
            202: Type.Object(
              { id: Type.String({ format: 'uuid' }), created: Type.Boolean() },
              {
                description: 'What an ingest-only key gets back: it may write leads but read none.',
              },
            ),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const { lead, created } = await onBody(upsertLead(ctx, principal, request.body));
        if (principal.role === 'ingest') return reply.status(202).send({ id: lead.id, created });
        return reply.status(created ? 201 : 200).send(await scored(lead));
      },
    );

    app.get(
      '/leads',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary: 'List leads with filters, sorting and cursor pagination',
          description:
            "A `cursor` is the `nextCursor` of the previous page of the same sort. One of another sort, or one this API did not return, answers 400 naming `query.cursor`. A `-interest` cursor ranks at the first page's instant for up to 7 days; an older one answers 400, and the list starts again without a cursor.",
          querystring: LeadListQuery,
          response: { 200: LeadPageView, ...errors },
        },
      },
      async (request) => {
        const query = request.query;
        const sort = query.sort ?? DEFAULT_LEAD_SORT;
        const page = await listLeads(ctx, principalOf(request), {
          filter: {
            ...(query.status !== undefined ? { status: query.status } : {}),
            ...(query.owner !== undefined ? { ownerId: query.owner === 'none' ? null : query.owner } : {}),
            ...(query.source !== undefined ? { source: query.source } : {}),
            ...(query.temperature !== undefined ? { temperature: query.temperature } : {}),
            ...(query.q !== undefined ? { text: query.q } : {}),
            ...(query.minProbability !== undefined ? { minProbability: query.minProbability } : {}),
            ...(query.import !== undefined ? { importId: query.import } : {}),
          },
          sort,
          limit: query.limit ?? 50,
          ...(query.cursor !== undefined
            ? { after: decodeCursor(query.cursor, isLeadCursorOf(sort, ctx.clock())) }
            : {}),
        });
        return { data: page.leads, nextCursor: page.next && encodeCursor(page.next) };
      },
    );

    app.post(
      '/leads/bulk',
      {
        config: { permission: 'leads:bulk' },
        schema: {
          tags: ['leads'],
          summary: `Assign or change the status of up to ${MAX_BULK_LEADS} leads at once, all or none`,
          description:
            'One transaction: every lead is checked first (it exists, the caller may see it, a rep owns it or it is unassigned); a 400 names each one at fault by its index (`body.ids[3]`) and changes nothing. Each lead is then written as `PATCH /leads/{id}` writes it (rescored, status history, audit entries marked `bulk`).',
          body: BulkInput,
          response: {
            200: Type.Object({
              updated: Type.Integer({ description: 'Leads changed.' }),
              unchanged: Type.Integer({ description: 'Leads that already had the value.' }),
            }),
            ...errors,
          },
        },
      },
      async (request) => onBody(bulkUpdateLeads(ctx, principalOf(request), request.body)),
    );

    app.post(
      '/leads/export',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary: `Some leads (up to ${MAX_BULK_LEADS}) as CSV, as \`hearth export leads\` writes them`,
          description:
            "A selection's export: the columns of `hearth export leads`, cells a spreadsheet would run as a formula prefixed with `'`. A 400 names each id the caller may not see. Audited as `lead.export`.",
          body: ExportSelectionInput,
          produces: ['text/csv'],
          response: {
            200: Type.String({ description: 'text/csv with a header row.' }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const csv = await onBody(exportSelectionCsv(ctx, principalOf(request), request.body.ids));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="leads.csv"')
          .send(csv);
      },
    );

    app.get(
      '/leads/:id',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary: 'One lead, with its next best actions',
          params: IdParams,
          response: { 200: Type.Ref('Lead'), ...errors },
        },
      },
      async (request) => {
        const lead = await getLead(ctx, principalOf(request), request.params.id);
        return { ...(await scored(lead)), nextBestActions: await nextBestActionsOf(ctx, lead) };
      },
    );

    app.get(
      '/leads/:id/next-actions',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary: "The playbook's next best actions for a lead now, each with its reason",
          params: IdParams,
          response: { 200: Type.Object({ data: Type.Array(NextBestActionView) }), ...errors },
        },
      },
      async (request) => ({
        data: await nextBestActionsFor(ctx, principalOf(request), request.params.id),
      }),
    );

    app.patch(
      '/leads/:id',
      {
        config: { permission: 'leads:write' },
        schema: {
          tags: ['leads'],
          summary: 'Change some fields of a lead; null clears a field',
          params: IdParams,
          body: LeadPatch,
          response: { 200: Type.Ref('Lead'), ...errors },
        },
      },
      async (request) =>
        scored(await onBody(updateLead(ctx, principalOf(request), request.params.id, request.body))),
    );

    app.delete(
      '/leads/:id',
      {
        config: { permission: 'leads:delete' },
        schema: {
          tags: ['leads'],
          summary: 'Erase a lead and everything about it (events, history)',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await eraseLead(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/leads/:id/export',
      {
        // Who may erase a lead may export everything about it: both answer a person's privacy request.
        config: { permission: 'leads:delete' },
        schema: {
          tags: ['leads'],
          summary: 'Everything stored about one lead, for a privacy request (audited as lead.export)',
          description:
            'The lead as GET /leads/{id} shows it, its stored row, and every stored row about it: events, external event ids, transitions, status changes, tasks, speed-to-lead timers, outbox signals, webhook deliveries and their attempts, automation runs, and the audit entries about it. Rows are as stored (column names in snake_case).',
          params: IdParams,
          response: { 200: LeadDataExportView, ...errors },
        },
      },
      async (request) => exportLeadData(ctx, principalOf(request), request.params.id),
    );

    app.get(
      '/leads/:id/events',
      {
        config: { permission: 'events:read' },
        schema: {
          tags: ['leads', 'events'],
          summary: "A lead's events, newest first",
          params: IdParams,
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
              cursor: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(Type.Ref('Event')),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const position = request.query.cursor
          ? decodeCursor(request.query.cursor, isEventPosition)
          : undefined;
        const page = await listLeadEvents(ctx, principalOf(request), request.params.id, {
          limit: request.query.limit ?? 100,
          before: position && { occurredAt: new Date(position.occurredAt), id: position.id },
        });
        return {
          data: page.events,
          nextCursor:
            page.next && encodeCursor({ occurredAt: page.next.occurredAt.toISOString(), id: page.next.id }),
        };
      },
    );

    app.get(
      '/leads/:id/explanation',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads', 'scoring'],
          summary: 'Why a lead has its scores and temperature now: contributions, clamping, checks',
          params: IdParams,
          response: { 200: Type.Ref('Explanation'), ...errors },
        },
      },
      async (request) => explainLead(ctx, principalOf(request), request.params.id),
    );

    app.get(
      '/leads/:id/interest-series',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads', 'scoring'],
          summary: "A lead's interest over the recent past and projected under the model's decay",
          params: IdParams,
          querystring: Type.Object(
            {
              pastDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 30 })),
              futureDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, default: 30 })),
              at: Type.Optional(
                Type.String({
                  format: 'date-time',
                  description:
                    "The instant to compute at (default now; not in the future): pass an explanation's `at` to read both at one instant.",
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: InterestSeriesView, ...errors },
        },
      },
      async (request) => {
        const series = await leadInterestSeries(ctx, principalOf(request), request.params.id, {
          pastDays: request.query.pastDays ?? 30,
          futureDays: request.query.futureDays ?? 30,
          ...(request.query.at !== undefined ? { at: new Date(request.query.at) } : {}),
        });
        return { ...series, points: [...series.points] };
      },
    );

    app.get(
      '/leads/:id/transitions',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads', 'scoring'],
          summary: "A lead's temperature changes, oldest first",
          params: IdParams,
          response: { 200: Type.Object({ data: Type.Array(Type.Ref('Transition')) }), ...errors },
        },
      },
      async (request) => ({ data: await leadTransitions(ctx, principalOf(request), request.params.id) }),
    );

    app.put(
      '/leads/:id/qualification',
      {
        config: { permission: 'leads:qualify' },
        schema: {
          tags: ['leads', 'scoring'],
          summary: 'Set qualification criteria (yes, no, unknown; null clears) as the acting user',
          params: IdParams,
          body: QualificationInput,
          response: { 200: Type.Ref('Explanation'), ...errors },
        },
      },
      async (request) => onBody(setQualification(ctx, principalOf(request), request.params.id, request.body)),
    );
  };
}
