import { HearthError } from '../../domain/errors.js';
import type { AuditQuery, AuditRecord } from '../../store/audit.js';
import type { AppContext } from '../context.js';

/**
 * A page of the audit log (SPEC §6: who changed what), newest first. Who may read it is the
 * edge's business (`audit:read`, admins); `next` continues the listing.
 */
export async function listAuditLog(
  ctx: AppContext,
  query: AuditQuery,
): Promise<{ entries: AuditRecord[]; next: number | null }> {
  if (query.since !== undefined && query.until !== undefined && query.since >= query.until) {
    throw HearthError.invalid([{ path: 'until', message: 'must be later than since' }]);
  }
  return ctx.store.audit.list(query);
}
