/**
 * The benchmark data set: N leads with realistic profiles and about 30 events each (heavy-tailed
 * per lead, in bursty sessions over months), streamed to files so that 1M leads never sit in
 * memory. The same size, seed and end date give the same bytes on every machine.
 *
 *   npx tsx bench/generate.ts --size 100k [--seed 1] [--end 2026-11-01] [--out bench/data/100k]
 *
 * Files: the first tenth of the leads is for `hearth import` — leads-import.ndjson (profiles, and an
 * outcome for the decided ones), events.ndjson (the events of the first half of them) and
 * events.csv (the second half); the other nine tenths are the base a benchmark loads in bulk —
 * leads-bulk.ndjson and events-bulk.ndjson; manifest.json counts everything.
 * Every address ends in `.example` (RFC 2606), so none can reach a real person.
 */

import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { Random } from '../src/domain/demo/random.js';
import {
  BLOG_POSTS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  COUNTRIES,
  DECISION_MAKER_TITLES,
  DOCS_PAGES,
  FIRST_NAMES,
  FREE_MAIL_DOMAINS,
  INDUSTRIES,
  LAST_NAMES,
  OTHER_PAGES,
  OTHER_TITLES,
  SOURCES,
} from '../src/domain/demo/vocabulary.js';
import { close, write } from './lib/streams.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SIZES = { tiny: 500, '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
export type SizeName = keyof typeof SIZES;

export interface GenerateOptions {
  readonly leads: number;
  readonly seed: number;
  /** No event or lead is later than this (the server's clock must be past it). */
  readonly end: Date;
  readonly dir: string;
  /** How many days back the first leads appear. */
  readonly days?: number;
  /** The share of leads (and their events) in the files for `hearth import`. */
  readonly importShare?: number;
}

export type FileName = 'leadsImport' | 'eventsNdjson' | 'eventsCsv' | 'leadsBulk' | 'eventsBulk';

export interface Manifest {
  readonly leads: number;
  readonly seed: number;
  readonly end: string;
  readonly days: number;
  readonly decided: number;
  readonly files: Record<FileName, { path: string; rows: number; leads: number }>;
  readonly eventTypes: Record<string, number>;
  readonly eventsPerLead: { mean: number; p50: number; p99: number; max: number };
}

interface GeneratedEvent {
  readonly id: string;
  readonly email: string;
  readonly type: string;
  readonly at: number;
  readonly properties: Record<string, string | number>;
}

// Leads are generated in blocks and each block's events are written in time order, as a tracker
// export by period would be; a block bounds the memory to its events (about 30 × BLOCK).
const BLOCK = 1000;
const CSV_COLUMNS = ['id', 'email', 'type', 'occurredAt', 'properties'];

