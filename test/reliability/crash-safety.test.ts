import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/access/access-service.js';
import { RESCORE_CHUNK } from '../../src/app/scoring/model-lifecycle.js';
import { loadConfig } from '../../src/config.js';
import { recompute, type ScoringModel } from '../../src/domain/scoring/index.js';
import { type OpenApp, openApp } from '../../src/main.js';
import type { DatabaseTarget } from '../../src/store/database.js';
import { adminActor, testDatabases } from '../support/databases.js';

// SPEC §4 and §6: kill -9 in the middle of a large import and of a model publish's rescore, on
// real child processes (`hearth serve`, `hearth import`), on each database. After a restart the
// re-run completes with no duplicates and no half-applied chunk, the publish job finishes with
// every lead on the new version, and the desk work and webhook deliveries pending at the kill
// are done (a delivery that was waiting at the kill reaches a local receiver after the restart).

const LEADS = 2_000;
const EVENTS_PER_LEAD = 3;
// One lead in ten gets a "contact sales" form: it turns hot, which makes a speed-to-lead task.
const HOT_EVERY = 10;
const LEAD_CHUNK = 500; // src/app/transfer/import-file.ts CHUNK_SIZE
const EVENT_BATCH = 100; // HEARTH_MAX_BATCH below
// import-file.ts EVENT_BATCHES_PER_CHUNK: events are imported five batches per transaction.
const EVENT_CHUNK = 5 * EVENT_BATCH;
const entry = new URL('../../src/cli/entry.ts', import.meta.url).pathname;

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** SIGKILL, then wait until the process is gone (and reaped: its data-dir lock is then stale). */
async function kill9(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGKILL');
  await gone;
}

function hearth(env: Record<string, string>, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

interface Serve {
  readonly child: ChildProcess;
  readonly url: string;
  /** What it printed (errors only, at LOG_LEVEL=error), shown when the test fails. */
  readonly output: () => string;
}

function startServe(env: Record<string, string>): Promise<Serve> {
  const { child, output } = hearth(env, ['serve']);
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', () => {
      const match = /running on (http:\/\/localhost:\d+)/.exec(output());
      if (match && /API docs: .*\n/.test(output())) resolve({ child, url: match[1] as string, output });
    });
    child.once('exit', (code) => reject(new Error(`hearth serve exited with ${code}: ${output()}`)));
  });
}

/** `hearth import …` to the end; fails the test with the command's output unless it succeeds. */
async function runImport(env: Record<string, string>, args: string[]): Promise<string> {
  const run = hearth(env, ['import', ...args]);
  const code = await exited(run.child);
  if (code !== 0) throw new Error(`hearth import ${args.join(' ')} exited with ${code}: ${run.output()}`);
  return run.output();
}

interface Receipt {
  readonly deliveryId: string;
  readonly status: number;
}

