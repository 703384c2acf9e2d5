import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type LazySerializers, lazySerializers } from '../../src/http/serializers.js';
import { buildHttpServer } from '../../src/http/server.js';
import type { OpenApp } from '../../src/main.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, uniqueEmail } from '../support/http.js';

function server(app: OpenApp, serializers: LazySerializers): Promise<FastifyInstance> {
  const config = loadConfig({});
  return buildHttpServer(app.ctx, {
    bodyLimitBytes: config.bodyLimitBytes,
    rateLimits: { api: 0, ingest: 0, signIn: 0, windowMs: config.rateLimitWindowMs },
    timeouts: { requestMs: 10_000, idleMs: 10_000, keepAliveMs: 5_000 },
    logger: false,
    version: '0.0.0-test',
    serializers,
  });
}

describeEachDatabase('response serializers built on first use', (env) => {
  let lazy: LazySerializers;
  let lazyServer: FastifyInstance;
  // Fastify's default: every serializer built when its route is registered.
  let eagerServer: FastifyInstance;

  beforeAll(async () => {
    lazy = lazySerializers();
    lazyServer = await server(env.app, lazy);
    eagerServer = await server(env.app, { factory: SerializerSelector(), buildAll: () => 0 });
    await Promise.all([lazyServer.ready(), eagerServer.ready()]);
  });
  afterAll(async () => {
    await Promise.all([lazyServer?.close(), eagerServer?.close()]);
  });

  it('answers byte for byte as the serializers Fastify builds at start', async () => {
    const admin = await bearer(env.app, 'admin');
    const created = await lazyServer.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: {
        email: uniqueEmail(),
        name: 'Zoë "Q" Lee',
        companySize: 12,
        attributes: { budget: 5000, tags: ['a', 'b'], nested: { ok: true, none: null } },
      },
    });
    expect(created.statusCode).toBe(201);
    const id = json<{ id: string }>(created).id;
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/healthz' },
      { method: 'GET', url: `/api/v1/leads/${id}`, headers: admin },
      { method: 'GET', url: '/api/v1/leads?limit=5', headers: admin },
      { method: 'GET', url: `/api/v1/leads/${id}/explanation`, headers: admin },
      { method: 'GET', url: '/api/v1/leads/not-a-uuid', headers: admin },
      { method: 'GET', url: '/api/v1/leads' },
      { method: 'POST', url: '/api/v1/leads', headers: admin, payload: { email: 7 } },
      { method: 'GET', url: '/api/v1/queue', headers: admin },
    ];
    for (const request of requests) {
      const [fromLazy, fromEager] = [await lazyServer.inject(request), await eagerServer.inject(request)];
      expect(fromLazy.statusCode, request.url as string).toBe(fromEager.statusCode);
      expect(fromLazy.body, request.url as string).toBe(fromEager.body);
    }
  });

  it('builds every route’s serializer on demand, each once', async () => {
    const built = lazy.buildAll();
    // Every route declares its responses: far more serializers than the few answered above.
    expect(built).toBeGreaterThan(100);
    expect(lazy.buildAll()).toBe(0);
    const response = await lazyServer.inject({ method: 'GET', url: '/healthz' });
    expect(response.body).toBe('{"status":"ok"}');
  });
});
