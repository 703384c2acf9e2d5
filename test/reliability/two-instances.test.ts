import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/access/access-service.js';
import { loadConfig } from '../../src/config.js';
import { readingAsOf, recompute } from '../../src/domain/scoring/index.js';
import { type OpenApp, openApp } from '../../src/main.js';
import { adminActor, postgresUrl, testDatabases } from '../support/databases.js';
import { fitLeadPayload } from '../support/leads.js';

// SPEC §4: any number of instances on one PostgreSQL, background work claimed in the database so
// that no two do the same work and a crashed one's work is picked up. Two real `hearth serve`
// processes, events from many clients to both, one killed with SIGKILL half-way. Afterwards every
// lead's stored score is compared with a single-threaded recompute from its stored history.

const LEADS = 100;
const EVENTS_PER_LEAD = 100;
const BATCH = 20;
const CLIENTS = 24;
const entry = new URL('../../src/cli/entry.ts', import.meta.url).pathname;

interface Instance {
  readonly child: ChildProcess;
  readonly url: string;
  /** What the server logged at level error, shown if the test fails. */
  readonly errors: () => string;
}

function startInstance(databaseUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      // Many requests from one address and one key, faster than any person: no rate limits.
      HEARTH_RATE_LIMIT: '0',
      HEARTH_INGEST_RATE_LIMIT: '0',
      HEARTH_SIGNIN_RATE_LIMIT: '0',
      LOG_LEVEL: 'error',
      DATABASE_URL: databaseUrl,
      HEARTH_JOB_POLL_MS: '100',
      HEARTH_WEBHOOK_TIMEOUT_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let banner = '';
  let logs = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /running on (http:\/\/localhost:\d+)/.exec(banner);
      if (match && /API docs: .*\n/.test(banner))
        resolve({ child, url: match[1] as string, errors: () => logs });
    });
    child.on('exit', (code) => reject(new Error(`hearth serve exited with ${code}: ${banner}`)));
  });
}

interface Receipt {
  readonly deliveryId: string;
  readonly eventId: string;
  readonly type: string;
  readonly leadId: string | null;
}

/** A webhook receiver that records every POST it gets and always answers 200. */
function startReceiver(): Promise<{ server: Server; url: string; receipts: Receipt[] }> {
  const receipts: Receipt[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const parsed = JSON.parse(body) as { id: string; type: string; data: { leadId?: string } };
      receipts.push({
        deliveryId: String(request.headers['hearth-delivery']),
        eventId: String(parsed.id),
        type: parsed.type,
        leadId: parsed.data.leadId ?? null,
      });
      response.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, receipts }),
    ),
  );
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const postgres = testDatabases.find((d) => d.name === 'postgres');

