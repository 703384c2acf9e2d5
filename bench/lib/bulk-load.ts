// The base of a benchmark database: nine tenths of the data set written straight into Hearth's
// tables with COPY (as a restore would), so that the 1M-lead size loads in minutes rather than
// the hours the import path would take. The leads are left unscored (no model version): the
// rescore-all benchmark that follows scores every one of them, as a model publish does.
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'csv-stringify/sync';
import { accountKey } from '../../src/domain/account.js';
import type { Manifest } from '../generate.js';
import type { SqlSession } from './database.js';
import { close, write } from './streams.js';

export interface BulkLoad {
  readonly leads: number;
  readonly events: number;
  readonly decided: number;
  readonly ms: number;
}

const LEAD_COLUMNS = [
  'email',
  'name',
  'company',
  'job_title',
  'industry',
  'company_size',
  'country',
  'source',
  'status',
  'created_at',
  'updated_at',
  'account_key',
];
const EVENT_COLUMNS = ['id', 'lead_id', 'type', 'occurred_at', 'external_id', 'properties', 'received_at'];

export async function bulkLoad(session: SqlSession, manifest: Manifest): Promise<BulkLoad> {
  const started = performance.now();
  const scratch = join(tmpdir(), `hearth-bulk-${process.pid}-${Date.now()}`);
  const files = {
    leads: `${scratch}-leads.csv`,
    decisions: `${scratch}-decisions.csv`,
    events: `${scratch}-events.csv`,
    keys: `${scratch}-keys.csv`,
  };
  try {
    const decided = await writeLeadRows(manifest.files.leadsBulk.path, files.leads, files.decisions);
    const { rows: leads } = await session.copyIn(
      `leads (${LEAD_COLUMNS.join(', ')})`,
      files.leads,
      'format csv',
    );
    await session.query('create table bench_decisions (email text, status text, at timestamptz)');
    await session.copyIn('bench_decisions', files.decisions, 'format csv');
    await session.query(`
      insert into lead_status_changes (lead_id, from_status, to_status, at, recorded_at, was_hot, actor)
      select l.id, 'open', d.status, d.at, d.at, false, 'bench' from bench_decisions d join leads l on l.email = d.email`);
    await session.query('drop table bench_decisions');

    const ids = new Map<string, string>();
    for (const row of await session.query<{ id: string; email: string }>('select id, email from leads')) {
      ids.set(row.email, row.id);
    }
    const [first] = await session.query<{ next: number }>(
      'select coalesce(max(id), 0)::int + 1 as next from events',
    );
    const events = await writeEventRows(
      manifest.files.eventsBulk.path,
      ids,
      first?.next ?? 1,
      files.events,
      files.keys,
    );
    await session.copyIn(`events (${EVENT_COLUMNS.join(', ')})`, files.events, 'format csv');
    await session.copyIn('event_keys (external_id, event_id, lead_id)', files.keys, 'format csv');
    await session.query(
      `select setval(pg_get_serial_sequence('events', 'id'), (select max(id) from events))`,
    );
    await session.query(`
      update leads l set last_activity_at = e.last
      from (select lead_id, max(occurred_at) as last from events group by lead_id) e
      where e.lead_id = l.id and l.model_version is null`);
    await session.query('analyze');
    return { leads, events, decided, ms: performance.now() - started };
  } finally {
    for (const file of Object.values(files)) rmSync(file, { force: true });
  }
}

async function writeLeadRows(source: string, leadsFile: string, decisionsFile: string): Promise<number> {
  const leads = createWriteStream(leadsFile);
  const decisions = createWriteStream(decisionsFile);
  let decided = 0;
  for await (const line of createInterface({
    input: createReadStream(source),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line === '') continue;
    const l = JSON.parse(line) as Record<string, string | number | undefined>;
    const email = String(l.email);
    const status = l.outcome === undefined ? 'open' : l.outcome === 'won' ? 'customer' : 'lost';
    const row = [
      email,
      l.name,
      l.company,
      l.jobTitle,
      l.industry,
      l.companySize,
      l.country,
      l.source,
      status,
      l.createdAt,
      l.decidedAt ?? l.createdAt,
      accountKey({ email, company: (l.company as string | undefined) ?? null }),
    ];
    await write(leads, stringify([row]));
    if (status !== 'open') {
      decided += 1;
      await write(decisions, stringify([[email, status, l.decidedAt]]));
    }
  }
  await Promise.all([close(leads), close(decisions)]);
  return decided;
}

async function writeEventRows(
  source: string,
  leadIds: ReadonlyMap<string, string>,
  firstId: number,
  eventsFile: string,
  keysFile: string,
): Promise<number> {
  const events = createWriteStream(eventsFile);
  const keys = createWriteStream(keysFile);
  let id = firstId;
  let batch: unknown[][] = [];
  let keyBatch: unknown[][] = [];
  const flush = async () => {
    await write(events, stringify(batch));
    await write(keys, stringify(keyBatch));
    batch = [];
    keyBatch = [];
  };
  for await (const line of createInterface({
    input: createReadStream(source),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line === '') continue;
    const e = JSON.parse(line) as {
      id: string;
      email: string;
      type: string;
      occurredAt: string;
      properties: object;
    };
    const leadId = leadIds.get(e.email);
    if (leadId === undefined) throw new Error(`bulk load: event ${e.id} names an unknown lead ${e.email}`);
    batch.push([id, leadId, e.type, e.occurredAt, e.id, JSON.stringify(e.properties), e.occurredAt]);
    keyBatch.push([e.id, id, leadId]);
    id += 1;
    if (batch.length >= 5000) await flush();
  }
  await flush();
  await Promise.all([close(events), close(keys)]);
  return id - firstId;
}
