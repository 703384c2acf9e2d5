import type { Principal } from '../../domain/access.js';
import type { LeadRecords, StoredRow } from '../../store/lead-records.js';
import type { AppContext } from '../context.js';
import { withScores } from '../scoring/scoring-service.js';
import { findLead } from './lead-service.js';

/**
 * Everything Hearth holds about one lead (SPEC §6), for a person asking what is kept about them:
 * the lead as the API shows it, then every stored row about it, table by table, as stored.
 */
export interface LeadDataExport {
  readonly exportedAt: Date;
  readonly lead: Record<string, unknown>;
  /** The lead's own row, every column (the scoring state included). */
  readonly stored: StoredRow;
  /** The reps' qualification answers, with who gave them and when. */
  readonly qualification: unknown;
  readonly events: StoredRow[];
  readonly eventIds: StoredRow[];
  readonly transitions: StoredRow[];
  readonly statusChanges: StoredRow[];
  readonly tasks: StoredRow[];
  readonly firstTouchTimers: StoredRow[];
  readonly signals: StoredRow[];
  readonly webhookDeliveries: StoredRow[];
  readonly webhookAttempts: StoredRow[];
  readonly automationRuns: StoredRow[];
  /** The website tracker's browsers identified as the lead (docs/integrations.md, "Website tracker"). */
  readonly trackerVisitors: StoredRow[];
  /** What call trackers and other inbound adapters delivered about the lead (its log lines). */
  readonly inboundHookDeliveries: StoredRow[];
  /** What hosted forms logged about the lead's posts. */
  readonly formSubmissions: StoredRow[];
  /** What reps were told about the lead (docs/notifications.md). */
  readonly notifications: StoredRow[];
  readonly audit: StoredRow[];
}

/**
 * Exports everything about the lead named by id or email (the same reference `hearth lead` takes),
 * audited as `lead.export` like a selection export: data about a person leaving the desk.
 */
export async function exportLeadData(
  ctx: AppContext,
  actor: Principal,
  reference: string,
): Promise<LeadDataExport> {
  return ctx.store.transaction(async (store) => {
    const lead = await findLead({ ...ctx, store }, actor, reference);
    const records = (await store.leadRecords.of(lead.id)) as LeadRecords;
    const [scored] = await withScores(store, [lead], ctx.clock());
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'lead.export',
      entity: 'lead',
      entityId: lead.id,
      details: { format: 'json', everything: true },
    });
    const { rows } = records;
    return {
      exportedAt: ctx.clock(),
      lead: { ...scored } as Record<string, unknown>,
      stored: records.lead,
      // The reps' answers live in the scoring state (domain/scoring/state.ts `criteria`).
      qualification: (records.lead.score_state as { criteria?: unknown } | null)?.criteria ?? [],
      events: rows.events,
      eventIds: rows.event_keys,
      transitions: rows.lead_transitions,
      statusChanges: rows.lead_status_changes,
      tasks: rows.tasks,
      firstTouchTimers: rows.first_touch_timers,
      signals: rows.signals,
      webhookDeliveries: rows.webhook_deliveries,
      webhookAttempts: records.webhookAttempts,
      automationRuns: rows.automation_runs,
      trackerVisitors: rows.tracker_visitors,
      inboundHookDeliveries: rows.inbound_hook_deliveries,
      formSubmissions: rows.form_submissions,
      notifications: rows.notifications,
      audit: records.audit,
    };
  });
}
