import { isUtf8 } from 'node:buffer';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';
import Type from 'typebox';
import type { AppContext } from '../app/context.js';
import type { ImportLimits } from '../app/transfer/import-jobs.js';
import { HearthError } from '../domain/errors.js';
import { registerAuth } from './auth.js';
import { handleError, sendError } from './error-mapping.js';
import { serializeRequest } from './log-serializers.js';
import { type RateLimits, registerRateLimits } from './rate-limits.js';
import { accessRoutes } from './routes/access-routes.js';
import { accountRoutes } from './routes/account-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { automationRoutes } from './routes/automation-routes.js';
import { deskRoutes } from './routes/desk-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { formPostRoutes } from './routes/form-post-routes.js';
import { integrationFormRoutes } from './routes/form-routes.js';
import { hookReceiverRoutes, integrationHookRoutes } from './routes/hook-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { leadRoutes } from './routes/lead-routes.js';
import { mergeRoutes } from './routes/merge-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { noteRoutes } from './routes/note-routes.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { outcomeSettingsRoutes } from './routes/outcome-settings-routes.js';
import { predictionRoutes } from './routes/prediction-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { siteKeyRoutes } from './routes/site-key-routes.js';
import { statsRoutes } from './routes/stats-routes.js';
import { trackerRoutes } from './routes/tracker-routes.js';
import { viewRoutes } from './routes/view-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { EventView, ExplanationView, LeadView, TransitionView } from './schemas.js';
import { type LazySerializers, lazySerializers } from './serializers.js';
import { trackerAdmission } from './tracker-limits.js';
import { validatorCompiler } from './validation.js';
import { webRoutes } from './web.js';

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

export interface HttpOptions {
  readonly bodyLimitBytes: number;
  readonly rateLimits: RateLimits;
  /** Slow clients: a whole request within `requestMs`, no silence longer than `idleMs`. */
  readonly timeouts: { readonly requestMs: number; readonly idleMs: number; readonly keepAliveMs: number };
  readonly trustProxy?: boolean;
  readonly logger: LoggerOptions | false;
  readonly version: string;
  /** Upload size and chunk size of imports (HEARTH_IMPORT_*); the defaults when absent. */
  readonly imports?: ImportLimits;
  /** How responses are serialized; a test passes its own to build every route's serializer. */
  readonly serializers?: LazySerializers;
}

/** Builds the HTTP edge over the application services. Listening is the caller's business. */
export async function buildHttpServer(ctx: AppContext, options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy ?? false,
    logger:
      options.logger === false
        ? false
        : {
            ...options.logger,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: { ...options.logger.serializers, req: serializeRequest },
          },
    // Slow clients cannot hold a connection open forever: the headers and body of a request must
    // arrive within requestMs (else 408 and the connection is closed), checked a few times per
    // timeout rather than Node's default every 30 s; a silent connection is dropped after idleMs.
    requestTimeout: options.timeouts.requestMs,
    connectionTimeout: options.timeouts.idleMs,
    keepAliveTimeout: options.timeouts.keepAliveMs,
    http: {
      headersTimeout: options.timeouts.requestMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(options.timeouts.requestMs / 4))),
    },
    return503OnClosing: true,
    // Given here rather than set later, so that Fastify does not load its Ajv compiler at all.
    schemaController: {
      compilersFactory: {
        // Fastify types every validator factory as Ajv's; it calls ours as it would Ajv's, with the
        // shared schemas and Ajv options that TypeBox's compiler has no use for.
        buildValidator: (() => validatorCompiler) as unknown as ValidatorFactory,
        buildSerializer: (options.serializers ?? lazySerializers()).factory,
      },
    },
    // A path that does not decode (`/leads/%ff`) is refused before routing: in Hearth's error shape.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, new HearthError('invalid', `The URL is malformed: ${error.message}`, {}));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(handleError);
  // JSON bodies must be UTF-8 (RFC 8259): decoded leniently, bytes in another encoding would be
  // stored as U+FFFD without a word. Past that check, Fastify's own parser (prototype poisoning refused).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(
        new HearthError('invalid', 'The body is not valid UTF-8; send JSON encoded as UTF-8', {}),
        undefined,
      );
      return;
    }
    void parseJson(request, bytes.toString('utf8'), done); // synchronous: it calls done itself
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new HearthError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.addSchema(LeadView);
  app.addSchema(ExplanationView);
  app.addSchema(TransitionView);
  app.addSchema(EventView);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hearth API',
        version: options.version,
        description:
          'Leads, events, scores and the lead desk. Every error is `{ "error": { "code", "message", "details" } }`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `hearth keys create`.' },
        },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(cookie);
  registerAuth(app, ctx);
  await registerRateLimits(app, options.rateLimits);
  // A write may have announced changes (signals): let this process's background work react now
  // rather than at the next poll.
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') ctx.wakeup.notify();
  });

  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: 'The database answers',
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ready') }),
          503: Type.Object({ status: Type.Literal('unavailable') }),
        },
      },
    },
    async (_request, reply) =>
      (await ctx.store.ping())
        ? { status: 'ready' as const }
        : reply.status(503).send({ status: 'unavailable' as const }),
  );
  app.get('/api/v1/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  for (const routes of [
    leadRoutes,
    eventRoutes,
    accessRoutes,
    modelRoutes,
    deskRoutes,
    sessionRoutes,
    webhookRoutes,
    automationRoutes,
    accountRoutes,
    mergeRoutes,
    auditRoutes,
    statsRoutes,
    predictionRoutes,
    noteRoutes,
    outcomeSettingsRoutes,
    viewRoutes,
    siteKeyRoutes,
    notificationRoutes,
    integrationHookRoutes,
    integrationFormRoutes,
  ]) {
    await app.register(routes(ctx), { prefix: '/api/v1' });
  }
  await app.register(importRoutes(ctx, options.imports), { prefix: '/api/v1' });
  // Providers' webhooks, signed by the provider instead of authenticated (docs/integrations.md).
  await app.register(hookReceiverRoutes(ctx));
  // The website tracker: its script and the endpoint its pages send to (docs/integrations.md).
  await app.register(
    trackerRoutes(
      ctx,
      trackerAdmission(
        {
          perVisitor: options.rateLimits.trackerVisitor ?? 0,
          perSiteKey: options.rateLimits.trackerSite ?? 0,
          windowMs: options.rateLimits.windowMs,
        },
        ctx.clock,
      ),
    ),
  );
  // Hosted forms: a site's own HTML form posts here, spam-checked (docs/integrations.md).
  await app.register(formPostRoutes(ctx));
  // The web app (web/dist) at every other path; it talks to the API above like any client.
  await app.register(webRoutes());
  return app;
}