/** A webhook receiver that answers 503 while `down`, 200 otherwise, and records every POST. */
function startReceiver(): Promise<{
  server: Server;
  url: string;
  receipts: Receipt[];
  state: { down: boolean };
}> {
  const receipts: Receipt[] = [];
  const state = { down: true };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const status = state.down ? 503 : 200;
      receipts.push({ deliveryId: String(request.headers['hearth-delivery']), status });
      response.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
        receipts,
        state,
      }),
    ),
  );
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 200,
  explain: () => Promise<string> | string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}. ${await explain()}`);
}

for (const database of testDatabases) {
  describe(`kill -9 during an import and a model publish [${database.name}]`, () => {
    const workDir = mkdtempSync(join(tmpdir(), 'hearth-crash-'));
    let target: DatabaseTarget;
    let env: Record<string, string>;
    let drop: () => Promise<void> = async () => {};
    let key: string;
    let server: Serve | undefined;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const crashes: string[] = [];

    /** Opens the database in this process for a look: through the server's socket while one runs. */
    const inspect = async <T>(look: (app: OpenApp) => Promise<T>): Promise<T> => {
      const app = await openApp(loadConfig({ HEARTH_DB_POOL_SIZE: '1' }), { target });
      try {
        return await look(app);
      } finally {
        await app.close();
      }
    };
    const count = async (app: OpenApp, query: string): Promise<number> =>
      Number((await sql.raw<{ n: string }>(query).execute(app.database.db)).rows[0]?.n);

    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${(server as Serve).url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };

    /** Kills the server (and a command running beside it) with SIGKILL. */
    const crash = async (what: string, ...others: ChildProcess[]) => {
      await Promise.all([kill9((server as Serve).child), ...others.map(kill9)]);
      server = undefined;
      crashes.push(what);
    };

    /**
     * Every lead's stored scoring state equals a single-threaded recompute, by the pure domain, of
     * its stored events under `model`: no event is stored without being scored, nor scored twice.
     */
    const expectScoresEqualRecompute = async (app: OpenApp, model: ScoringModel) => {
      const store = app.ctx.store;
      const ids = (
        await sql<{ id: string }>`select id from leads order by id`.execute(app.database.db)
      ).rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        const page = ids.slice(i, i + 500);
        const [leads, events, states] = await Promise.all([
          store.leads.byIds(page),
          store.models.eventsOf(page),
          store.scoring.statesOf(page),
        ]);
        for (const lead of leads) {
          const history = events.get(lead.id) ?? [];
          const state = states.get(lead.id) ?? null;
          if (history.length === 0 && state === null) continue;
          expect(state, `the state of lead ${lead.id}`).toEqual(
            recompute(lead, history, [], model, new Date()).state,
          );
        }
      }
    };

    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      target =
        created.target.kind === 'postgres'
          ? created.target
          : { kind: 'embedded', dataDir: join(workDir, 'data') };
      await inspect(async (app) => {
        key = (await createApiKey(app.ctx, adminActor, { name: 'test', role: 'admin' })).secret;
      });
      env = {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        LOG_LEVEL: 'error',
        HEARTH_RATE_LIMIT: '0',
        HEARTH_INGEST_RATE_LIMIT: '0',
        HEARTH_SIGNIN_RATE_LIMIT: '0',
        HEARTH_JOB_POLL_MS: '100',
        HEARTH_WEBHOOK_TIMEOUT_MS: '2000',
        HEARTH_MAX_BATCH: String(EVENT_BATCH),
        ...(target.kind === 'postgres'
          ? { DATABASE_URL: target.url }
          : { HEARTH_DATA_DIR: target.dataDir as string }),
      };
      receiver = await startReceiver();
      server = await startServe(env);
      await call('POST', '/api/v1/webhooks', { url: receiver.url, events: ['task.created'] });
    }, 120_000);

    afterAll(async () => {
      if (server) await kill9(server.child);
      receiver?.server.close();
      await drop();
      rmSync(workDir, { recursive: true, force: true });
    });

    const leadsFile = join(workDir, 'leads.ndjson');
    const eventsFile = join(workDir, 'events.csv');
    const emailOf = (i: number) => `crash-${i}@example.com`;

    it(`an import killed mid-way and re-run stores each of ${LEADS} leads and ${LEADS * EVENTS_PER_LEAD} events once; pending webhooks are delivered after the restart`, async () => {
      writeFileSync(
        leadsFile,
        Array.from({ length: LEADS }, (_, i) =>
          JSON.stringify({
            email: emailOf(i),
            name: `Lead ${i}`,
            company: `Company ${i}`,
            industry: 'Software',
            companySize: 200,
            jobTitle: 'VP Sales',
            source: 'import',
          }),
        ).join('\n'),
      );
      // Events of the last minutes, a CSV with quoted JSON properties, each with an external id.
      const base = Date.now() - 10 * 60_000;
      const rows = ['id,email,type,occurredAt,properties'];
      for (let i = 0; i < LEADS; i++) {
        for (let n = 0; n < EVENTS_PER_LEAD; n++) {
          const at = new Date(base + n * 60_000 + i).toISOString();
          const hot = n === EVENTS_PER_LEAD - 1 && i % HOT_EVERY === 0;
          const properties = hot ? { form: 'contact-sales' } : { url: `/pricing/${n}` };
          rows.push(
            `ev-${i}-${n},${emailOf(i)},${hot ? 'form_submit' : 'page_view'},${at},"${JSON.stringify(properties).replaceAll('"', '""')}"`,
          );
        }
      }
      writeFileSync(eventsFile, `${rows.join('\n')}\n`);

      // 1. The leads import, killed (with the server) once its first chunk is committed.
      const leadsImport = hearth(env, ['import', 'leads', leadsFile]);
      let leadsAtKill = 0;
      await inspect((app) =>
        waitFor(
          async () => {
            leadsAtKill = await count(app, 'select count(*) as n from leads');
            return leadsAtKill > 0;
          },
          60_000,
          'the first chunk of the leads import',
          10,
        ),
      );
      await crash('hearth serve and hearth import leads, mid-import', leadsImport.child);
      // Whole chunks only: a chunk is one transaction.
      const leadsAfterCrash = await inspect((app) => count(app, 'select count(*) as n from leads'));
      // What was seen committed before the kill is still there.
      expect(leadsAfterCrash).toBeGreaterThanOrEqual(leadsAtKill);
      expect(leadsAfterCrash, 'the import was killed before its end').toBeLessThan(LEADS);
      expect(leadsAfterCrash % LEAD_CHUNK).toBe(0);

      server = await startServe(env);
      const leadsRerun = await runImport(env, ['leads', leadsFile]);
      expect(leadsRerun).toContain(
        `leads: read ${LEADS}, created ${LEADS - leadsAfterCrash}, updated 0, skipped ${leadsAfterCrash}, rejected 0`,
      );

      // 2. The events import, killed once a chunk is in and the server has queued a task.created
      // webhook (the receiver answers 503 until the restart, so none is delivered before it).
      const eventsImport = hearth(env, ['import', 'events', eventsFile]);
      await inspect((app) =>
        waitFor(
          async () => (await count(app, 'select count(*) as n from webhook_deliveries')) > 0,
          90_000,
          'a chunk of events and a queued webhook delivery',
          10,
        ),
      );
      await crash('hearth serve and hearth import events, mid-import', eventsImport.child);

      const model = await inspect((app) => app.ctx.store.scoring.activeModel());
      const atKill = await inspect(async (app) => {
        const events = await count(app, 'select count(*) as n from events');
        // No event half-applied: each stored event is in its lead's scoring state.
        await expectScoresEqualRecompute(app, model);
        return {
          events,
          pending: (
            await sql<{ id: number }>`select id from webhook_deliveries where state = 'pending'`.execute(
              app.database.db,
            )
          ).rows.map((r) => String(r.id)),
          undispatched: await count(app, 'select count(*) as n from signals where dispatched_at is null'),
        };
      });
      expect(atKill.events).toBeGreaterThan(0);
      expect(atKill.events, 'the import was killed before its end').toBeLessThan(LEADS * EVENTS_PER_LEAD);
      expect(atKill.events % EVENT_CHUNK).toBe(0);
      // Deliveries waiting at the kill: leased and in flight, or answered 503 and due again later.
      expect(atKill.pending.length).toBeGreaterThan(0);
      const answeredBeforeKill = receiver.receipts.length;

      // 3. The receiver is back; the restarted server finishes the desk work and the deliveries.
      receiver.state.down = false;
      server = await startServe(env);
      const eventsRerun = await runImport(env, ['events', eventsFile]);
      expect(eventsRerun).toContain(
        `events: read ${LEADS * EVENTS_PER_LEAD}, created ${LEADS * EVENTS_PER_LEAD - atKill.events}, updated 0, skipped ${atKill.events}, rejected 0`,
      );
      await inspect((app) =>
        waitFor(
          async () =>
            (await count(app, 'select count(*) as n from signals where dispatched_at is null')) === 0 &&
            (await count(app, "select count(*) as n from webhook_deliveries where state <> 'delivered'")) ===
              0,
          150_000,
          'every signal dispatched and every webhook delivered after the restart',
          500,
          () => `server output: ${server?.output()}`,
        ),
      );

      const after = await inspect(async (app) => {
        await expectScoresEqualRecompute(app, model);
        return {
          leads: await count(app, 'select count(*) as n from leads'),
          emails: await count(app, 'select count(distinct email) as n from leads'),
          events: await count(app, 'select count(*) as n from events'),
          keys: await count(app, 'select count(distinct external_id) as n from event_keys'),
          hotTransitions: await count(
            app,
            "select count(*) as n from lead_transitions where to_temperature = 'hot'",
          ),
          hotLeads: await count(
            app,
            "select count(distinct lead_id) as n from lead_transitions where to_temperature = 'hot'",
          ),
          tasks: await count(app, "select count(*) as n from tasks where origin = 'speed_to_lead'"),
          taskLeads: await count(
            app,
            "select count(distinct lead_id) as n from tasks where origin = 'speed_to_lead'",
          ),
          deliveries: await count(app, 'select count(*) as n from webhook_deliveries'),
        };
      });
      expect(after.leads).toBe(LEADS);
      expect(after.emails).toBe(LEADS);
      expect(after.events).toBe(LEADS * EVENTS_PER_LEAD);
      expect(after.keys).toBe(LEADS * EVENTS_PER_LEAD);
      expect(after.hotLeads).toBe(LEADS / HOT_EVERY);
      expect(after.hotTransitions).toBe(LEADS / HOT_EVERY);
      expect(after.tasks).toBe(LEADS / HOT_EVERY);
      expect(after.taskLeads).toBe(LEADS / HOT_EVERY);
      expect(after.deliveries).toBe(LEADS / HOT_EVERY);
      // Each delivery reached the receiver with a 200, the ones that were waiting at the kill too.
      const delivered = new Set(receiver.receipts.filter((r) => r.status === 200).map((r) => r.deliveryId));
      expect(delivered.size).toBe(after.deliveries);
      for (const id of atKill.pending)
        expect(delivered.has(id), `delivery ${id}, pending at the kill`).toBe(true);
      console.info(
        `crash safety [${database.name}] import: ${crashes.length} crashes injected (kill -9); leads ${leadsAfterCrash}/${LEADS} and events ${atKill.events}/${LEADS * EVENTS_PER_LEAD} stored at the kills, ${atKill.undispatched} signals and ${atKill.pending.length} webhook deliveries pending (${answeredBeforeKill} requests answered 503 before it); after the re-run ${after.leads} leads, ${after.events} events, ${after.tasks} tasks, ${delivered.size} webhooks delivered, each pending one among them`,
      );
    }, 480_000);

    it(`a model publish killed mid-rescore finishes after the restart, every lead on the new version`, async () => {
      if (!server) server = await startServe(env);
      const active = (await call('GET', '/api/v1/model')).active as {
        version: number;
        document: ScoringModel;
      };
      const document = { ...active.document, name: `${active.document.name} (crash test)` };
      const rescored = (app: OpenApp) =>
        count(app, `select count(*) as n from leads where model_version = ${active.version + 1}`);
      let rescoredSeen = 0;
      // Watched from a connection opened before the publish, to kill it between two chunks.
      const published = await inspect(async (app) => {
        const answer = (await call('POST', '/api/v1/model/publish', { document })) as {
          version: number;
          job: { id: number; total: number };
        };
        await waitFor(
          async () => {
            rescoredSeen = await rescored(app);
            return rescoredSeen > 0;
          },
          60_000,
          'the first rescore chunk',
          5,
        );
        return answer;
      });
      await crash('hearth serve, mid-rescore');
      expect(published.version).toBe(active.version + 1);
      expect(published.job.total).toBe(LEADS);

      const atKill = await inspect(async (app) => ({
        rescored: await rescored(app),
        job: await app.ctx.store.models.job(published.job.id),
      }));
      expect(atKill.job?.state).toBe('running');
      expect(atKill.rescored, 'the rescore was killed before its end').toBeLessThan(LEADS);
      expect(atKill.rescored).toBeGreaterThanOrEqual(rescoredSeen);
      // Whole chunks only, and the job's progress written with them.
      expect(atKill.rescored % RESCORE_CHUNK).toBe(0);
      expect(atKill.job?.done).toBe(atKill.rescored);

      server = await startServe(env);
      await waitFor(
        async () => (await call('GET', `/api/v1/model/publish/${published.job.id}`)).state === 'done',
        180_000,
        'the restarted server to finish the publish',
        500,
        async () =>
          `job: ${JSON.stringify(await call('GET', `/api/v1/model/publish/${published.job.id}`))}; server output: ${server?.output()}`,
      );
      const after = await inspect(async (app) => {
        const model = await app.ctx.store.scoring.activeModel();
        await expectScoresEqualRecompute(app, model);
        return {
          name: model.name,
          rescored: await rescored(app),
          older: await count(
            app,
            `select count(*) as n from leads where coalesce(model_version, 0) <> ${published.version}`,
          ),
          job: await app.ctx.store.models.job(published.job.id),
          running: await count(app, "select count(*) as n from model_publish_jobs where state <> 'done'"),
        };
      });
      expect(after.name).toBe(document.name);
      expect(after.rescored).toBe(LEADS);
      expect(after.older).toBe(0);
      expect(after.job?.done).toBe(LEADS);
      expect(after.running).toBe(0);
      console.info(
        `crash safety [${database.name}] publish: 1 crash injected (kill -9) with ${atKill.rescored}/${LEADS} leads rescored; after the restart ${after.rescored} leads on version ${published.version}; ${crashes.length} crashes injected in all`,
      );
    }, 300_000);
  });
}
