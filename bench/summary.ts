/**
 * Prints a Markdown table of result files beside the targets, for docs/performance.md:
 *
 *   npx tsx bench/summary.ts bench/results/A.json bench/results/B.json …
 */
import { readFileSync } from 'node:fs';

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}
interface Run {
  rows: number;
  rowsPerSecond: number;
  peakRssMb: number | null;
  copy?: { rowsPerSecond: number };
  ratioToCopy?: number;
}
interface Ingest {
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
interface Result {
  size: string;
  machine: { loadAverage: number };
  database: { engine: string };
  dataSet: { leads: number; events: number };
  results: {
    startup?: { firstStartMs: number; startAtSizeMs: number };
    import?: { leads: Run; ndjson: Run; csv: Run };
    rescore?: { leads: number; ms: number; queueMeanwhile: Latency };
    reads?: { queue: Latency; hotList: Latency; leadPage: Latency; hotLeads: number };
    freshness?: { ms: Latency };
    ingest?: { single: Ingest; batch: Ingest };
    memory?: { events: number; seconds: number; rowsPerSecond: number; peakRssMb: number | null };
    eventLoop?: {
      backtest: { maxGapMs: number; leads: number; ms: number };
      funnelYear: { maxGapMs: number };
    };
  };
}

const files = process.argv.slice(2);
const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Result);
const n = (v: number | undefined | null, digits = 0) =>
  v === undefined || v === null || Number.isNaN(v)
    ? '—'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits });

const rows: [string, string, (r: Result) => string][] = [
  [
    'import events, NDJSON (rows/s; ratio to raw COPY)',
    '≥ 0.5 × COPY',
    (r) => {
      const i = r.results.import?.ndjson;
      return i ? `${n(i.rowsPerSecond)} (COPY ${n(i.copy?.rowsPerSecond)}; **${n(i.ratioToCopy, 3)}**)` : '—';
    },
  ],
  [
    'import events, CSV (rows/s; ratio to raw COPY)',
    '≥ 0.5 × COPY',
    (r) => {
      const i = r.results.import?.csv;
      return i ? `${n(i.rowsPerSecond)} (COPY ${n(i.copy?.rowsPerSecond)}; **${n(i.ratioToCopy, 3)}**)` : '—';
    },
  ],
  ['import leads with outcomes, NDJSON (rows/s)', '—', (r) => n(r.results.import?.leads.rowsPerSecond)],
  [
    'peak RSS of `hearth import` (MB)',
    '< 1,024',
    (r) => {
      const i = r.results.import;
      return i ? n(Math.max(i.leads.peakRssMb ?? 0, i.ndjson.peakRssMb ?? 0, i.csv.peakRssMb ?? 0)) : '—';
    },
  ],
  [
    'peak RSS of `hearth import events` of up to 1M events into an empty PGlite database (MB; events, rows/s)',
    '< 1,024',
    (r) => {
      const m = r.results.memory;
      return m ? `**${n(m.peakRssMb)}** (${n(m.events)} events, ${n(m.rowsPerSecond)} rows/s)` : '—';
    },
  ],
  [
    'API ingest, batches of 100 (events/s; p50 / p99 ms)',
    '≥ 50,000/s on PostgreSQL',
    (r) => {
      const b = r.results.ingest?.batch;
      return b ? `${n(b.eventsPerSecond)} (${n(b.latencyMs.p50)} / ${n(b.latencyMs.p99)})` : '—';
    },
  ],
  [
    'API ingest, single events (events/s; p50 / p99 ms)',
    '≥ 3,000/s, p99 < 20 ms',
    (r) => {
      const s = r.results.ingest?.single;
      return s ? `${n(s.eventsPerSecond)} (${n(s.latencyMs.p50)} / ${n(s.latencyMs.p99)})` : '—';
    },
  ],
  [
    'freshness p50 / p95 (ms)',
    'p95 < 50 ms',
    (r) => {
      const f = r.results.freshness?.ms;
      return f ? `${n(f.p50, 1)} / ${n(f.p95, 1)}` : '—';
    },
  ],
  [
    'rescore-all (leads in s)',
    '1M in < 60 s',
    (r) => {
      const x = r.results.rescore;
      return x ? `${n(x.leads)} in ${n(x.ms / 1000, 1)} s` : '—';
    },
  ],
  [
    'GET /queue p99 during rescore (ms; samples)',
    '< 100 ms',
    (r) => {
      const q = r.results.rescore?.queueMeanwhile;
      return q ? `${n(q.p99, 1)} (n ${q.n})` : '—';
    },
  ],
  ['hot queue `GET /queue` p50 / p95 (ms)', 'p95 < 20 ms', (r) => latency(r.results.reads?.queue)],
  [
    'hot list `GET /leads?temperature=hot` p50 / p95 (ms)',
    'p95 < 20 ms',
    (r) => latency(r.results.reads?.hotList),
  ],
  ['lead page `GET /leads/{id}` p50 / p95 (ms)', 'p95 < 20 ms', (r) => latency(r.results.reads?.leadPage)],
  [
    'largest event-loop gap: backtest / year funnel (ms)',
    '< 50 ms',
    (r) => {
      const e = r.results.eventLoop;
      return e ? `${n(e.backtest.maxGapMs)} / ${n(e.funnelYear.maxGapMs)}` : '—';
    },
  ],
  [
    'start-up to ready: empty / at size (ms)',
    '< 2,000 ms',
    (r) => {
      const s = r.results.startup;
      return s ? `${n(s.firstStartMs)} / ${n(s.startAtSizeMs)}` : '—';
    },
  ],
];

function latency(l: Latency | undefined): string {
  return l ? `${n(l.p50, 1)} / ${n(l.p95, 1)}` : '—';
}

const heads = results.map(
  (r) =>
    `${r.size} ${r.database.engine === 'pglite' ? 'PGlite' : 'PostgreSQL'} (load ${r.machine.loadAverage})`,
);
console.log(`| figure | target | ${heads.join(' | ')} |`);
console.log(`| --- | --- | ${heads.map(() => '---').join(' | ')} |`);
for (const [name, target, cell] of rows)
  console.log(`| ${name} | ${target} | ${results.map(cell).join(' | ')} |`);
