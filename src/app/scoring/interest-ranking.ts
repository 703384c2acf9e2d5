import { type Principal, visibleTo } from '../../domain/access.js';
import { valueFromKey } from '../../domain/scoring/index.js';
import type { InterestKeyGroup, LeadFilter } from '../../store/leads.js';
import type { AppContext } from '../context.js';
import { type ScoredLead, withScores } from './scoring-service.js';

const SCAN = 100;
// Reported interest is rounded to hundredths; a margin of one hundredth keeps the stopping rule
// exact despite that rounding.
const ROUNDING = 0.01;

/**
 * The `limit` leads with the highest interest now, without scoring every lead: Fagin's threshold
 * algorithm over the two indexed sort keys (engagement and intent decay with different
 * half-lives, so no single key orders their sum). Both index scans advance together; each lead
 * seen is scored exactly; the values at the two scan frontiers bound the interest of every lead
 * not seen yet (negative points only lower it), so the scan stops once `limit` leads beat that
 * bound. Ties go to the smaller id. Leads without positive points have interest 0 and come last.
 *
 * @example (await rankByInterest(ctx, actor, { temperature: 'hot' }, 20)).leads // the hot list
 */
export async function rankByInterest(
  ctx: AppContext,
  actor: Principal,
  filter: LeadFilter,
  limit: number,
  options: { scanSize?: number } = {},
): Promise<{ leads: ScoredLead[]; scored: number }> {
  const scanSize = options.scanSize ?? SCAN;
  const now = ctx.clock();
  const scope = visibleTo(actor);
  const visible: LeadFilter = scope === undefined ? { ...filter } : { ...filter, visibleTo: scope };
  const model = await ctx.store.scoring.activeModel();
  const scans = (['engagement', 'intent'] as const).map((group) => ({
    group,
    halfLifeDays: model.halfLifeDays[group],
    offset: 0,
    exhausted: false,
    frontier: Number.POSITIVE_INFINITY,
  }));
  const seen = new Map<string, ScoredLead>();
  const ranked = () =>
    [...seen.values()].sort((a, b) => b.interest - a.interest || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  for (;;) {
    for (const scan of scans) {
      if (scan.exhausted) continue;
      const page = await ctx.store.leads.byInterestKey(
        scan.group as InterestKeyGroup,
        visible,
        scan.offset,
        scanSize,
      );
      scan.offset += page.length;
      const last = page.at(-1);
      scan.frontier = last ? valueFromKey(last.key, scan.halfLifeDays, now.getTime()) : 0;
      if (page.length < scanSize) {
        scan.exhausted = true;
        scan.frontier = 0;
      }
      const fresh = page.map((p) => p.lead).filter((lead) => !seen.has(lead.id));
      for (const lead of await withScores(ctx.store, fresh, now)) seen.set(lead.id, lead);
    }
    const bound = scans.reduce((sum, scan) => sum + scan.frontier, 0);
    const top = ranked();
    const kth = top[limit - 1];
    const done =
      scans.every((scan) => scan.exhausted) || (kth !== undefined && kth.interest > bound + ROUNDING);
    if (done) break;
  }
  const top = ranked().slice(0, limit);
  if (top.length < limit) {
    // Every lead with points has been seen; the rest have interest 0, listed by id.
    const zero = await ctx.store.leads.withoutInterestKeys(visible, limit - top.length);
    top.push(...(await withScores(ctx.store, zero, now)));
  }
  return { leads: top, scored: seen.size };
}
