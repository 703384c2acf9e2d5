// The composition root: the only place that reads configuration into live objects and wires
// storage, services and edges together with plain arguments.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from './app/context.js';
import { notificationSetup } from './app/notifications/setup.js';
import { Wakeup } from './app/wakeup.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { buildHttpServer } from './http/server.js';
import { type DatabaseHandle, type DatabaseTarget, openDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { createStore } from './store/store.js';
import { VERSION } from './version.js';

export interface OpenApp {
  readonly ctx: AppContext;
  readonly database: DatabaseHandle;
  close(): Promise<void>;
}

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'embedded', dataDir: config.dataDir, template: config.embeddedTemplate };
}

/** Opens the database, brings its schema up to date and builds the application context. */
export async function openApp(
  config: Config,
  options: { clock?: Clock; exclusive?: boolean; target?: DatabaseTarget } = {},
): Promise<OpenApp> {
  const database = await openDatabase(options.target ?? databaseTarget(config), {
    poolSize: config.dbPoolSize,
    exclusive: options.exclusive ?? false,
  });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const ctx: AppContext = {
    store: createStore(database.db),
    clock: options.clock ?? systemClock,
    limits: { maxBatchSize: config.maxBatchSize },
    wakeup: new Wakeup(),
    notifications: notificationSetup(config),
  };
  return { ctx, database, close: () => database.close() };
}

export async function buildServer(app: OpenApp, config: Config, logger: boolean): Promise<FastifyInstance> {
  return buildHttpServer(app.ctx, {
    bodyLimitBytes: config.bodyLimitBytes,
    rateLimits: {
      api: config.rateLimit,
      ingest: config.ingestRateLimit,
      signIn: config.signInRateLimit,
      trackerVisitor: config.trackerVisitorRateLimit,
      trackerSite: config.trackerSiteRateLimit,
      windowMs: config.rateLimitWindowMs,
    },
    timeouts: {
      requestMs: config.requestTimeoutMs,
      idleMs: config.idleTimeoutMs,
      keepAliveMs: config.keepAliveTimeoutMs,
    },
    trustProxy: config.trustProxy,
    imports: { maxBytes: config.importMaxBytes, chunkRows: config.importChunkRows },
    logger: logger ? { level: config.logLevel } : false,
    version: VERSION,
  });
}
