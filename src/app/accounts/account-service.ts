import { type Principal, visibleTo } from '../../domain/access.js';
import {
  accountDomain,
  accountInterest,
  accountKey,
  hottest,
  temperatureRank,
} from '../../domain/account.js';
import { HearthError } from '../../domain/errors.js';
import type { Temperature } from '../../domain/scoring/model.js';
import type { LeadFilter } from '../../store/leads.js';
import type { AppContext } from '../context.js';
import { getLead } from '../leads/lead-service.js';
import { type ScoredLead, withScores } from '../scoring/scoring-service.js';

// Leads read per query while rolling every account up: bounded memory, few round trips.
const SCAN_BATCH = 1000;

export const ACCOUNT_SORTS = ['interest', 'hottest'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

/** One company as the desk sees it (SPEC §2 Company), at the time of reading. */
export interface AccountSummary {
  readonly key: string;
  /** The company name most of its leads give, else the domain. */
  readonly name: string;
  /** The company domain, or null for an account keyed by name. */
  readonly domain: string | null;
  readonly leadCount: number;
  readonly hottestTemperature: Temperature;
  /** 100 × (1 − Π(1 − iₖ/100)) over its leads' interest now (domain/account.ts). */
  readonly interest: number;
  readonly lastActivityAt: Date | null;
}

export interface AccountDetail extends AccountSummary {
  /** Its leads with their scores, most interested first. */
  readonly leads: ScoredLead[];
}

/** A position in the list: the sort value and key of the last account seen. */
export interface AccountCursor {
  readonly value: number;
  readonly key: string;
}

export interface AccountQuery {
  readonly sort: AccountSort;
  readonly limit: number;
  readonly after?: AccountCursor | undefined;
}

// A rep rolls up only the leads they may see (their own and unassigned ones).
function visibleFilter(actor: Principal): LeadFilter {
  const scope = visibleTo(actor);
  return scope === undefined ? {} : { visibleTo: scope };
}

/** Gathers one account's leads as they stream past (one number per lead is kept). */
class Rollup {
  private readonly interests: number[] = [];
  private temperatures = new Set<Temperature>();
  private last: Date | null = null;
  private readonly names = new Map<string, number>();

  constructor(readonly key: string) {}

  add(lead: ScoredLead): void {
    this.interests.push(lead.interest);
    this.temperatures.add(lead.temperature);
    if (lead.lastActivityAt && (this.last === null || lead.lastActivityAt > this.last)) {
      this.last = lead.lastActivityAt;
    }
    if (lead.company !== null) this.names.set(lead.company, (this.names.get(lead.company) ?? 0) + 1);
  }

  summary(): AccountSummary {
    const domain = accountDomain(this.key);
    return {
      key: this.key,
      name: this.displayName() ?? domain ?? this.key,
      domain,
      leadCount: this.interests.length,
      hottestTemperature: hottest([...this.temperatures]),
      interest: accountInterest(this.interests),
      lastActivityAt: this.last,
    };
  }

  private displayName(): string | null {
    let best: [string, number] | null = null;
    for (const [name, n] of this.names) {
      if (best === null || n > best[1] || (n === best[1] && name < best[0])) best = [name, n];
    }
    return best?.[0] ?? null;
  }
}

/** The value an account is sorted on, highest first: interest, or temperature then interest. */
export function sortValue(account: AccountSummary, sort: AccountSort): number {
  return sort === 'interest'
    ? account.interest
    : temperatureRank(account.hottestTemperature) * 1000 + account.interest;
}

/**
 * Every account the actor may see, rolled up from its leads' scores now, sorted (highest first,
 * then by key) and paged. Scores decay continuously, so the roll-up is computed at each request
 * from every keyed lead, read a batch at a time; docs/accounts.md gives the cost.
 */
export async function listAccounts(
  ctx: AppContext,
  actor: Principal,
  query: AccountQuery,
): Promise<{ accounts: AccountSummary[]; next: AccountCursor | null }> {
  const now = ctx.clock();
  const filter = visibleFilter(actor);
  const rollups = new Map<string, Rollup>();
  let afterId: string | null = null;
  for (;;) {
    const batch = await ctx.store.accounts.keyedLeadsAfter(afterId, SCAN_BATCH, filter);
    if (batch.length === 0) break;
    const scored = await withScores(
      ctx.store,
      batch.map((b) => b.lead),
      now,
    );
    scored.forEach((lead, i) => {
      const key = (batch[i] as { accountKey: string }).accountKey;
      let rollup = rollups.get(key);
      if (!rollup) {
        rollup = new Rollup(key);
        rollups.set(key, rollup);
      }
      rollup.add(lead);
    });
    afterId = (batch.at(-1) as { lead: { id: string } }).lead.id;
  }
  const ranked = [...rollups.values()]
    .map((r) => {
      const summary = r.summary();
      return { summary, value: sortValue(summary, query.sort) };
    })
    .sort((a, b) => b.value - a.value || (a.summary.key < b.summary.key ? -1 : 1));
  const after = query.after;
  const start =
    after === undefined
      ? 0
      : ranked.findIndex(
          (r) => r.value < after.value || (r.value === after.value && r.summary.key > after.key),
        );
  const shown = start < 0 ? [] : ranked.slice(start, start + query.limit);
  const last = shown.at(-1);
  const more = start >= 0 && start + query.limit < ranked.length;
  return {
    accounts: shown.map((r) => r.summary),
    next: more && last ? { value: last.value, key: last.summary.key } : null,
  };
}

/** One account with its leads (those the actor may see); not found when it has none. */
export async function getAccount(ctx: AppContext, actor: Principal, key: string): Promise<AccountDetail> {
  const leads = await ctx.store.accounts.leadsOf(key, visibleFilter(actor));
  if (leads.length === 0) throw new HearthError('not_found', `No account has key ${key}`, { key });
  const scored = (await withScores(ctx.store, leads, ctx.clock())).sort(
    (a, b) => b.interest - a.interest || (a.id < b.id ? -1 : 1),
  );
  const rollup = new Rollup(key);
  for (const lead of scored) rollup.add(lead);
  return { ...rollup.summary(), leads: scored };
}

/**
 * The account of a lead (the lead page's "company"), with its leads that the actor may see, the
 * lead itself included; null when the lead has no account (a free-mail address and no company).
 */
export async function accountOfLead(
  ctx: AppContext,
  actor: Principal,
  leadId: string,
): Promise<AccountDetail | null> {
  const key = accountKey(await getLead(ctx, actor, leadId));
  return key === null ? null : getAccount(ctx, actor, key);
}
