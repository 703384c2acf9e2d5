import { HearthError } from './domain/errors.js';

/** Hearth's settings, read once at start and passed down. Nothing else reads `process.env`. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly embeddedTemplate: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimitBytes: number;
  readonly maxBatchSize: number;
  readonly importMaxBytes: number;
  readonly importChunkRows: number;
  readonly dbPoolSize: number;
  readonly jobPollMs: number;
  readonly trustProxy: boolean;
  readonly webhookTimeoutMs: number;
  readonly predictRetrainHours: number;
  readonly rateLimit: number;
  readonly ingestRateLimit: number;
  readonly signInRateLimit: number;
  readonly trackerVisitorRateLimit: number;
  readonly trackerSiteRateLimit: number;
  readonly trackerRetentionDays: number;
  readonly rateLimitWindowMs: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly smtpUrl: string | null;
  readonly mailFrom: string | null;
  readonly publicUrl: string | null;
}

type Parse<T> = (raw: string) => T | { problem: string };

interface Setting<K extends keyof Config> {
  readonly env: string;
  readonly key: K;
  readonly default: Config[K];
  readonly unit?: string;
  readonly description: string;
  /** Masked wherever settings are printed. */
  readonly sensitive?: boolean;
  readonly parse: Parse<Config[K]>;
}

const integer =
  (min: number, max: number): Parse<number> =>
  (raw) => {
    const value = Number(raw);
    return Number.isInteger(value) && value >= min && value <= max
      ? value
      : { problem: `must be a whole number from ${min} to ${max}` };
  };
