/**
 * The scoring fold alone, without a database: what ingest, import and a rescore spend in the
 * domain per event and per lead. Reads a generated data set's import files (`bench/generate.ts`:
 * the first tenth's leads and their events), then, with the default model:
 *
 * - ingest: each lead's events in chunks of 5,000 file rows (as `hearth import` sends them), each
 *   chunk's events of a lead through `applyEvent` one by one, then the lead's reading and stored
 *   columns (`scoreUpdate`: next scheduled change, interest keys), as `scoreNewEvents` does;
 * - rescore: every lead rebuilt from all its events under a newly published version
 *   (`rescoreForModel`) and its stored columns, as a publish's rescore does.
 *
 *   npx tsx bench/scoring.ts [--size 10k] [--dir bench/data/…] [--rounds 5]
 *
 * Prints the best round's CPU time (user + system of this process) per event and per lead.
 * docs/performance.md records the figures.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { scoreUpdate } from '../src/app/scoring/scoring-service.js';
import type { ActivityEvent } from '../src/domain/event.js';
import type { Lead } from '../src/domain/lead.js';
import {
  applyEvent,
  b2bModel,
  emptyState,
  type RecordedHistory,
  rescoreForModel,
  type ScoreState,
  temperatureAt,
} from '../src/domain/scoring/index.js';
import { datasetDir, defaultEnd, type Manifest } from './generate.js';

const CHUNK_ROWS = 5_000;

const program = new Command('bench:scoring')
  .option('--size <size>', "the size of today's data set under bench/data (bench/generate.ts)", '10k')
  .option('--dir <dir>', 'another data set folder (one bench/generate.ts wrote)')
  .option('--rounds <n>', 'rounds of each measurement; the best is printed', '5')
  .parse();
const options = program.opts<{ size: string; dir?: string; rounds: string }>();
const dir = options.dir ?? datasetDir(join('bench', 'data'), options.size, 1, defaultEnd(new Date()));
if (!existsSync(join(dir, 'manifest.json'))) {
  console.error(`No data set in ${dir}: run npx tsx bench/generate.ts --size ${options.size} first`);
  process.exit(1);
}

async function* lines(file: string): AsyncGenerator<Record<string, unknown>> {
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line.trim() !== '') yield JSON.parse(line) as Record<string, unknown>;
  }
}

const leads = new Map<string, Lead>();
for await (const row of lines(join(dir, 'leads-import.ndjson'))) {
  const email = String(row.email);
  const createdAt = new Date(String(row.createdAt));
  leads.set(email, {
    id: String(leads.size + 1),
    email,
    name: (row.name as string) ?? null,
    phone: null,
    company: (row.company as string) ?? null,
    jobTitle: (row.jobTitle as string) ?? null,
    industry: (row.industry as string) ?? null,
    companySize: (row.companySize as number) ?? null,
    country: (row.country as string) ?? null,
    source: (row.source as string) ?? null,
    ownerId: null,
    status: 'open',
    optedOut: false,
    attributes: {},
    createdAt,
    updatedAt: createdAt,
    lastActivityAt: null,
  });
}
const events: { lead: Lead; event: ActivityEvent }[] = [];
for await (const row of lines(join(dir, 'events.ndjson'))) {
  const lead = leads.get(String(row.email));
  if (!lead) continue;
  const occurredAt = new Date(String(row.occurredAt));
  events.push({
    lead,
    event: {
      id: events.length + 1,
      leadId: lead.id,
      type: String(row.type),
      occurredAt,
      receivedAt: occurredAt,
      externalId: String(row.id),
      properties: (row.properties as Record<string, unknown>) ?? {},
    },
  });
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const now = new Date(manifest.end);

function ingest(): number {
  const states = new Map<string, { state: ScoreState; recorded: RecordedHistory }>();
  let transitions = 0;
  for (let start = 0; start < events.length; start += CHUNK_ROWS) {
    const byLead = new Map<Lead, ActivityEvent[]>();
    for (const { lead, event } of events.slice(start, start + CHUNK_ROWS)) {
      const list = byLead.get(lead);
      if (list) list.push(event);
      else byLead.set(lead, [event]);
    }
    for (const [lead, chunk] of byLead) {
      chunk.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
      let { state, recorded } = states.get(lead.id) ?? {
        state: emptyState(b2bModel),
        recorded: { through: null, lastTransitionAt: null },
      };
      for (const event of chunk) {
        const result = applyEvent(state, event, lead, b2bModel, now, recorded);
        // An event older than the allowed lateness needs the lead's whole history (a database
        // read); the generated files are in time order per block, so it does not happen here.
        if (result.kind !== 'scored') throw new Error(`event ${event.id}: ${result.reason}`);
        state = result.state;
        recorded = result.recorded;
        transitions += result.transitions.length;
      }
      const reading = temperatureAt(state, lead, b2bModel, now);
      scoreUpdate(lead, state, reading, b2bModel, now, { temperature: 'cold', since: null });
      states.set(lead.id, { state, recorded });
    }
  }
  return transitions;
}

const byLead = new Map<Lead, ActivityEvent[]>();
for (const { lead, event } of events) {
  const list = byLead.get(lead);
  if (list) list.push(event);
  else byLead.set(lead, [event]);
}
const published = { ...b2bModel, version: b2bModel.version + 1 };

function rescore(): number {
  let moved = 0;
  for (const [lead, history] of byLead) {
    const previous = { state: emptyState(b2bModel), model: b2bModel };
    const result = rescoreForModel(previous, lead, history, published, now);
    scoreUpdate(lead, result.state, result.reading, published, now, { temperature: 'cold', since: null });
    if (result.transition) moved += 1;
  }
  return moved;
}

function best(name: string, work: () => number, units: number, unit: string): void {
  let fastest = Number.POSITIVE_INFINITY;
  let outcome = 0;
  for (let round = 0; round < Number(options.rounds); round++) {
    const cpu = process.cpuUsage();
    outcome = work();
    const used = process.cpuUsage(cpu);
    fastest = Math.min(fastest, (used.user + used.system) / 1000);
  }
  console.log(
    `${name}: ${units} ${unit} in ${fastest.toFixed(0)} ms of CPU = ${((fastest * 1000) / units).toFixed(1)} µs per ${unit.replace(/s$/, '')}, ${Math.round(units / (fastest / 1000))} ${unit}/s on one core (checksum ${outcome})`,
  );
}

console.log(`${options.size}: ${leads.size} leads, ${events.length} events (${dir})`);
best('ingest fold', ingest, events.length, 'events');
best('rescore fold', rescore, byLead.size, 'leads');
