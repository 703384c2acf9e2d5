import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createApiKey, createUser } from '../../src/app/access/access-service.js';
import { loadConfig } from '../../src/config.js';
import type { KeyRole } from '../../src/domain/access.js';
import { buildServer, type OpenApp } from '../../src/main.js';
import { adminActor } from './databases.js';

let counter = 0;
/** A unique email per call, so tests sharing a database never collide. */
export function uniqueEmail(label = 'lead'): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/**
 * Tests send requests as fast as they can, from one address, signing in again and again: rate limits
 * are off in test servers unless a test sets them (test/http/limits-api.test.ts does).
 */
const NO_RATE_LIMITS = {
  HEARTH_RATE_LIMIT: '0',
  HEARTH_INGEST_RATE_LIMIT: '0',
  HEARTH_SIGNIN_RATE_LIMIT: '0',
};

/** An HTTP server over the app; `env` overrides settings as the environment would. */
export async function testServer(app: OpenApp, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ ...NO_RATE_LIMITS, ...env });
  const withLimits = { ...app, ctx: { ...app.ctx, limits: { maxBatchSize: config.maxBatchSize } } };
  return buildServer(withLimits, config, false);
}

/** An API key with the role; rep keys get a fresh rep user to act for. */
export async function keyFor(app: OpenApp, role: KeyRole): Promise<{ key: string; userId: string | null }> {
  let userEmail: string | undefined;
  let userId: string | null = null;
  if (role !== 'ingest') {
    const user = await createUser(app.ctx, adminActor, {
      email: uniqueEmail(role),
      name: `Test ${role}`,
      role,
      password: 'correct horse battery',
    });
    userEmail = user.email;
    userId = user.id;
  }
  const { secret } = await createApiKey(app.ctx, adminActor, { name: `test ${role}`, role, userEmail });
  return { key: secret, userId };
}

export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json() as T;
}

/** The Authorization header of a fresh key with the role. */
export async function bearer(app: OpenApp, role: KeyRole): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${(await keyFor(app, role)).key}` };
}
