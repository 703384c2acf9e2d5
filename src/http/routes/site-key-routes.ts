import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { SiteKeyInput, SiteKeyPatch } from '../../app/tracking/site-key-schemas.js';
import {
  createSiteKey,
  getSiteKey,
  listSiteKeys,
  revokeSiteKey,
  snippetFor,
  updateSiteKey,
} from '../../app/tracking/site-keys.js';
import type { SiteKey } from '../../domain/tracking/site-key.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const SiteKeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  key: Type.String({ description: 'The publishable key (`hpk_…`) the page’s tag carries. Not a secret.' }),
  name: Type.String(),
  allowedOrigins: Type.Array(Type.String(), {
    description:
      'Origins whose pages may send events with this key (`https://*.example.com`: every subdomain).',
  }),
  requireConsent: Type.Boolean({ description: 'Nothing is sent or stored until `hearth("consent", true)`.' }),
  honourDoNotTrack: Type.Boolean({
    description: 'Browsers sending DNT or Global Privacy Control are not tracked.',
  }),
  captureForms: Type.Boolean({ description: 'Forms holding an email field are captured on submit.' }),
  active: Type.Boolean({ description: 'False once revoked: its requests store nothing.' }),
  snippet: Type.String({ description: 'The tags to paste into every page of the site, before `</head>`.' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  revokedAt: NullableDateTime(),
});

/** Hearth as the browser that called reaches it (through HEARTH_TRUST_PROXY behind a proxy). */
const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** The admin API of the website tracker's site keys, under /api/v1. */
export function siteKeyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['integrations'];
    const config = { permission: 'integrations:manage' as const };
    const view = (request: FastifyRequest, key: SiteKey) => ({
      ...key,
      allowedOrigins: [...key.allowedOrigins],
      active: key.revokedAt === null,
      snippet: snippetFor(key, baseUrlOf(request)),
    });
    app.get(
      '/integrations/sites',
      {
        config,
        schema: {
          tags,
          summary: 'List the website tracker’s site keys, revoked ones included',
          response: { 200: Type.Object({ data: Type.Array(SiteKeyView) }), ...errors },
        },
      },
      async (request) => ({ data: (await listSiteKeys(ctx)).map((key) => view(request, key)) }),
    );
    app.post(
      '/integrations/sites',
      {
        config,
        schema: {
          tags,
          summary: 'Make a site key for the website tracker, with the snippet to paste into the site',
          body: SiteKeyInput,
          response: { 201: SiteKeyView, ...errors },
        },
      },
      async (request, reply) => {
        const key = await onBody(createSiteKey(ctx, principalOf(request), request.body));
        return reply.status(201).send(view(request, key));
      },
    );
    app.get(
      '/integrations/sites/:id',
      {
        config,
        schema: {
          tags,
          summary: 'One site key, with its snippet',
          params: IdParams,
          response: { 200: SiteKeyView, ...errors },
        },
      },
      async (request) => view(request, await getSiteKey(ctx, request.params.id)),
    );
    app.patch(
      '/integrations/sites/:id',
      {
        config,
        schema: {
          tags,
          summary:
            'Rename a site key, replace its origins, or change its consent, Do-Not-Track and form settings',
          params: IdParams,
          body: SiteKeyPatch,
          response: { 200: SiteKeyView, ...errors },
        },
      },
      async (request) =>
        view(
          request,
          await onBody(updateSiteKey(ctx, principalOf(request), request.params.id, request.body)),
        ),
    );
    app.delete(
      '/integrations/sites/:id',
      {
        config,
        schema: {
          tags,
          summary: 'Revoke a site key: its pages store nothing from now on; visitors already kept stay',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await revokeSiteKey(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