export async function generateDataset(options: GenerateOptions): Promise<Manifest> {
  const days = options.days ?? 180;
  const imported = Math.max(2, Math.round(options.leads * (options.importShare ?? 0.1)));
  const firstCsvLead = Math.floor(imported / 2);
  const endMs = options.end.getTime();
  const startMs = endMs - days * DAY;
  mkdirSync(options.dir, { recursive: true });
  const names: Record<FileName, string> = {
    leadsImport: 'leads-import.ndjson',
    eventsNdjson: 'events.ndjson',
    eventsCsv: 'events.csv',
    leadsBulk: 'leads-bulk.ndjson',
    eventsBulk: 'events-bulk.ndjson',
  };
  const open = (name: string) => ({
    path: join(options.dir, name),
    rows: 0,
    leads: 0,
    out: createWriteStream(join(options.dir, name)) as Writable,
  });
  const files: Record<FileName, ReturnType<typeof open>> = {
    leadsImport: open(names.leadsImport),
    eventsNdjson: open(names.eventsNdjson),
    eventsCsv: open(names.eventsCsv),
    leadsBulk: open(names.leadsBulk),
    eventsBulk: open(names.eventsBulk),
  };
  await write(files.eventsCsv.out, stringify([CSV_COLUMNS]));

  const random = new Random(options.seed);
  let decided = 0;
  const types: Record<string, number> = {};
  // Events per lead, counted up to 10,000 (the tail is capped far below that).
  const perLead = new Uint32Array(10_001);
  let maxPerLead = 0;

  for (let blockStart = 0; blockStart < options.leads; blockStart += BLOCK) {
    const blockEnd = Math.min(options.leads, blockStart + BLOCK);
    const blockEvents: Record<'eventsNdjson' | 'eventsCsv' | 'eventsBulk', GeneratedEvent[]> = {
      eventsNdjson: [],
      eventsCsv: [],
      eventsBulk: [],
    };
    const leadLines = { leadsImport: '', leadsBulk: '' };
    for (let index = blockStart; index < blockEnd; index++) {
      // Leads arrive more and more often towards the end (a growing funnel): t ∝ sqrt(u).
      const createdMs = Math.floor(startMs + Math.sqrt(random.next()) * (endMs - startMs - HOUR));
      const lead = makeLead(random, index, createdMs);
      const events = makeEvents(random, lead.email, index, createdMs, endMs);
      const decision = decide(random, events, createdMs, endMs);
      if (decision) decided += 1;
      const leadFile = index < imported ? 'leadsImport' : 'leadsBulk';
      leadLines[leadFile] += `${JSON.stringify({ ...lead.profile, ...(decision ?? {}) })}\n`;
      files[leadFile].rows += 1;
      files[leadFile].leads += 1;
      const eventFile = index < firstCsvLead ? 'eventsNdjson' : index < imported ? 'eventsCsv' : 'eventsBulk';
      files[eventFile].leads += 1;
      blockEvents[eventFile].push(...events);
      const n = Math.min(events.length, perLead.length - 1);
      perLead[n] = (perLead[n] ?? 0) + 1;
      maxPerLead = Math.max(maxPerLead, events.length);
      for (const e of events) types[e.type] = (types[e.type] ?? 0) + 1;
    }
    await write(files.leadsImport.out, leadLines.leadsImport);
    await write(files.leadsBulk.out, leadLines.leadsBulk);
    for (const [file, events] of Object.entries(blockEvents) as [
      keyof typeof blockEvents,
      GeneratedEvent[],
    ][]) {
      if (events.length === 0) continue;
      events.sort((a, b) => a.at - b.at);
      files[file].rows += events.length;
      await write(
        files[file].out,
        file === 'eventsCsv'
          ? stringify(
              events.map((e) => [
                e.id,
                e.email,
                e.type,
                new Date(e.at).toISOString(),
                JSON.stringify(e.properties),
              ]),
            )
          : events.map((e) => `${JSON.stringify(eventRecord(e))}\n`).join(''),
      );
    }
  }
  await Promise.all(Object.values(files).map((f) => close(f.out)));

  const events = files.eventsNdjson.rows + files.eventsCsv.rows + files.eventsBulk.rows;
  const manifest: Manifest = {
    leads: options.leads,
    seed: options.seed,
    end: options.end.toISOString(),
    days,
    decided,
    files: Object.fromEntries(
      Object.entries(files).map(([key, f]) => [key, { path: f.path, rows: f.rows, leads: f.leads }]),
    ) as Manifest['files'],
    eventTypes: types,
    eventsPerLead: {
      mean: Number((events / options.leads).toFixed(1)),
      p50: quantileOf(perLead, options.leads, 0.5),
      p99: quantileOf(perLead, options.leads, 0.99),
      max: maxPerLead,
    },
  };
  writeFileSync(join(options.dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function eventRecord(e: GeneratedEvent) {
  return {
    id: e.id,
    email: e.email,
    type: e.type,
    occurredAt: new Date(e.at).toISOString(),
    properties: e.properties,
  };
}

function quantileOf(histogram: Uint32Array, total: number, q: number): number {
  let seen = 0;
  for (let n = 0; n < histogram.length; n++) {
    seen += histogram[n] ?? 0;
    if (seen >= q * total) return n;
  }
  return histogram.length - 1;
}

// Company sizes: most companies are small (a log-normal with median 60 employees), a few huge.
function makeLead(random: Random, index: number, createdMs: number) {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const word = random.pick(COMPANY_WORDS);
  const company = `${word} ${random.pick(COMPANY_SUFFIXES)}`;
  const decisionMaker = random.chance(0.3);
  const freeMail = random.chance(0.15);
  const domain = freeMail
    ? random.pick(FREE_MAIL_DOMAINS)
    : `${word.toLowerCase().replace(/[^a-z]/g, '')}${index % 997}.example`;
  // The index keeps every address unique without a set of all of them in memory.
  const email = `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}.${index}@${domain}`;
  const profile: Record<string, string | number> = {
    email,
    name: `${first} ${last}`,
    company,
    jobTitle: decisionMaker ? random.pick(DECISION_MAKER_TITLES) : random.pick(OTHER_TITLES),
    industry: random.weighted(INDUSTRIES),
    companySize: Math.max(1, Math.min(200_000, Math.round(random.logNormal(60, 1.6)))),
    country: random.weighted(COUNTRIES),
    source: random.weighted(SOURCES),
    createdAt: new Date(createdMs).toISOString(),
  };
  // A few profiles are incomplete, as real form fills are.
  if (random.chance(0.1)) delete profile.companySize;
  if (random.chance(0.05)) delete profile.industry;
  return { email, profile };
}

const SESSION_TYPES = {
  page_view: 60,
  pricing_page_visit: 4,
  content_download: 4,
  form_submit: 1.5,
  newsletter_signup: 1,
  social_follow: 1,
  trial_start: 0.6,
  demo_request: 0.4,
} as const;

/**
 * One lead's events: a heavy-tailed count (log-normal, median 36, cut short for recent leads: mean about 30, capped at 3,000)
 * in sessions of a few events minutes apart, sessions clustered in active weeks (bursts) between
 * the lead's creation and the end, plus email opens and clicks from newsletters.
 */
function makeEvents(random: Random, email: string, index: number, createdMs: number, endMs: number) {
  const total = Math.max(1, Math.min(3000, Math.round(random.logNormal(36, 1))));
  const events: GeneratedEvent[] = [];
  const add = (type: string, at: number, properties: Record<string, string | number>) => {
    if (at >= endMs) return;
    events.push({ id: `bench-${index}-${events.length}`, email, type, at: Math.floor(at), properties });
  };
  const span = endMs - createdMs;
  // Interest comes in bursts: a few active periods, each a run of sessions.
  let burstAt = createdMs;
  while (events.length < total && burstAt < endMs) {
    let at = burstAt;
    const sessions = 1 + Math.floor(random.exponential(3));
    for (let s = 0; s < sessions && events.length < total && at < endMs; s++) {
      const pages = 1 + Math.floor(random.exponential(3));
      for (let p = 0; p < pages && events.length < total; p++) {
        if (random.chance(0.15)) {
          const campaign = `Newsletter ${1 + (Math.floor(at / (7 * DAY)) % 52)}`;
          add(random.chance(0.75) ? 'email_open' : 'email_click', at, { campaign });
        } else {
          const type = random.weighted(SESSION_TYPES);
          add(type, at, type === 'page_view' ? { url: pageUrl(random) } : { form: type });
        }
        at += random.exponential(2 * MINUTE);
      }
      at += random.exponential(1.5 * DAY);
    }
    burstAt = at + random.exponential(Math.max(DAY, span / 6));
  }
  return events;
}

function pageUrl(random: Random): string {
  const kind = random.next();
  if (kind < 0.4) return random.pick(BLOG_POSTS);
  if (kind < 0.6) return random.pick(DOCS_PAGES);
  if (kind < 0.7) return '/pricing';
  return random.pick(OTHER_PAGES);
}

// About a quarter of the leads older than three weeks are decided (won or lost), more often won
// when they asked for a demo or a trial: enough decided leads for a backtest.
function decide(random: Random, events: readonly GeneratedEvent[], createdMs: number, endMs: number) {
  const decidedMs = createdMs + 21 * DAY;
  if (decidedMs >= endMs || !random.chance(0.25)) return null;
  const intent = events.some(
    (e) => e.at < decidedMs && (e.type === 'demo_request' || e.type === 'trial_start'),
  );
  const won = random.chance(intent ? 0.45 : 0.08);
  return { outcome: won ? 'won' : 'lost', decidedAt: new Date(decidedMs).toISOString() };
}

/** The default end of a data set: midnight UTC today, so that its last weeks are recent. */
export function defaultEnd(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Where a data set lives under `root`: one folder per size, seed and end, the one `npm run bench`
 * looks in (and reuses), so that a data set generated beforehand serves the run.
 */
export function datasetDir(root: string, size: string, seed: number, end: Date): string {
  return join(root, `${size}-seed${seed}-${end.toISOString().slice(0, 10)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { Command } = await import('commander');
  const program = new Command('generate')
    .option('--size <size>', `one of ${Object.keys(SIZES).join(', ')}`, '10k')
    .option('--seed <n>', 'random seed', '1')
    .option(
      '--end <date>',
      'the last instant of the data set (ISO 8601)',
      defaultEnd(new Date()).toISOString(),
    )
    .option(
      '--out <dir>',
      'folder for the files (default bench/data/SIZE-seedN-END, where npm run bench looks)',
    )
    .parse();
  const opts = program.opts<{ size: SizeName; seed: string; end: string; out?: string }>();
  const leads = SIZES[opts.size];
  if (leads === undefined) program.error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const started = performance.now();
  const manifest = await generateDataset({
    leads,
    seed: Number(opts.seed),
    end: new Date(opts.end),
    dir: opts.out ?? datasetDir(join('bench', 'data'), opts.size, Number(opts.seed), new Date(opts.end)),
  });
  console.log(JSON.stringify(manifest, null, 2));
  console.log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
