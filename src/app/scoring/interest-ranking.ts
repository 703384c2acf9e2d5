import { type Principal, visibleTo } from '../../domain/access.js';
import type { Lead } from '../../domain/lead.js';
import {
  rankingInterest,
  type ScoreState,
  type ScoringModel,
  valueFromKey,
} from '../../domain/scoring/index.js';
import type { InterestKeyGroup, InterestKeyPosition, LeadFilter } from '../../store/leads.js';
import type { AppContext } from '../context.js';
import { currentState, type ScoredLead, withScores } from './scoring-service.js';

const SCAN = 100;
// Deep pages read many rows above the cursor: each round reads twice as many, up to this, so a
// page 20 screens down costs a few round trips, not dozens.
const MAX_SCAN = 1_600;
// The bound and the values are computed along different paths (a key's log, a state's decay):
// a margin far above their floating-point difference, far below any difference of points.
const MARGIN = 1e-6;

/**
 * A position in the ranking: the ranking interest (domain `rankingInterest`: unrounded,
 * unclamped) and id of the last lead listed.
 */
export interface InterestRankPosition {
  readonly value: number;
  readonly id: string;
}

export interface InterestRanking {
  /** Scored at the ranking's instant, highest interest first. */
  readonly leads: ScoredLead[];
  /** Where the next page starts; null when no lead follows. */
  readonly next: InterestRankPosition | null;
  /** How many leads were read to find them. */
  readonly scored: number;
}

interface Ranked {
  readonly lead: Lead;
  readonly value: number;
}

// Descending like every other descending sort of the list: ties by id, descending too.
const byValue = (a: Ranked, b: Ranked) =>
  b.value - a.value || (a.lead.id > b.lead.id ? -1 : a.lead.id < b.lead.id ? 1 : 0);

/**
 * The `limit` leads with the highest interest at `asOf` (default now) after `after`, without
 * scoring every lead: Fagin's threshold algorithm over the two indexed sort keys (engagement and
 * intent decay with different half-lives, so no single key orders their sum). Both index scans
 * advance together from the top; each lead read is ranked by its interest before rounding and
 * clamping (`rankingInterest`, from the state in the same row); the values at the two scan
 * frontiers bound that of every lead not read yet (negative points only lower it), so the scan
 * stops once `limit` leads after `after` beat the bound. The order is total — ranking interest
 * descending, then id descending — and agrees with the reported interest; leads the cap shows at
 * 100 are ranked by how far their points reach. Pages continued from the last lead of the
 * previous one at the same `asOf` neither skip nor repeat a lead. Leads without positive points
 * rank 0, by id, above leads whose negative points outweigh the rest.
 *
 * A page deep in the list reads every lead above it again (nothing is kept between requests); the
 * leads at 0 need a read of every lead with points (docs/performance.md measures both).
 *
 * @example (await rankByInterest(ctx, actor, { temperature: 'hot' }, 20)).leads // the hot list
 */
export async function rankByInterest(
  ctx: AppContext,
  actor: Principal,
  filter: LeadFilter,
  limit: number,
  options: { scanSize?: number; asOf?: Date; after?: InterestRankPosition } = {},
): Promise<InterestRanking> {
  const { after } = options;
  const now = options.asOf ?? ctx.clock();
  const scope = visibleTo(actor);
  const visible: LeadFilter = scope === undefined ? { ...filter } : { ...filter, visibleTo: scope };
  const model = await ctx.store.scoring.activeModel();
  const scans = (['engagement', 'intent'] as const).map((group) => ({
    group,
    halfLifeDays: model.halfLifeDays[group],
    position: null as InterestKeyPosition | null,
    exhausted: false,
    frontier: Number.POSITIVE_INFINITY,
  }));
  const isAfter = (r: Ranked) =>
    after === undefined || r.value < after.value || (r.value === after.value && r.lead.id < after.id);
  const seen = new Set<string>();
  const candidates: Ranked[] = [];
  // One more than asked: whether it exists says whether another page follows.
  const wanted = limit + 1;
  let scanSize = options.scanSize ?? SCAN;

  for (;;) {
    for (const scan of scans) {
      if (scan.exhausted) continue;
      const page = await ctx.store.leads.byInterestKey(
        scan.group as InterestKeyGroup,
        visible,
        scan.position,
        scanSize,
      );
      const last = page.at(-1);
      if (last) scan.position = { key: last.key, id: last.lead.id };
      scan.frontier = last ? valueFromKey(last.key, scan.halfLifeDays, now.getTime()) : 0;
      if (page.length < scanSize) {
        scan.exhausted = true;
        scan.frontier = 0;
      }
      for (const ranked of await rankAll(ctx, page, model, now)) {
        if (seen.has(ranked.lead.id)) continue;
        seen.add(ranked.lead.id);
        if (isAfter(ranked)) candidates.push(ranked);
      }
    }
    candidates.sort(byValue);
    candidates.splice(wanted);
    const bound = scans.reduce((sum, scan) => sum + scan.frontier, 0);
    const kth = candidates[wanted - 1];
    if (scans.every((scan) => scan.exhausted) || (kth !== undefined && kth.value > bound + MARGIN)) break;
    scanSize = Math.min(scanSize * 2, MAX_SCAN);
  }
  const kth = candidates[wanted - 1];
  if ((after === undefined || after.value >= 0) && (kth === undefined || kth.value <= 0)) {
    // Every lead with points has been read; those without rank 0 and take their place by id.
    const below = after !== undefined && after.value === 0 ? after.id : null;
    const zero = await ctx.store.leads.withoutInterestKeys(visible, below, wanted);
    candidates.push(...zero.map((lead) => ({ lead, value: 0 })));
    candidates.sort(byValue);
    candidates.splice(wanted);
  }
  const page = candidates.slice(0, limit);
  const last = page.at(-1);
  return {
    leads: await withScores(
      ctx.store,
      page.map((r) => r.lead),
      now,
    ),
    next: candidates.length > limit && last ? { value: last.value, id: last.lead.id } : null,
    scored: seen.size,
  };
}

/**
 * The ranking interest of leads read with their stored states. A state of another model version
 * (after a publish, until the rescore reaches the lead) is rebuilt as a read would rebuild it.
 */
async function rankAll(
  ctx: AppContext,
  rows: readonly { lead: Lead; state: ScoreState | null }[],
  model: ScoringModel,
  now: Date,
): Promise<Ranked[]> {
  const ranked: Ranked[] = [];
  for (const { lead, state } of rows) {
    const current = await currentState(ctx.store, lead, state, model, now);
    ranked.push({ lead, value: rankingInterest(current, model, now.getTime()) });
  }
  return ranked;
}
