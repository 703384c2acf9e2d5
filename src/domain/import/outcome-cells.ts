import type { FieldProblem } from '../errors.js';
import type { LeadStatus } from '../lead.js';

/**
 * Import targets that are not lead fields: a column mapped to `outcome` records a decision (as
 * `POST /leads/{id}/outcome` does) at the time in the column mapped to `decidedAt`. Only an
 * explicit `--map` reaches them, so a file's own "Outcome" column keeps going to `attributes`.
 */
export const OUTCOME_TARGETS = ['outcome', 'decidedAt'] as const;

const OUTCOME_WORDS: Readonly<Record<string, Exclude<LeadStatus, 'open'>>> = {
  yes: 'customer',
  '1': 'customer',
  true: 'customer',
  won: 'customer',
  customer: 'customer',
  no: 'lost',
  '0': 'lost',
  false: 'lost',
  lost: 'lost',
  disqualified: 'disqualified',
};

/** A decision read from an import row: what the lead became, and when. */
export interface ImportedOutcome {
  readonly status: Exclude<LeadStatus, 'open'>;
  /** Absent: now, as for an outcome recorded without a time. */
  readonly at?: Date;
}

/**
 * Reads the outcome cells of a row: yes/no, 1/0, true/false, won/lost, customer (won), lost,
 * disqualified, in any case; an empty cell leaves the lead open (no decision). Returns the
 * decision (or null) or the problems of the row.
 *
 * @example readOutcome('Won', '2025-03-01T10:00:00Z', now) // { outcome: { status: 'customer', at: … } }
 */
export function readOutcome(
  outcome: unknown,
  decidedAt: unknown,
  now: Date,
): { outcome: ImportedOutcome | null } | { problems: FieldProblem[] } {
  const word = outcome === undefined || outcome === null ? '' : String(outcome).trim().toLowerCase();
  const status = word === '' ? undefined : OUTCOME_WORDS[word];
  const problems: FieldProblem[] = [];
  if (word !== '' && status === undefined) {
    problems.push({
      path: 'outcome',
      message: `"${String(outcome)}" is not an outcome: use yes/no, 1/0, true/false, won/lost, customer, lost or disqualified (empty: open)`,
    });
  }
  let at: Date | undefined;
  if (decidedAt !== undefined && decidedAt !== null && String(decidedAt).trim() !== '') {
    const text = String(decidedAt).trim();
    at = new Date(text);
    if (Number.isNaN(at.getTime())) {
      problems.push({ path: 'decidedAt', message: `"${text}" is not a date and time (use ISO 8601)` });
    } else if (at.getTime() > now.getTime()) {
      problems.push({ path: 'decidedAt', message: `${at.toISOString()} is in the future` });
    } else if (word === '') {
      problems.push({
        path: 'decidedAt',
        message: 'an open lead has no decision time: give the outcome too',
      });
    }
  }
  if (problems.length > 0) return { problems };
  if (status === undefined) return { outcome: null };
  return { outcome: at === undefined ? { status } : { status, at } };
}
