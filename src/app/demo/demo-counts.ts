import type { LeadFilter } from '../../store/leads.js';
import type { AppContext } from '../context.js';

const PAGE = 1000;

export interface DemoCounts {
  readonly users: number;
  readonly leads: number;
  readonly events: number;
  /** Open leads whose stored temperature is hot: the hot queue. */
  readonly hotNow: number;
  readonly customers: number;
  readonly lost: number;
  readonly openTasks: number;
}

/** What an installation holds, for the summary `hearth demo` prints. Pages through lists. */
export async function demoCounts(ctx: AppContext): Promise<DemoCounts> {
  const { store } = ctx;
  return {
    users: await store.users.count(),
    leads: await store.leads.count(),
    events: await store.events.count(),
    hotNow: await countLeads(ctx, { status: 'open', temperature: 'hot' }),
    customers: await countLeads(ctx, { status: 'customer' }),
    lost: await countLeads(ctx, { status: 'lost' }),
    openTasks: await countOpenTasks(ctx),
  };
}

async function countLeads(ctx: AppContext, filter: LeadFilter): Promise<number> {
  let count = 0;
  let after: { value: string | null; id: string } | undefined;
  for (;;) {
    const page = await ctx.store.leads.list({
      ...filter,
      sort: 'createdAt',
      direction: 'asc',
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    count += page.leads.length;
    if (page.next === null || page.leads.length < PAGE) return count;
    after = page.next;
  }
}

async function countOpenTasks(ctx: AppContext): Promise<number> {
  let count = 0;
  let after: { dueAt: Date | null; id: string } | undefined;
  for (;;) {
    const tasks = await ctx.store.tasks.list({
      state: 'open',
      now: ctx.clock(),
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    count += tasks.length;
    const last = tasks.at(-1);
    if (!last || tasks.length < PAGE) return count;
    after = { dueAt: last.dueAt, id: last.id };
  }
}
