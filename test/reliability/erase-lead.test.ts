import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { deliverWebhooks } from '../../src/app/webhooks/webhook-delivery.js';
import type { Database } from '../../src/store/schema.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

// Privacy (SPEC §6, issue 7/7 item 6): a lead with a rich history is exported, then erased, and
// then every column of every table is searched for what identified it. Only the audit log may keep
// the lead's bare id (SPEC §6: "an audit log of who changed what (… deletes)"): it names the row
// that was changed and erased, never the person.

interface Hit {
  readonly table: string;
  readonly column: string;
  readonly rows: number;
}

/** Where a needle occurs: every table of the schema, every column cast to text. */
async function findEverywhere(db: Kysely<Database>, needle: string) {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const pattern = `%${needle.toLowerCase()}%`;
  const hits: Hit[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table)} where lower(${sql.ref(column)}::text) like ${pattern}`.execute(
      db,
    );
    const n = rows[0]?.n ?? 0;
    if (n > 0) hits.push({ table, column, rows: n });
  }
  return { hits, columns: columns.length, tables: new Set(columns.map((c) => c.table_name)).size };
}

describeEachDatabase('privacy: export and erase one lead', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let hook: Server;
  let hookUrl: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    // A receiver that fails the first delivery and takes the rest: attempts with payloads and
    // errors, a delivered one and, for the second subscription, a pending one.
    hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        response.statusCode = request.url?.includes('failing') ? 500 : 200;
        response.end(request.url?.includes('failing') ? 'receiver says no' : 'ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
    hook.closeAllConnections();
    await new Promise((resolve) => hook.close(resolve));
  });

  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const response = await server.inject({ method, url, headers: admin, payload: payload as object });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response;
  };

  it('exports everything about the lead, then erases it until no table holds its email, name, phone or (outside the audit log) its id', async () => {
    const tag = randomUUID().slice(0, 8);
    const email = `zoe.erase-${tag}@erase-${tag}.example.org`;
    const name = `Zoe Erasable ${tag}`;
    const phone = `+1 555 ${tag.replace(/\D/g, '').padEnd(7, '7').slice(0, 7)}`;
    const company = `Erasure ${tag} Ltd`;

    const events = [
      'lead.created',
      'lead.temperature_changed',
      'lead.status_changed',
      'task.created',
      'automation.notify',
    ];
    await call('POST', '/api/v1/webhooks', { url: `${hookUrl}/ok`, events });
    await call('POST', '/api/v1/webhooks', { url: `${hookUrl}/failing`, events });
    await call('POST', '/api/v1/automations', {
      name: `Hot ${tag} gets a call`,
      trigger: { on: 'temperature_changed', to: 'hot' },
      where: { 'attributes.case': { equals: tag } },
      actions: [
        { type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' },
        { type: 'notify' },
      ],
    });

    const base = fitLeadPayload(env.clock(), { email, name, phone, company });
    const created = await call('POST', '/api/v1/leads', {
      ...base,
      attributes: { ...(base.attributes as object), case: tag, note: `reach ${email}` },
    });
    const id = json<{ id: string }>(created).id;
    await call('POST', '/api/v1/events', [
      { leadId: id, type: 'page_view', id: `pv-${tag}`, properties: { url: `/pricing?from=${email}` } },
      { email, type: 'form_submit', properties: { form: 'contact-sales', name } },
    ]);
    const lead = json<{ temperature: string }>(await call('GET', `/api/v1/leads/${id}`));
    expect(lead.temperature).toBe('hot');
    await call('PUT', `/api/v1/leads/${id}/qualification`, {
      budget: { value: 'yes', note: `said ${name}` },
    });
    await call('POST', '/api/v1/tasks', { leadId: id, kind: 'email', title: `Write to ${email}` });
    await runDeskWork(env.app.ctx);
    await deliverWebhooks(env.app.ctx, {});
    await call('PATCH', `/api/v1/leads/${id}`, { status: 'lost' });
    await runDeskWork(env.app.ctx);
    expect(received.some((body) => body.includes(email))).toBe(true);

    // The history is rich: the search finds the lead in many places before the erasure.
    const before = await findEverywhere(env.app.database.db, email);
    const beforeTables = new Set(before.hits.map((h) => h.table));
    for (const table of ['leads', 'events', 'tasks', 'signals', 'webhook_deliveries']) {
      expect([...beforeTables], `the email should be in ${table} before the erasure`).toContain(table);
    }
    const idBefore = new Set((await findEverywhere(env.app.database.db, id)).hits.map((h) => h.table));
    for (const table of [
      'lead_transitions',
      'lead_status_changes',
      'automation_runs',
      'first_touch_timers',
    ]) {
      expect([...idBefore], `the id should be in ${table} before the erasure`).toContain(table);
    }

    // Export: one document with everything about the lead.
    const exported = json<Record<string, unknown[] | Record<string, unknown>>>(
      await call('GET', `/api/v1/leads/${id}/export`),
    );
    expect(exported.lead).toMatchObject({ id, email, name });
    for (const part of [
      'events',
      'eventIds',
      'transitions',
      'statusChanges',
      'tasks',
      'firstTouchTimers',
      'signals',
      'webhookDeliveries',
      'webhookAttempts',
      'automationRuns',
      'audit',
    ]) {
      expect((exported[part] as unknown[]).length, `export.${part}`).toBeGreaterThan(0);
    }
    expect(exported.qualification).toBeTruthy();

    await call('DELETE', `/api/v1/leads/${id}`);
    expect(
      (await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin })).statusCode,
    ).toBe(404);

    const found: string[] = [];
    let searched = { columns: 0, tables: 0 };
    for (const needle of [email, email.split('@')[0] as string, name, phone, `Erasure ${tag}`]) {
      const result = await findEverywhere(env.app.database.db, needle);
      searched = result;
      for (const hit of result.hits)
        found.push(`${JSON.stringify(needle)} in ${hit.table}.${hit.column} (${hit.rows} rows)`);
    }
    for (const hit of (await findEverywhere(env.app.database.db, id)).hits) {
      if (hit.table === 'audit_log') continue;
      found.push(`the lead id in ${hit.table}.${hit.column} (${hit.rows} rows)`);
    }
    console.info(
      `erase [${env.database}]: searched ${searched.columns} columns of ${searched.tables} tables for 6 identifiers`,
    );
    expect(found, 'left behind after erasing the lead').toEqual([]);
  });
});