describe.skipIf(!postgresUrl || !postgres)(
  'two server processes on one PostgreSQL, one killed half-way',
  () => {
    let databaseUrl: string;
    let drop: () => Promise<void> = async () => {};
    let db: pg.Client;
    let app: OpenApp | undefined;
    const instances: Instance[] = [];
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let key: string;
    const leadIds: string[] = [];

    beforeAll(async () => {
      const created = await (postgres as NonNullable<typeof postgres>).create();
      drop = created.drop;
      databaseUrl = (created.target as { url: string }).url;
      // Schema and an admin key, made before the servers start; the app stays open for reading
      // the stored history back afterwards.
      app = await openApp(loadConfig({ HEARTH_DB_POOL_SIZE: '2' }), { target: created.target });
      key = (await createApiKey(app.ctx, adminActor, { name: 'test', role: 'admin' })).secret;
      db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      receiver = await startReceiver();
      instances.push(await startInstance(databaseUrl), await startInstance(databaseUrl));
    }, 60_000);

    afterAll(async () => {
      for (const instance of instances) instance.child.kill('SIGKILL');
      receiver?.server.close();
      await db?.end();
      await app?.close();
      await drop();
    });

    const call = async (base: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };

    it(`${LEADS * EVENTS_PER_LEAD} events turn ${LEADS} leads hot: each transition, task and webhook exactly once, scores equal a recompute`, async () => {
      const [a, b] = instances as [Instance, Instance];
      for (const name of ['Ann', 'Bob', 'Cid']) {
        await call(a.url, 'POST', '/api/v1/users', {
          email: `${name.toLowerCase()}-${Date.now()}@example.com`,
          name,
          role: 'rep',
          password: 'correct horse battery',
        });
      }
      await call(a.url, 'POST', '/api/v1/webhooks', {
        url: receiver.url,
        events: ['lead.temperature_changed', 'task.created'],
      });
      for (let i = 0; i < LEADS; i++) {
        leadIds.push((await call(b.url, 'POST', '/api/v1/leads', fitLeadPayload(new Date()))).id as string);
      }

      // Per lead: page views and one "contact sales" form (which makes a fit lead hot), shuffled
      // with a fixed seed; each with an external id so that a re-sent batch stores nothing twice.
      let seed = 42;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const events = leadIds.flatMap((leadId, l) =>
        Array.from({ length: EVENTS_PER_LEAD }, (_, n) =>
          n === 0
            ? { id: `e-${l}-${n}`, leadId, type: 'form_submit', properties: { form: 'contact-sales' } }
            : { id: `e-${l}-${n}`, leadId, type: 'page_view', properties: { url: `/docs/${n}` } },
        ),
      );
      for (let i = events.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [events[i], events[j]] = [events[j] as (typeof events)[number], events[i] as (typeof events)[number]];
      }
      const batches = Array.from({ length: events.length / BATCH }, (_, i) =>
        events.slice(i * BATCH, (i + 1) * BATCH),
      );

      let next = 0;
      let killed = false;
      let resent = 0;
      const client = async (c: number) => {
        for (;;) {
          const index = next++;
          const batch = batches[index];
          if (!batch) return;
          if (!killed && index >= batches.length / 2) {
            killed = true;
            b.child.kill('SIGKILL');
          }
          const target = !killed && (index + c) % 2 === 1 ? b : a;
          try {
            await call(target.url, 'POST', '/api/v1/events', batch);
          } catch {
            // The killed instance dropped the request: send the batch to the survivor.
            resent += 1;
            await call(a.url, 'POST', '/api/v1/events', batch);
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
      expect(killed).toBe(true);

      const count = async (query: string) => Number((await db.query(query)).rows[0].n);
      await waitFor(
        async () =>
          (await count('select count(*) as n from signals where dispatched_at is null')) === 0 &&
          (await count("select count(*) as n from webhook_deliveries where state <> 'delivered'")) === 0,
        90_000,
        'the survivor to dispatch every signal and deliver every webhook',
      );

      expect(await count('select count(*) as n from events')).toBe(LEADS * EVENTS_PER_LEAD);
      const hot = await db.query(
        "select lead_id, count(*)::int as n from lead_transitions where to_temperature = 'hot' group by lead_id",
      );
      expect(hot.rows).toHaveLength(LEADS);
      expect(hot.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
      const tasks = await db.query(
        "select lead_id, count(*)::int as n from tasks where origin = 'speed_to_lead' group by lead_id",
      );
      expect(tasks.rows).toHaveLength(LEADS);
      expect(tasks.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
      const owners = await db.query('select owner_id, count(*)::int as n from leads group by owner_id');
      expect(owners.rows.every((r: { owner_id: string | null }) => r.owner_id !== null)).toBe(true);

      // No lost update: each lead's stored state, temperature and fit equal a single-threaded
      // recompute, by the pure domain, of the history read back from the database; and its
      // transitions form one chain (each from the previous one's temperature, none repeated)
      // that ends at the stored temperature.
      const store = (app as OpenApp).ctx.store;
      const model = await store.scoring.activeModel();
      const states = await store.scoring.statesOf(leadIds);
      const stored = await db.query('select id, temperature, fit, scored_at from leads');
      let transitionCount = 0;
      for (const row of stored.rows as { id: string; temperature: string; fit: string; scored_at: Date }[]) {
        const lead = await store.leads.byId(row.id);
        if (!lead) throw new Error(`lead ${row.id} is gone`);
        const history = await store.scoring.eventsInOrder(row.id);
        expect(history).toHaveLength(EVENTS_PER_LEAD);
        const reference = recompute(lead, history, [], model, row.scored_at);
        expect(states.get(row.id), `state of lead ${row.id}`).toEqual(reference.state);
        const reading = readingAsOf(lead, history, [], model, row.scored_at);
        expect(reading).toEqual(reference.reading);
        expect(row.temperature, `temperature of lead ${row.id}`).toBe(reading.temperature);
        expect(Number(row.fit)).toBeCloseTo(reading.fit, 6);
        const chain = await store.scoring.transitionsOf(row.id);
        transitionCount += chain.length;
        chain.forEach((t, i) => {
          if (i > 0) expect(t.from).toBe(chain[i - 1]?.to);
          expect(t.to).not.toBe(t.from);
        });
        expect(chain.at(-1)?.to).toBe(row.temperature);
      }

      // Every transition and task announced is received; duplicates only from sends the killed
      // instance had in flight (at least once), which the receiver tells apart by delivery id.
      const expected = await count(
        "select count(*) as n from signals where type in ('lead.temperature_changed', 'task.created')",
      );
      const distinct = new Set(receiver.receipts.map((r) => r.deliveryId));
      expect(distinct.size).toBe(expected);
      expect(new Set(receiver.receipts.map((r) => r.eventId)).size).toBe(expected);
      const duplicates = receiver.receipts.length - distinct.size;
      expect(duplicates).toBeLessThanOrEqual(20);

      // In order per lead: the first receipt of each delivery, by lead, follows signal order.
      const firstSeen = new Map<string, Receipt>();
      for (const receipt of receiver.receipts) {
        if (!firstSeen.has(receipt.deliveryId)) firstSeen.set(receipt.deliveryId, receipt);
      }
      const byLead = new Map<string, string[]>();
      for (const receipt of firstSeen.values()) {
        if (receipt.leadId === null) continue;
        byLead.set(receipt.leadId, [...(byLead.get(receipt.leadId) ?? []), receipt.eventId]);
      }
      const signalOrder = await db.query(
        "select lead_id, id from signals where type in ('lead.temperature_changed', 'task.created') order by id",
      );
      const expectedOrder = new Map<string, string[]>();
      for (const row of signalOrder.rows as { lead_id: string; id: string }[]) {
        expectedOrder.set(row.lead_id, [...(expectedOrder.get(row.lead_id) ?? []), String(row.id)]);
      }
      for (const [leadId, ids] of byLead) {
        const want = expectedOrder.get(leadId) ?? [];
        expect(ids.map((id) => id.replace(/\D/g, ''))).toEqual(want);
      }
      console.info(
        `two instances: ${events.length} events sent in ${batches.length} batches from ${CLIENTS} clients over ${LEADS} leads, ${transitionCount} transitions (each lead equal to its recompute), ${tasks.rows.length} tasks, 1 process killed (SIGKILL), ${resent} batches re-sent, ${distinct.size} webhooks delivered, ${duplicates} re-sent after the kill`,
      );
    }, 180_000);
  },
);
