import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../app/access/access-service.js';
import type { AppContext } from '../app/context.js';
import { isAllowed, type Permission, type Principal } from '../domain/access.js';
import { HearthError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a caller needs to use the route; `public` for health checks and docs. */
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The caller established by `authenticate`; routes that require a permission always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new HearthError('unauthenticated', 'Send an API key as "Authorization: Bearer <key>"');
  return request.principal;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Registers authentication and authorisation once for every route: each route declares its
 * permission in `config.permission`, a route without one cannot be registered, and the check runs
 * before validation so that an anonymous caller learns nothing about a route's schema.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs') || route.config?.permission !== undefined) return;
    throw new Error(`route ${route.method} ${route.url} declares no permission`);
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    const header = request.headers.authorization;
    if (!header) throw new HearthError('unauthenticated', 'Send an API key as "Authorization: Bearer <key>"');
    const key = BEARER.exec(header)?.[1];
    if (!key) throw new HearthError('unauthenticated', 'The Authorization header must be "Bearer <key>"');
    request.principal = await authenticateApiKey(ctx, key);
    if (!isAllowed(request.principal, permission)) {
      throw new HearthError('forbidden', `A ${request.principal.role} key cannot do this`, { permission });
    }
  });
}
