import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { listAuditLog } from '../../app/audit/audit-log.js';
import type { AppContext } from '../../app/context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime } from '../schemas.js';

const AuditEntryView = Type.Object({
  id: Type.Integer(),
  at: DateTime('When the change was written.'),
  actorUserId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'The user who acted.',
  }),
  actorKeyId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'The API key used.',
  }),
  action: Type.String({
    description: '`lead.update`, `lead.assign`, `lead.merge`, `lead.erase`, `model.publish`, …',
  }),
  entity: Type.String({ description: '`lead`, `model`, `user`, `api_key`, `settings`, …' }),
  entityId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'What changed; never personal data.' }),
});

const isAuditCursor = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { before: unknown }).before);

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit',
      {
        config: { permission: 'audit:read' },
        schema: {
          tags: ['audit'],
          summary: 'The audit log: who changed what, newest first',
          querystring: Type.Object(
            {
              entity: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. `lead`, `model`.' })),
              entityId: Type.Optional(Type.String({ maxLength: 200 })),
              action: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. `lead.merge`.' })),
              actor: Type.Optional(Type.String({ format: 'uuid', description: 'The acting user id.' })),
              since: Type.Optional(
                Type.String({ format: 'date-time', description: 'At or after this instant.' }),
              ),
              until: Type.Optional(Type.String({ format: 'date-time', description: 'Before this instant.' })),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
              cursor: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(AuditEntryView),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `cursor` to get older entries; null on the last page.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listAuditLog(ctx, {
          entity: q.entity,
          entityId: q.entityId,
          action: q.action,
          actorUserId: q.actor,
          since: q.since === undefined ? undefined : new Date(q.since),
          until: q.until === undefined ? undefined : new Date(q.until),
          limit: q.limit ?? 50,
          beforeId: q.cursor === undefined ? undefined : decodeCursor(q.cursor, isAuditCursor).before,
        });
        return {
          data: page.entries,
          nextCursor: page.next === null ? null : encodeCursor({ before: page.next }),
        };
      },
    );
  };
}
