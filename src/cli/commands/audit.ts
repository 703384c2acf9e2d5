import Table from 'cli-table3';
import { listAuditLog } from '../../app/audit/audit-log.js';
import { type FieldProblem, HearthError } from '../../domain/errors.js';
import { type Io, line, withApp } from '../runtime.js';

// No colour codes: the output is as often piped to grep or a file as read on a terminal.
const PLAIN = { head: [], border: [] };

export interface AuditOptions {
  readonly entity?: string;
  readonly id?: string;
  readonly action?: string;
  readonly actor?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit: string;
  readonly json?: boolean;
}

function parseOptions(options: AuditOptions) {
  const problems: FieldProblem[] = [];
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    problems.push({ path: '--limit', message: 'must be a whole number from 1 to 10000' });
  }
  const instant = (value: string | undefined, path: string) => {
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime()))
      problems.push({ path, message: 'must be a date such as 2026-03-01T00:00:00Z' });
    return date;
  };
  const since = instant(options.since, '--since');
  const until = instant(options.until, '--until');
  if (
    options.actor !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(options.actor)
  ) {
    problems.push({ path: '--actor', message: 'must be a user id (a UUID)' });
  }
  if (options.id !== undefined && options.entity === undefined) {
    problems.push({ path: '--id', message: 'needs --entity too (e.g. --entity lead --id ID)' });
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return { limit, since, until };
}

/** `hearth audit`: who changed what, newest first. */
export async function auditCommand(io: Io, options: AuditOptions): Promise<void> {
  const { limit, since, until } = parseOptions(options);
  await withApp(io, async (app) => {
    const page = await listAuditLog(app.ctx, {
      entity: options.entity,
      entityId: options.id,
      action: options.action,
      actorUserId: options.actor,
      since,
      until,
      limit,
    });
    if (options.json) {
      line(io.out, JSON.stringify(page.entries, null, 2));
      return;
    }
    if (page.entries.length === 0) {
      line(io.out, 'No audit entries match.');
      return;
    }
    const table = new Table({ style: PLAIN, head: ['at', 'action', 'entity', 'id', 'actor', 'details'] });
    for (const entry of page.entries) {
      table.push([
        entry.at.toISOString(),
        entry.action,
        entry.entity,
        entry.entityId ?? '',
        entry.actorUserId ?? (entry.actorKeyId ? `key ${entry.actorKeyId}` : 'operator'),
        JSON.stringify(entry.details),
      ]);
    }
    line(io.out, table.toString());
    if (page.next !== null) line(io.out, `(newest ${limit}; use --limit to see more)`);
  });
}
