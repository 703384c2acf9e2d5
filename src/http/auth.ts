import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../app/access/access-service.js';
import { authenticateSession } from '../app/access/sessions.js';
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
    throw new HearthError('unauthenticated', 'Sign in, or send an API key as "Authorization: Bearer <key>"');
  return request.principal;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The web app's session cookie (httpOnly, SameSite=Lax, Secure over TLS). */
export const SESSION_COOKIE = 'hearth_session';

/** One registered route and what a caller needs to use it (`public`: nothing). */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly permission: Permission | 'public';
}

const ROUTE_TABLES = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Every route registered on a server built with `registerAuth`, with its permission: the access
 * matrix test walks this list, so a new route is checked the moment it exists.
 */
export function registeredRoutes(app: FastifyInstance): readonly RouteEntry[] {
  return ROUTE_TABLES.get(app) ?? [];
}

/**
 * Registers authentication and authorisation once for every route: each route declares its
 * permission in `config.permission`, a route without one cannot be registered, and the check runs
 * before validation so that an anonymous caller learns nothing about a route's schema.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null);
  const table: RouteEntry[] = [];
  ROUTE_TABLES.set(app, table);
  app.addHook('onRoute', (route) => {
    // The API docs (swagger-ui's own routes) are public pages.
    const permission = route.url.startsWith('/api/docs') ? 'public' : route.config?.permission;
    if (permission === undefined)
      throw new Error(`route ${route.method} ${route.url} declares no permission`);
    for (const method of [route.method].flat()) table.push({ method, url: route.url, permission });
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    const header = request.headers.authorization;
    const sessionToken = request.cookies?.[SESSION_COOKIE];
    if (header) {
      const key = BEARER.exec(header)?.[1];
      if (!key) throw new HearthError('unauthenticated', 'The Authorization header must be "Bearer <key>"');
      request.principal = await authenticateApiKey(ctx, key);
    } else if (sessionToken) {
      const session = await authenticateSession(ctx, sessionToken);
      // A cookie rides along with any request the browser makes, including one forged by another
      // site: a change needs the session's CSRF token too, which only our pages can read.
      if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
        throw new HearthError('forbidden', 'The X-CSRF-Token header is missing or wrong: reload the page');
      }
      request.principal = session.principal;
    } else {
      throw new HearthError(
        'unauthenticated',
        'Sign in, or send an API key as "Authorization: Bearer <key>"',
      );
    }
    if (!isAllowed(request.principal, permission)) {
      throw new HearthError('forbidden', `A ${request.principal.role} key cannot do this`, { permission });
    }
  });
}
