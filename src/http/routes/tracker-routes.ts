import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import {
  type CollectAdmission,
  collectTrackerEvents,
  originHasSiteKey,
  trackerSettings,
} from '../../app/tracking/collect.js';
import { COLLECT_BODY_LIMIT, TRACKER_PROTOCOL } from '../../app/tracking/collect-schemas.js';
import { HearthError, isHearthError } from '../../domain/errors.js';

/** The tracker's source, served as is (the same path from `src/http/routes` under tsx and `dist/http/routes`). */
export const TRACKER_SOURCE = new URL('../../../tracker/t.js', import.meta.url);

// An hour: a fixed tracker reaches every page within it, and a site's visitors fetch it about once
// per visit. The protocol version inside (`v`) lets the collect endpoint accept older copies.
const SCRIPT_CACHE = 'public, max-age=3600';

/** The script, its gzip encoding and its ETag, read once when the server starts. */
export function trackerScript(source: URL = TRACKER_SOURCE) {
  const plain = readFileSync(source);
  return {
    plain,
    gzip: gzipSync(plain, { level: 9 }),
    etag: `"t${TRACKER_PROTOCOL}-${createHash('sha256').update(plain).digest('base64url').slice(0, 16)}"`,
  };
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function allowOrigin(reply: FastifyReply, origin: string | undefined) {
  reply.header('vary', 'Origin');
  if (origin !== undefined) reply.header('access-control-allow-origin', origin);
}

/**
 * The website tracker's public edge, outside /api/v1 (docs/integrations.md "Website tracker"):
 * `GET /t.js` (the script), `GET /t/config` (its key's settings, for an allowed origin) and
 * `POST /t/collect` (events, by `navigator.sendBeacon` as text/plain JSON or by `fetch`).
 * Collect requests count against the per-address ingest limit, then `admit` (per visitor, per key).
 */
export function trackerRoutes(ctx: AppContext, admit: CollectAdmission): FastifyPluginAsyncTypebox {
  const script = trackerScript();
  return async (app) => {
    app.get('/t.js', { config: { permission: 'public' }, schema: { hide: true } }, async (request, reply) => {
      reply
        .header('cache-control', SCRIPT_CACHE)
        .header('etag', script.etag)
        .header('vary', 'Accept-Encoding')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .type('text/javascript; charset=utf-8');
      if (
        header(request, 'if-none-match')
          ?.split(/\s*,\s*/)
          .includes(script.etag)
      ) {
        return reply.status(304).send();
      }
      if (/\bgzip\b/.test(header(request, 'accept-encoding') ?? '')) {
        return reply.header('content-encoding', 'gzip').send(script.gzip);
      }
      return reply.send(script.plain);
    });

    app.get(
      '/t/config',
      {
        config: { permission: 'public', limitGroup: 'ingest' },
        schema: {
          hide: true,
          querystring: Type.Object({ siteKey: Type.String({ minLength: 1, maxLength: 100 }) }),
        },
      },
      async (request, reply) => {
        const origin = header(request, 'origin');
        try {
          const settings = await trackerSettings(ctx, request.query.siteKey, origin);
          allowOrigin(reply, origin);
          // A minute: a changed setting or a revoked key reaches pages soon (the server checks anyway).
          reply.header('cache-control', 'private, max-age=60');
          return { v: TRACKER_PROTOCOL, ...settings };
        } catch (error) {
          reply.header('cache-control', 'no-store');
          throw error;
        }
      },
    );

    // A CORS preflight names no key: allowed when some live key allows the origin (cached briefly,
    // see originHasSiteKey). The tracker itself sends text/plain, which needs none.
    app.options(
      '/t/collect',
      { config: { permission: 'public', limitGroup: 'ingest' }, schema: { hide: true } },
      async (request, reply) => {
        const origin = header(request, 'origin');
        if (await originHasSiteKey(ctx, origin)) {
          allowOrigin(reply, origin);
          reply
            .header('access-control-allow-methods', 'POST')
            .header('access-control-allow-headers', 'content-type')
            .header('access-control-max-age', '86400');
        }
        return reply.status(204).send();
      },
    );

    await app.register(async (collect) => {
      // sendBeacon sends a string as text/plain (no preflight); fetch may send either. Both are JSON,
      // parsed by Fastify's parser (prototype poisoning refused) once the bytes are known UTF-8.
      const parseJson = collect.getDefaultJsonParser('error', 'error');
      collect.removeAllContentTypeParsers();
      collect.addContentTypeParser(
        ['text/plain', 'application/json'],
        { parseAs: 'buffer' },
        (request, body, done) => {
          const bytes = body as Buffer;
          const bad = (message: string) => done(HearthError.invalid([{ path: 'body', message }]), undefined);
          if (!isUtf8(bytes)) return bad('is not UTF-8; send JSON encoded as UTF-8');
          if (bytes.length === 0) return bad('is empty; send the tracker’s JSON');
          void parseJson(request, bytes.toString('utf8'), (error, value) =>
            error ? bad('is not valid JSON') : done(null, value),
          );
        },
      );
      collect.post(
        '/t/collect',
        {
          bodyLimit: COLLECT_BODY_LIMIT,
          config: { permission: 'public', limitGroup: 'ingest' },
          schema: { hide: true },
        },
        async (request, reply) => {
          const origin = header(request, 'origin');
          try {
            const receipt = await collectTrackerEvents(
              ctx,
              {
                body: request.body,
                origin,
                userAgent: header(request, 'user-agent'),
                doNotTrack: header(request, 'dnt') === '1',
                globalPrivacyControl: header(request, 'sec-gpc') === '1',
              },
              admit,
            );
            allowOrigin(reply, origin);
            return receipt;
          } catch (error) {
            if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
              // Located in the request, as the schema checks of other routes name them.
              throw HearthError.invalid(
                error.details.problems.map((p) => ({
                  ...p,
                  path: p.path === '' || p.path === 'body' ? 'body' : `body.${p.path}`,
                })),
              );
            }
            if (isHearthError(error) && error.code === 'rate_limited') {
              reply.header('retry-after', String(error.details.retryAfterSeconds));
            }
            throw error;
          }
        },
      );
    });
  };
}
