import { setImmediate as nextTurn } from 'node:timers/promises';
import Type, { type Static } from 'typebox';
import {
  type BacktestSummary,
  DEFAULT_TARGET_PRECISION,
  DEFAULT_TOP_K,
  type Observation,
  summarise,
} from '../../domain/backtest/index.js';
import { HearthError } from '../../domain/errors.js';
import type { Lead } from '../../domain/lead.js';
import {
  readingAsOf,
  type ScoringModel,
  temperatureAsOf,
  type UserCriterion,
} from '../../domain/scoring/index.js';
import type { BacktestEvent, DecidedLead, EventKey } from '../../store/backtest.js';
import type { AppContext } from '../context.js';
import { checkModel } from '../scoring/model-lifecycle.js';

/** `POST /model/backtest` and `hearth model backtest`: which model, and the report's knobs. */
export const BacktestInput = Type.Object(
  {
    document: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: 'A scoring model document to test (docs/scoring.md).' },
      ),
    ),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'A published version to test.' })),
    k: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 1_000_000 }), {
        minItems: 1,
        maxItems: 10,
        description: 'The k of precision at top k; default 10, 50, 100.',
      }),
    ),
    targetPrecision: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'The conversion rate the suggested hot threshold must reach; default 0.5.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Give `document` or `version`; with neither, the draft is tested.',
  },
);
export type BacktestInput = Static<typeof BacktestInput>;

/** A backtest's report: which model ran against which, and the summary (docs/backtest.md). */
export interface BacktestReport extends BacktestSummary {
  readonly model: {
    readonly source: 'document' | 'version' | 'draft';
    readonly version: number;
    readonly name: string | null;
  };
  readonly activeVersion: number;
  readonly elapsedMs: number;
}

// Leads per page, and events per keyset page within it: a page is a few MB at 30 events a lead,
// and one statement (a second one would repeat the first's sort; leads with long histories still
// page).
const LEAD_PAGE = 1000;
const EVENT_PAGE = 50_000;
// The longest the scoring runs between two turns of the event loop. A count of leads (100 was
// 10–30 ms on a quiet machine) ran long where histories are long, the code still cold or the CPU
// shared: 100–650 ms at 10k on a loaded machine (docs/performance.md).
const SLICE_MS = 10;

async function chosenModel(
  ctx: AppContext,
  input: BacktestInput,
): Promise<{ model: ScoringModel; source: BacktestReport['model']['source'] }> {
  if (input.document !== undefined && input.version !== undefined) {
    throw HearthError.invalid([
      { path: 'version', message: 'give either a document or a version, not both' },
    ]);
  }
  if (input.document !== undefined) {
    try {
      return { model: checkModel(input.document), source: 'document' };
    } catch (error) {
      // Locate each problem inside the document, as the publish route does.
      if (error instanceof HearthError && error.details.problems) {
        throw HearthError.invalid(
          error.details.problems.map((p) => ({
            ...p,
            path: p.path === '' ? 'document' : `document.${p.path}`,
          })),
        );
      }
      throw error;
    }
  }
  if (input.version !== undefined) {
    const model = (await ctx.store.models.publishedByVersion()).get(input.version);
    if (!model) throw new HearthError('not_found', `No published model has version ${input.version}`);
    return { model, source: 'version' };
  }
  const draft = (await ctx.store.models.list()).find((m) => m.state === 'draft');
  if (!draft) {
    throw new HearthError(
      'not_found',
      'There is no draft to backtest: save one (PUT /api/v1/model/draft), or give a document or a version',
    );
  }
  return { model: checkModel(draft.document), source: 'draft' };
}

/**
 * The lead as of its decision: its fields as stored now (there is no field history) with the
 * status it had before the decision, and only the rep criteria set before it.
 */
function asOfDecision(decided: DecidedLead): { lead: Lead; criteria: readonly UserCriterion[] } {
  const atMs = decided.decidedAt.getTime();
  return {
    lead: { ...decided.lead, status: decided.statusBefore },
    criteria: decided.criteria.filter((c) => c.atMs < atMs),
  };
}

