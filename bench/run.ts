/**
 * `npm run bench [-- --size 10k|100k|1m] [--only import,ingest,memory,…] [--smoke]`: every benchmark of
 * docs/performance.md on the embedded database and, when DATABASE_URL is set, on PostgreSQL (a
 * database made for the run on that server, dropped afterwards). Prints each figure and the
 * machine; writes one JSON file per database per run to bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { datasetDir, defaultEnd, generateDataset, type Manifest, SIZES, type SizeName } from './generate.js';
import { bulkLoad } from './lib/bulk-load.js';
import {
  type BenchDatabase,
  describeDatabase,
  type Engine,
  embeddedDatabase,
  postgresDatabase,
} from './lib/database.js';
import { eventLoopGaps } from './lib/event-loop.js';
import { freshness, ingest, reads, rescoreAll } from './lib/http.js';
import { importBenchmark } from './lib/import.js';
import { machine } from './lib/machine.js';
import { MEMORY_EVENTS, memoryBenchmark } from './lib/memory.js';
import { notificationReceivers, notifyLatency } from './lib/notify.js';
import { pinning, pinSelf, startServer } from './lib/processes.js';
import { round } from './lib/stats.js';
import { collectBenchmark } from './lib/tracker.js';

const BENCHMARKS = [
  'startup',
  'import',
  'rescore',
  'reads',
  'freshness',
  'ingest',
  'collect',
  'loop',
  'memory',
  'notify',
] as const;
/** Events `memory` imports with --smoke (otherwise MEMORY_EVENTS, or as many as the data set has). */
const SMOKE_MEMORY_EVENTS = 2_000;
type Benchmark = (typeof BENCHMARKS)[number];

interface Options {
  readonly size: SizeName;
  readonly only: readonly Benchmark[];
  readonly smoke: boolean;
  readonly seed: number;
  readonly seconds: number;
  readonly samples: number;
  readonly data: string;
  readonly results: string;
  readonly build: boolean;
  readonly databases: readonly Engine[];
}

const ENGINES: readonly Engine[] = ['pglite', 'postgresql'];

function parseOptions(): Options {
  const program = new Command('bench')
    .description('Hearth benchmarks (docs/performance.md)')
    .option('--size <size>', `data set: ${Object.keys(SIZES).join(', ')}`, '10k')
    .option(
      '--only <names>',
      `a comma-separated subset of ${BENCHMARKS.join(', ')} (loop and memory: PGlite only)`,
    )
    .option(
      '--smoke',
      'a few hundred leads and 2-second load runs: checks that every benchmark runs (figures mean nothing)',
    )
    .option('--seed <n>', 'seed of the data set', '1')
    .option('--seconds <n>', 'length of each load run (ingest)', '10')
    .option('--samples <n>', 'requests behind each latency figure', '300')
    .option(
      '--data <dir>',
      'where data sets are generated (and kept for the next run)',
      join('bench', 'data'),
    )
    .option(
      '--results <dir>',
      'where result files are written (default bench/results; a smoke run: a temporary folder)',
    )
    .option('--no-build', 'use the existing build instead of running npm run build:server')
    .option(
      '--databases <names>',
      'which databases to run on: pglite, postgresql or both (default: PGlite, and PostgreSQL too when DATABASE_URL is set)',
    )
    .parse();
  const raw = program.opts<Record<string, string | boolean | undefined>>();
  const size = String(raw.size) as SizeName;
  if (!(size in SIZES))
    throw new InvalidArgumentError(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const only =
    raw.only === undefined
      ? [...BENCHMARKS]
      : String(raw.only)
          .split(',')
          .map((s) => s.trim());
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      program.error(`--only: "${name}" is not a benchmark; use ${BENCHMARKS.join(', ')}`);
    }
  }
  const databases =
    raw.databases === undefined
      ? ENGINES.filter((engine) => engine === 'pglite' || process.env.DATABASE_URL)
      : String(raw.databases)
          .split(',')
          .map((s) => s.trim() as Engine);
  for (const name of databases) {
    if (!ENGINES.includes(name)) program.error(`--databases: "${name}" is not one of ${ENGINES.join(', ')}`);
    if (name === 'postgresql' && !process.env.DATABASE_URL) {
      program.error(
        '--databases postgresql: set DATABASE_URL to a server the benchmark may create a database on',
      );
    }
  }
  const smoke = raw.smoke === true;
  return {
    databases,
    size: smoke ? 'tiny' : size,
    only: only as Benchmark[],
    smoke,
    seed: Number(raw.seed),
    seconds: smoke ? 2 : Number(raw.seconds),
    samples: smoke ? 20 : Number(raw.samples),
    data: String(raw.data),
    results:
      typeof raw.results === 'string'
        ? raw.results
        : smoke
          ? join(tmpdir(), 'hearth-bench-smoke')
          : join('bench', 'results'),
    build: raw.build !== false,
  };
}

