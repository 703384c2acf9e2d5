import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '../domain/access.js';
import { HearthError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route with its own rate limit; by default ingest routes are found by their permission. */
    limitGroup?: LimitGroup;
  }
}

/** Which budget a request counts against: each has its own limit and its own counters. */
export type LimitGroup = 'api' | 'ingest' | 'sign-in';

export interface RateLimits {
  /** Requests per window and caller on every route that is not ingest or sign-in; 0 = no limit. */
  readonly api: number;
  /** The same for the ingest routes (writes of leads and events); 0 = no limit. */
  readonly ingest: number;
  /** Sign-in attempts per window and client address; 0 = no limit. */
  readonly signIn: number;
  /** Website tracker requests (`POST /t/collect`) per window and visitor, and per site key; 0 or absent = no limit. */
  readonly trackerVisitor?: number;
  readonly trackerSite?: number;
  readonly windowMs: number;
}

// Integrations send leads and events in bulk: what an ingest key may do is the ingest budget.
const INGEST_PERMISSIONS: ReadonlySet<Permission | 'public'> = new Set(['leads:write', 'events:write']);

/** The budget a request counts against. */
export function limitGroupOf(request: FastifyRequest): LimitGroup {
  const config = request.routeOptions.config;
  if (config.limitGroup) return config.limitGroup;
  return config.permission !== undefined && INGEST_PERMISSIONS.has(config.permission) ? 'ingest' : 'api';
}

/**
 * The caller a request is counted for: its API key, its signed-in user, or else (public routes,
 * sign-in) the client address — behind a proxy the forwarded one when HEARTH_TRUST_PROXY is set.
 */
export function callerOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.keyId) return `key:${principal.keyId}`;
  if (principal?.userId) return `user:${principal.userId}`;
  return `ip:${request.ip}`;
}

/**
 * Per-caller rate limits over fixed windows, answered with 429 and `Retry-After` (seconds). The
 * check runs after authentication (route hooks follow the instance's), so a key's requests count
 * against that key wherever they come from; a request refused at authentication never reaches it.
 * Counters live in this process's memory: with N instances behind a balancer a caller may make up
 * to N times the limit.
 */
export async function registerRateLimits(app: FastifyInstance, limits: RateLimits): Promise<void> {
  const maxOf: Record<LimitGroup, number> = {
    api: limits.api,
    ingest: limits.ingest,
    'sign-in': limits.signIn,
  };
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: limits.windowMs,
    keyGenerator: (request) => `${limitGroupOf(request)}:${callerOf(request)}`,
    max: async (request) => maxOf[limitGroupOf(request)],
    // A limit of 0 means no limit: such requests are not counted at all.
    allowList: (request) => maxOf[limitGroupOf(request)] === 0,
    addHeadersOnExceeding: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
    },
    errorResponseBuilder: (request, context) => {
      const group = limitGroupOf(request);
      const what =
        group === 'sign-in' ? 'sign-in attempts' : `${group === 'ingest' ? 'ingest ' : ''}requests`;
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HearthError(
        'rate_limited',
        `Too many ${what}: at most ${context.max} per ${Math.round(limits.windowMs / 1000)} s; retry in ${seconds} s`,
        { limit: context.max, windowMs: limits.windowMs, retryAfterSeconds: seconds },
      );
    },
  });
}