/** A request count per window; 0 turns the limit off. */
const requestCount = integer(0, 10_000_000);
const text: Parse<string> = (raw) => (raw.trim() === '' ? { problem: 'must not be empty' } : raw);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Declared once: the loader, the error messages and docs/config.md all come from this list.
export const SETTINGS = [
  {
    env: 'PORT',
    key: 'port',
    default: 3000,
    description: 'HTTP port to listen on.',
    parse: integer(0, 65535),
  },
  {
    env: 'HOST',
    key: 'host',
    default: '127.0.0.1',
    description:
      'Address to listen on; `0.0.0.0` to accept connections from other machines (e.g. in a container).',
    parse: text,
  },
  {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    default: null,
    description: 'A `postgres://` URL to use a PostgreSQL server instead of the embedded database.',
    sensitive: true,
    parse: (raw) =>
      /^postgres(ql)?:\/\//.test(raw) ? raw : { problem: 'must start with postgres:// or postgresql://' },
  },
  {
    env: 'HEARTH_DATA_DIR',
    key: 'dataDir',
    default: './hearth-data',
    description: 'Directory of the embedded database (ignored when DATABASE_URL is set).',
    parse: text,
  },
  {
    env: 'HEARTH_EMBEDDED_TEMPLATE',
    key: 'embeddedTemplate',
    default: true,
    description:
      'A new embedded database is loaded from a cached template of a migrated one (docs/storage.md); false to run initdb and the migrations instead (debugging).',
    parse: parseBoolean,
  },
  {
    env: 'LOG_LEVEL',
    key: 'logLevel',
    default: 'info',
    description: `Log level: ${LOG_LEVELS.join(', ')}.`,
    parse: (raw) =>
      (LOG_LEVELS as readonly string[]).includes(raw)
        ? (raw as Config['logLevel'])
        : { problem: `must be one of ${LOG_LEVELS.join(', ')}` },
  },
  {
    env: 'HEARTH_BODY_LIMIT',
    key: 'bodyLimitBytes',
    default: 5 * 1024 * 1024,
    unit: 'bytes',
    description: 'Largest request body accepted; larger ones get 413.',
    parse: integer(1024, 1024 * 1024 * 1024),
  },
  {
    env: 'HEARTH_MAX_BATCH',
    key: 'maxBatchSize',
    default: 1000,
    unit: 'events',
    description: 'Most events accepted in one `POST /api/v1/events` request.',
    parse: integer(1, 100_000),
  },
  {
    env: 'HEARTH_IMPORT_MAX_BYTES',
    key: 'importMaxBytes',
    default: 200 * 1024 * 1024,
    unit: 'bytes',
    description:
      'Largest file the import API and the web wizard take (`POST /api/v1/imports`, `/imports/preview`); streamed, never held in memory. The CLI has no limit.',
    parse: integer(1024, 10 * 1024 * 1024 * 1024),
  },
  {
    env: 'HEARTH_IMPORT_CHUNK_ROWS',
    key: 'importChunkRows',
    default: 500,
    unit: 'rows',
    description:
      'Rows an import job writes per transaction; its progress is recorded after each, and a stopped job resumes from there.',
    parse: integer(1, 100_000),
  },
  {
    env: 'HEARTH_DB_POOL_SIZE',
    key: 'dbPoolSize',
    default: 10,
    unit: 'connections',
    description: 'Database connections per process.',
    parse: integer(1, 200),
  },
  {
    env: 'HEARTH_JOB_POLL_MS',
    key: 'jobPollMs',
    default: 1000,
    unit: 'ms',
    description:
      'How often background work (SLA deadlines, overdue tasks, signals from other instances, webhook retries) is looked for. Changes made by this process are picked up at once.',
    parse: integer(10, 60_000),
  },
  {
    env: 'HEARTH_WEBHOOK_TIMEOUT_MS',
    key: 'webhookTimeoutMs',
    default: 10_000,
    unit: 'ms',
    description:
      'How long a webhook receiver has to answer; a delivery whose sender died is sent again by another instance after 3× this.',
    parse: integer(100, 120_000),
  },
  {
    env: 'HEARTH_PREDICT_RETRAIN_HOURS',
    key: 'predictRetrainHours',
    default: 168,
    unit: 'hours',
    description:
      'How often `hearth serve` retrains the predictive score (once enough outcomes exist; docs/prediction.md); 0 never. Open leads are re-predicted within 5 minutes of a change either way.',
    parse: integer(0, 24 * 365),
  },
  {
    env: 'HEARTH_RATE_LIMIT',
    key: 'rateLimit',
    default: 600,
    unit: 'requests per window',
    description:
      'Requests one caller may make in `HEARTH_RATE_LIMIT_WINDOW_MS` to all routes but the ingest ones; more get 429 with `Retry-After`. A caller is an API key, a signed-in user, or the client address when neither. Counted per process. 0 turns it off.',
    parse: requestCount,
  },
  {
    env: 'HEARTH_INGEST_RATE_LIMIT',
    key: 'ingestRateLimit',
    default: 6000,
    unit: 'requests per window',
    description:
      'The same for the ingest routes (`POST /api/v1/events`, `POST` and `PATCH /api/v1/leads`), counted separately: integrations send in bulk. 0 turns it off.',
    parse: requestCount,
  },
  {
    env: 'HEARTH_SIGNIN_RATE_LIMIT',
    key: 'signInRateLimit',
    default: 10,
    unit: 'attempts per window',
    description:
      'Sign-in attempts (`POST /api/v1/session`) from one client address in the window, against password guessing. 0 turns it off.',
    parse: requestCount,
  },
  {
    env: 'HEARTH_TRACKER_VISITOR_RATE_LIMIT',
    key: 'trackerVisitorRateLimit',
    default: 120,
    unit: 'requests per window',
    description:
      'Requests the website tracker of one visitor (one browser) may send to `POST /t/collect` in the window; more get 429. A page sends one or two. 0 turns it off.',
    parse: requestCount,
  },
  {
    env: 'HEARTH_TRACKER_SITE_RATE_LIMIT',
    key: 'trackerSiteRateLimit',
    default: 30_000,
    unit: 'requests per window',
    description:
      'Requests all visitors of one site key may send to `POST /t/collect` in the window, so that one busy or abused site cannot flood the others. 0 turns it off.',
    parse: requestCount,
  },
  {
    env: 'HEARTH_TRACKER_RETENTION_DAYS',
    key: 'trackerRetentionDays',
    default: 90,
    unit: 'days',
    description:
      'An anonymous website visitor (never identified) and its history are deleted this long after it was last seen; checked hourly by `hearth serve`. Identified visitors are the lead’s and stay. 0 keeps anonymous history forever.',
    parse: integer(0, 3650),
  },
  {
    env: 'HEARTH_RATE_LIMIT_WINDOW_MS',
    key: 'rateLimitWindowMs',
    default: 60_000,
    unit: 'ms',
    description: 'The window the three rate limits above count in.',
    parse: integer(1000, 24 * 60 * 60 * 1000),
  },
  {
    env: 'HEARTH_REQUEST_TIMEOUT_MS',
    key: 'requestTimeoutMs',
    default: 30_000,
    unit: 'ms',
    description:
      'How long a client has to send a whole request (headers and body); a slower one gets 408 and is disconnected.',
    parse: integer(100, 10 * 60 * 1000),
  },
  {
    env: 'HEARTH_IDLE_TIMEOUT_MS',
    key: 'idleTimeoutMs',
    default: 60_000,
    unit: 'ms',
    description: 'A connection on which nothing is sent or received for this long is closed.',
    parse: integer(100, 60 * 60 * 1000),
  },
  {
    env: 'HEARTH_KEEP_ALIVE_TIMEOUT_MS',
    key: 'keepAliveTimeoutMs',
    default: 72_000,
    unit: 'ms',
    description:
      'How long an idle kept-alive connection waits for its next request; keep it above the idle timeout of a load balancer in front.',
    parse: integer(100, 60 * 60 * 1000),
  },
  {
    env: 'HEARTH_TRUST_PROXY',
    key: 'trustProxy',
    default: false,
    description:
      'true behind a reverse proxy that terminates TLS: X-Forwarded-Proto/-For are believed, so session cookies are marked Secure.',
    parse: parseBoolean,
  },
  {
    env: 'HEARTH_SMTP_URL',
    key: 'smtpUrl',
    default: null,
    description:
      'The SMTP server notifications are emailed through, as a URL: `smtps://user:password@smtp.example.com:465`, or `smtp://…:587` (STARTTLS when the server offers it). Unset: the email channel is off (docs/notifications.md).',
    sensitive: true,
    parse: (raw) => (/^smtps?:\/\/[^/]/.test(raw) ? raw : { problem: 'must start with smtp:// or smtps://' }),
  },
  {
    env: 'HEARTH_MAIL_FROM',
    key: 'mailFrom',
    default: null,
    description:
      'The sender of notification emails, `Hearth <hearth@example.com>` or an address; needed with `HEARTH_SMTP_URL`.',
    parse: (raw) =>
      /^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(raw.trim())
        ? raw.trim()
        : { problem: 'must be an email address, or a name and an address in <>' },
  },
  {
    env: 'HEARTH_PUBLIC_URL',
    key: 'publicUrl',
    default: null,
    description:
      'The address people open Hearth at (`https://hearth.example.com`): the links in notifications. Unset: `http://localhost:` and the port.',
    parse: (raw) =>
      /^https?:\/\/[^/]+/.test(raw)
        ? raw.replace(/\/+$/, '')
        : { problem: 'must be an http:// or https:// URL' },
  },
] as const satisfies readonly Setting<keyof Config>[];