/** The events of a page of leads, each lead's before its decision, read in keyset pages. */
function eventsOfPage(ctx: AppContext, page: readonly DecidedLead[]): Promise<Map<string, BacktestEvent[]>> {
  return eventsBeforeEach(
    ctx,
    page.map((d) => ({ leadId: d.lead.id, before: d.decidedAt })),
  );
}

/**
 * The events of some leads, each lead's strictly before its instant, read in keyset pages (the
 * backtest's and the predictive score's read).
 */
export async function eventsBeforeEach(
  ctx: AppContext,
  leads: readonly { readonly leadId: string; readonly before: Date }[],
): Promise<Map<string, BacktestEvent[]>> {
  const byLead = new Map<string, BacktestEvent[]>(leads.map((l) => [l.leadId, []]));
  let after: EventKey | null = null;
  for (;;) {
    const events = await ctx.store.backtest.eventsBefore(leads, after, EVENT_PAGE);
    // The page's rows were converted in the turn that received them: group them in another.
    await nextTurn();
    for (const event of events) byLead.get(event.leadId)?.push(event);
    const last = events.at(-1);
    if (!last || events.length < EVENT_PAGE) return byLead;
    after = { leadId: last.leadId, occurredUs: last.occurredUs, id: last.id };
  }
}

/**
 * Scores every lead with a known outcome as of its decision time under a model (a document, a
 * published version or the draft) and under the active model, and reports how well the model
 * separates won from lost leads (SPEC §5 Backtest). Reads leads and events in keyset pages, each
 * statement on its own (no long transaction), and yields to the event loop between pages.
 *
 * @example const report = await runBacktest(ctx, { version: 3 }, { onProgress: (done, total) => bar.update(done) });
 */
export async function runBacktest(
  ctx: AppContext,
  input: BacktestInput,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<BacktestReport> {
  const started = performance.now();
  const { model, source } = await chosenModel(ctx, input);
  const active = await ctx.store.scoring.activeModel();
  const sameAsActive = JSON.stringify(model) === JSON.stringify(active);
  const total = await ctx.store.backtest.countDecided();
  const observations: Observation[] = [];
  const fetchPage = async (afterId: string | null) => {
    const page = await ctx.store.backtest.decidedAfter(afterId, LEAD_PAGE);
    return {
      page,
      events: page.length === 0 ? new Map<string, BacktestEvent[]>() : await eventsOfPage(ctx, page),
    };
  };
  let next = fetchPage(null);
  for (;;) {
    const { page, events } = await next;
    if (page.length === 0) break;
    // The next page is read while this one is scored; its failure surfaces at the next await.
    next = fetchPage((page.at(-1) as DecidedLead).lead.id);
    next.catch(() => undefined);
    // Requests and timers run between slices of the page, and before the first one (the page
    // arrived in this turn).
    await nextTurn();
    let sliceStarted = performance.now();
    for (const decided of page) {
      if (performance.now() - sliceStarted >= SLICE_MS) {
        await nextTurn();
        sliceStarted = performance.now();
      }
      const history = events.get(decided.lead.id) ?? [];
      const { lead, criteria } = asOfDecision(decided);
      const reading = readingAsOf(lead, history, criteria, model, decided.decidedAt);
      const activeTemperature = sameAsActive
        ? reading.temperature
        : temperatureAsOf(lead, history, criteria, active, decided.decidedAt).temperature;
      observations.push({
        won: decided.outcome === 'customer',
        fit: reading.fit,
        interest: reading.interest,
        temperature: reading.temperature,
        hotBy:
          reading.highIntent.length > 0
            ? 'high_intent'
            : reading.qualification.qualified
              ? 'qualification'
              : 'never',
        activeTemperature,
      });
    }
    options.onProgress?.(observations.length, Math.max(total, observations.length));
    await nextTurn();
  }
  const summary = summarise(observations, {
    topK: input.k ?? DEFAULT_TOP_K,
    targetPrecision: input.targetPrecision ?? DEFAULT_TARGET_PRECISION,
  });
  return {
    model: { source, version: model.version, name: model.name ?? null },
    activeVersion: active.version,
    ...summary,
    elapsedMs: Math.round(performance.now() - started),
  };
}
