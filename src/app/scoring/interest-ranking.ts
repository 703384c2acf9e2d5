import { type Principal, visibleTo } from '../../domain/access.js';
import { valueFromKey } from '../../domain/scoring/index.js';
import type { InterestKeyGroup, InterestKeyPosition, LeadFilter } from '../../store/leads.js';
import type { AppContext } from '../context.js';
import { type ScoredLead, withScores } from './scoring-service.js';

const SCAN = 100;
// Deep pages read many rows above the cursor: each round reads twice as many, up to this, so a
// page 20 screens down costs a few round trips, not dozens.
const MAX_SCAN = 1_600;
// Reported interest is rounded to hundredths; a margin of one hundredth keeps the stopping rule
// exact despite that rounding.
const ROUNDING = 0.01;

/** A position in the ranking: the interest and id of the last lead listed. */
export interface InterestRankPosition {
  readonly interest: number;
  readonly id: string;
}

export interface InterestRanking {
  /** Scored at the ranking's instant, highest interest first, ties by id (descending). */
  readonly leads: ScoredLead[];
  /** True when more leads follow the last one listed. */
  readonly more: boolean;
  /** How many leads were scored to find them. */
  readonly scored: number;
}

// Descending like every other descending sort of the list: ties by id, descending too.
const byInterest = (a: ScoredLead, b: ScoredLead) =>
  b.interest - a.interest || (a.id > b.id ? -1 : a.id < b.id ? 1 : 0);

/**
 * The `limit` leads with the highest interest at `asOf` (default now) after `after`, without
 * scoring every lead: Fagin's threshold algorithm over the two indexed sort keys (engagement and
 * intent decay with different half-lives, so no single key orders their sum). Both index scans
 * advance together from the top; each lead seen is scored exactly; the values at the two scan
 * frontiers bound the interest of every lead not seen yet (negative points only lower it), so the
 * scan stops once `limit` leads after `after` beat that bound. The order is total — interest
 * descending, then id descending — so that pages continued from the last lead of the previous one, at the
 * same `asOf`, neither skip nor repeat a lead. Leads without positive points have interest 0 and
 * take their place among the zeros by id.
 *
 * A page deep in the list scans every lead above it again (nothing is kept between requests); the
 * zeros at the end need a scan of every lead with points (docs/performance.md measures both).
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
  const isAfter = (lead: ScoredLead) =>
    after === undefined ||
    lead.interest < after.interest ||
    (lead.interest === after.interest && lead.id < after.id);
  const seen = new Set<string>();
  const candidates: ScoredLead[] = [];
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
      const fresh = page.map((p) => p.lead).filter((lead) => !seen.has(lead.id));
      for (const lead of await withScores(ctx.store, fresh, now)) {
        seen.add(lead.id);
        if (isAfter(lead)) candidates.push(lead);
      }
    }
    candidates.sort(byInterest);
    const bound = scans.reduce((sum, scan) => sum + scan.frontier, 0);
    const kth = candidates[wanted - 1];
    if (scans.every((scan) => scan.exhausted) || (kth !== undefined && kth.interest > bound + ROUNDING))
      break;
    candidates.splice(wanted);
    scanSize = Math.min(scanSize * 2, MAX_SCAN);
  }
  const kth = candidates[wanted - 1];
  if (kth === undefined || kth.interest <= 0) {
    // Every lead with points has been seen: the rest have interest 0 and join the zeros by id.
    const zeroBefore = after !== undefined && after.interest === 0 ? after.id : null;
    const zero = await ctx.store.leads.withoutInterestKeys(visible, zeroBefore, wanted);
    candidates.push(...(await withScores(ctx.store, zero, now)));
    candidates.sort(byInterest);
  }
  return {
    leads: candidates.slice(0, limit),
    more: candidates.length > limit,
    scored: seen.size,
  };
}
