import type { Kysely, Transaction } from 'kysely';
import type { Lead } from '../domain/lead.js';
import { applyFilters, type LeadFilter, toLead } from './leads.js';
import type { Database } from './schema.js';

/** A lead with the account it belongs to. */
export interface AccountLead {
  readonly lead: Lead;
  readonly accountKey: string;
}

/** Reads of leads by account (SPEC §2 Company); the keys are written with each lead (see leads.ts). */
export interface AccountStore {
  /**
   * Leads that belong to an account, in id order after `afterId`: a roll-up over every account
   * reads them a page at a time.
   *
   * @example await store.accounts.keyedLeadsAfter(null, 1000, { visibleTo: repId })
   */
  keyedLeadsAfter(afterId: string | null, limit: number, filter: LeadFilter): Promise<AccountLead[]>;
  /** The leads of one account, in id order (index `leads_account_key`). */
  leadsOf(key: string, filter: LeadFilter): Promise<Lead[]>;
}

export function accountStore(db: Kysely<Database> | Transaction<Database>): AccountStore {
  return {
    keyedLeadsAfter: async (afterId, limit, filter) => {
      let q = applyFilters(db.selectFrom('leads').selectAll(), filter)
        .where('account_key', 'is not', null)
        .orderBy('id')
        .limit(limit);
      if (afterId !== null) q = q.where('id', '>', afterId);
      const rows = await q.execute();
      return rows.map((row) => ({ lead: toLead(row), accountKey: row.account_key as string }));
    },
    leadsOf: async (key, filter) =>
      (
        await applyFilters(db.selectFrom('leads').selectAll(), filter)
          .where('account_key', '=', key)
          .orderBy('id')
          .execute()
      ).map(toLead),
  };
}