function parseBoolean(raw: string): boolean | { problem: string } {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  return { problem: 'must be true or false' };
}

const KNOWN_ENV = new Set<string>(SETTINGS.map((s) => s.env));
// Variables that look like ours but are not: a typo here would otherwise be silently ignored.
const OUR_PREFIX = 'HEARTH_';

/**
 * Reads and validates every setting; one error lists all the bad ones.
 *
 * @example loadConfig({ PORT: '8080' }).port // 8080
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: { path: string; message: string }[] = [];
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS as readonly Setting<keyof Config>[]) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') {
      config[setting.key] = setting.default;
      continue;
    }
    const parsed = setting.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && 'problem' in parsed) {
      problems.push({ path: setting.env, message: parsed.problem });
    } else {
      config[setting.key] = parsed;
    }
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith(OUR_PREFIX) && !KNOWN_ENV.has(name)) {
      problems.push({ path: name, message: 'is not a Hearth setting (see docs/config.md)' });
    }
  }
  if (
    config.smtpUrl !== null &&
    config.mailFrom === null &&
    !problems.some((p) => p.path === 'HEARTH_MAIL_FROM')
  ) {
    problems.push({
      path: 'HEARTH_MAIL_FROM',
      message: 'must be set when HEARTH_SMTP_URL is (the sender of notification emails)',
    });
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return Object.freeze(config) as unknown as Config;
}

/** The settings as they may be printed: sensitive values masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(
    (SETTINGS as readonly Setting<keyof Config>[]).map((s) => [
      s.env,
      s.sensitive && config[s.key] !== null ? '********' : config[s.key],
    ]),
  );
}

/** docs/config.md, generated from SETTINGS so the page cannot drift from the code. */
export function renderConfigDoc(): string {
  const rows = (SETTINGS as readonly Setting<keyof Config>[]).map((s) => {
    const shown = s.default === null ? '(none)' : `\`${String(s.default)}\``;
    return `| \`${s.env}\` | ${shown}${s.unit ? ` ${s.unit}` : ''} | ${s.description}${s.sensitive ? ' Masked in logs.' : ''} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated by `npm run generate` from src/config.ts; do not edit by hand. -->',
    '',
    'Hearth reads these environment variables once at start. A bad value, or a `HEARTH_…` variable',
    'that is not one of these (a typo), stops it with one message listing every problem.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