async function dataset(options: Options): Promise<Manifest> {
  const end = defaultEnd(new Date());
  const dir = datasetDir(options.data, options.size, options.seed, end);
  const manifestFile = join(dir, 'manifest.json');
  if (existsSync(manifestFile)) return JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const started = performance.now();
  const manifest = await generateDataset({ leads: SIZES[options.size], seed: options.seed, end, dir });
  say(
    `data set ${options.size}: ${manifest.leads} leads, ${eventsOf(manifest)} events in ${seconds(started)} s (${dir})`,
  );
  return manifest;
}

function eventsOf(manifest: Manifest): number {
  const { eventsNdjson, eventsCsv, eventsBulk } = manifest.files;
  return eventsNdjson.rows + eventsCsv.rows + eventsBulk.rows;
}

function say(text: string): void {
  console.log(text);
}

function seconds(from: number): string {
  return ((performance.now() - from) / 1000).toFixed(1);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** `memory`: `hearth import events` of up to 1M events into an empty PGlite database of its own. */
async function memoryStep(
  options: Options,
  manifest: Manifest,
  log: (text: string) => void,
  emptyDataDir?: string,
) {
  const { figures, version } = await memoryBenchmark(
    manifest,
    options.smoke ? SMOKE_MEMORY_EVENTS : MEMORY_EVENTS,
    emptyDataDir,
  );
  const made = figures.prepare
    ? `making and migrating that database before: ${figures.prepare.seconds} s, peak RSS ${figures.prepare.peakRssMb ?? '—'} MB`
    : 'a copy of the data directory after the first start';
  log(
    `memory: imported ${figures.events} events in ${figures.seconds} s = ${figures.rowsPerSecond} rows/s into an empty PGlite database (${figures.leads} leads created), peak RSS ${figures.peakRssMb ?? '—'} MB (target < 1,024); ${made}`,
  );
  return { figures, version };
}

/** Only `memory` was asked for: no base to load, no server to start. */
function memoryOnly(options: Options): boolean {
  return options.only.every((name) => name === 'memory');
}

async function runOn(engine: Engine, database: BenchDatabase, options: Options, manifest: Manifest) {
  const wants = (name: Benchmark) => options.only.includes(name);
  const log = (text: string) => say(`[${engine}] ${text}`);
  const runId = `run${Date.now().toString(36)}`;
  const results: Record<string, unknown> = {};

  if (memoryOnly(options)) {
    const { figures, version } = await memoryStep(options, manifest, log);
    log(`database: ${version}`);
    results.memory = figures;
    return { version, results };
  }

  // The first start migrates the empty database and prints the first admin key.
  const first = await startServer(database.env, await freePort());
  await first.stop();
  if (first.firstKey === null) throw new Error('hearth serve printed no admin key on its first start');
  // `memory` imports into a copy of the database as it is now: empty and migrated. Kept beside the
  // data directory, so that dropping the database removes it too.
  let emptyDataDir: string | undefined;
  if (wants('memory') && engine === 'pglite') {
    const dataDir = database.env.HEARTH_DATA_DIR as string;
    emptyDataDir = join(dirname(dataDir), 'empty');
    // Files only: a socket the first server left behind (a stop that failed) cannot be copied.
    cpSync(dataDir, emptyDataDir, {
      recursive: true,
      filter: (source) => !basename(source).startsWith('.s.PGSQL.'),
    });
  }
  const api = { url: '', key: first.firstKey };

  let session = await database.session();
  const version = await describeDatabase(session, engine);
  log(`database: ${version}`);
  let started = performance.now();
  const base = await bulkLoad(session, manifest);
  results.bulkLoad = { ...base, ms: round(base.ms, 0) };
  log(
    `base loaded with COPY: ${base.leads} leads, ${base.events} events, ${base.decided} decided in ${seconds(started)} s`,
  );
  await session.close();

  if (wants('import')) {
    const figures = await importBenchmark(database, manifest);
    results.import = figures;
    log(
      `import leads (ndjson): ${figures.leads.rows} rows in ${figures.leads.seconds} s = ${figures.leads.rowsPerSecond} rows/s, peak RSS ${figures.leads.peakRssMb} MB`,
    );
    for (const [format, run] of [
      ['ndjson', figures.ndjson],
      ['csv', figures.csv],
    ] as const) {
      log(
        `import events (${format}): ${run.rows} rows in ${run.seconds} s = ${run.rowsPerSecond} rows/s; raw COPY ${run.copy.rowsPerSecond} rows/s; ratio ${run.ratioToCopy} (target ≥ 0.5); peak RSS ${run.peakRssMb} MB`,
      );
    }
  }

  session = await database.session();
  const sample = await session.query<{ id: string; email: string }>(
    'select id, email from leads order by random() limit 2000',
  );
  await session.close();

  const server = await startServer(database.env, await freePort());
  results.startup = { firstStartMs: round(first.readyMs, 0), startAtSizeMs: round(server.readyMs, 0) };
  if (wants('startup')) {
    log(
      `start-up to ready: ${round(first.readyMs, 0)} ms (empty database, migrations), ${round(server.readyMs, 0)} ms (at size) (target < 2000 ms)`,
    );
  }
  const live = { ...api, url: server.url };
  try {
    if (wants('rescore')) {
      started = performance.now();
      const figures = await rescoreAll(live);
      results.rescore = figures;
      log(
        `rescore-all after a publish: ${figures.leads} leads in ${round(figures.ms / 1000)} s = ${round(figures.leadsPerSecond, 0)} leads/s; GET /queue meanwhile p50 ${figures.queueMeanwhile.p50} ms, p99 ${figures.queueMeanwhile.p99} ms (n ${figures.queueMeanwhile.n}; target < 100 ms)`,
      );
    }
    if (wants('reads')) {
      const figures = await reads(
        live,
        sample.map((s) => s.id),
        options.samples,
      );
      results.reads = figures;
      for (const [name, l] of [
        ['GET /queue', figures.queue],
        ['GET /leads?temperature=hot', figures.hotList],
        ['GET /leads/{id}', figures.leadPage],
      ] as const) {
        log(`${name}: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms (n ${l.n}; target p95 < 20 ms)`);
      }
    }
    if (wants('freshness')) {
      const figures = await freshness(live, Math.min(options.samples, 200), runId);
      results.freshness = figures;
      log(
        `freshness (POST /events answered → new score readable): p50 ${figures.ms.p50} ms, p95 ${figures.ms.p95} ms; readable on the first read ${figures.firstRead}/${figures.samples} (target p95 < 50 ms)`,
      );
    }
    if (wants('ingest')) {
      // The server has a core of its own; the load generator takes another.
      pinSelf(true);
      try {
        const emails = sample.map((s) => s.email);
        const single = await ingest(live, {
          emails,
          perRequest: 1,
          connections: 10,
          seconds: options.seconds,
          runId: `${runId}-s`,
        });
        const batch = await ingest(live, {
          emails,
          perRequest: 100,
          connections: 4,
          seconds: options.seconds,
          runId: `${runId}-b`,
        });
        results.ingest = { single, batch };
        for (const [name, f, target] of [
          ['single events', single, '≥ 3,000/s, p99 < 20 ms'],
          ['batches of 100', batch, '≥ 50,000 events/s on PostgreSQL'],
        ] as const) {
          log(
            `API ingest, ${name}: ${round(f.eventsPerSecond, 0)} events/s (${f.requests} requests in ${f.seconds} s, ${f.connections} connections), p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, errors ${f.errors + f.non2xx} (target ${target})`,
          );
        }
      } finally {
        pinSelf(false);
      }
    }
    if (wants('collect')) {
      pinSelf(true);
      try {
        const figures = await collectBenchmark(live, {
          connections: 10,
          seconds: options.seconds,
          visitors: options.smoke ? 50 : 2_000,
          runId: `${runId}-t`,
        });
        results.collect = figures;
        log(
          `tracker collect (POST /t/collect, one page view per request, half the visitors identified): ${round(figures.eventsPerSecond, 0)} events/s (${figures.requests} requests in ${figures.seconds} s, ${figures.connections} connections), p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms, errors ${figures.errors + figures.non2xx}`,
        );
      } finally {
        pinSelf(false);
      }
    }
  } finally {
    await server.stop();
  }

  if (wants('notify')) {
    // Its own server: the same database, with SMTP and a Slack URL pointing at receivers here.
    const receivers = await notificationReceivers();
    const mailing = await startServer(
      { ...database.env, HEARTH_SMTP_URL: receivers.smtpUrl, HEARTH_MAIL_FROM: 'hearth@example.com' },
      await freePort(),
    );
    try {
      const figures = await notifyLatency(
        { ...api, url: mailing.url },
        receivers,
        Math.min(options.samples, 100),
        runId,
      );
      results.notify = figures;
      log(
        `hot lead → rep (POST /events answered → email accepted by SMTP and Slack post received): p50 ${figures.bothMs.p50} ms, p95 ${figures.bothMs.p95} ms (email p95 ${figures.emailMs.p95} ms, Slack p95 ${figures.slackMs.p95} ms; n ${figures.samples}; target p95 < 5000 ms)`,
      );
    } finally {
      await mailing.stop();
      await receivers.close();
    }
  }

  if (wants('loop') && engine === 'pglite') {
    const dataDir = database.env.HEARTH_DATA_DIR as string;
    const figures = await eventLoopGaps({ kind: 'embedded', dataDir }, new Date());
    results.eventLoop = figures;
    log(
      `event loop during a backtest of ${figures.backtest.leads} decided leads (${round(figures.backtest.ms / 1000)} s): largest gap ${figures.backtest.maxGapMs} ms; during a year's funnel (${round(figures.funnelYear.ms / 1000)} s): ${figures.funnelYear.maxGapMs} ms (target < 50 ms)`,
    );
  }
  if (wants('memory') && engine === 'pglite') {
    results.memory = (await memoryStep(options, manifest, log, emptyDataDir)).figures;
    if (emptyDataDir) rmSync(emptyDataDir, { recursive: true, force: true });
  }
  return { version, results };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const host = machine();
  say(
    `machine: ${host.cpu}, ${host.cores} cores, ${host.ramGb} GB RAM, ${host.os}, Node ${host.node}, load ${host.loadAverage}${host.commit ? `, commit ${host.commit}${host.uncommittedChanges ? ' with uncommitted changes' : ''}` : ''}`,
  );
  if (options.build) execFileSync('npm', ['run', 'build:server', '--silent'], { stdio: 'inherit' });
  const manifest = await dataset(options);
  // The memory step runs on PGlite alone.
  const engines = memoryOnly(options) ? ['pglite' as const] : options.databases;
  mkdirSync(options.results, { recursive: true });
  for (const engine of engines) {
    const database =
      engine === 'pglite' ? embeddedDatabase() : await postgresDatabase(process.env.DATABASE_URL as string);
    const started = new Date();
    try {
      const { version, results } = await runOn(engine, database, options, manifest);
      const file = join(
        options.results,
        `${started.toISOString().replace(/[:.]/g, '-')}-${options.size}-${engine}.json`,
      );
      const record = {
        startedAt: started.toISOString(),
        size: options.size,
        smoke: options.smoke,
        machine: host,
        database: { engine, version },
        dataSet: {
          leads: manifest.leads,
          events: eventsOf(manifest),
          seed: manifest.seed,
          end: manifest.end,
          decided: manifest.decided,
          eventsPerLead: manifest.eventsPerLead,
        },
        options: { only: options.only, seconds: options.seconds, samples: options.samples, pinning },
        results,
      };
      writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
      say(`[${engine}] results: ${file}`);
    } finally {
      await database.drop();
    }
  }
}

await main();
