import { type Kysely, sql, type Transaction } from 'kysely';
import { type AccountStore, accountStore } from './accounts.js';
import { type ApiKeyStore, apiKeyStore } from './api-keys.js';
import { type AuditStore, auditStore } from './audit.js';
import { type AutomationStore, automationStore } from './automations.js';
import { type BacktestStore, backtestStore } from './backtest.js';
import { type DeskStore, deskStore } from './desk.js';
import { type EventStore, eventStore } from './events.js';
import { type FormStore, formStore } from './forms.js';
import { type ImportStore, importStore } from './imports.js';
import { type InboundHookStore, inboundHookStore } from './inbound-hooks.js';
import { type LeadRecordStore, leadRecordStore } from './lead-records.js';
import { type LeadStore, leadStore } from './leads.js';
import { type ModelStore, modelStore } from './models.js';
import { type NotificationStore, notificationStore } from './notifications.js';
import { type PredictionStore, predictionStore } from './prediction.js';
import { type SavedViewStore, savedViewStore } from './saved-views.js';
import type { Database } from './schema.js';
import { type ScoringStore, scoringStore } from './scoring.js';
import { type SessionStore, sessionStore } from './sessions.js';
import { type SettingsStore, settingsStore } from './settings.js';
import { type SignalStore, signalStore } from './signals.js';
import { type StatsStore, statsStore } from './stats.js';
import { type TaskStore, taskStore } from './tasks.js';
import { type TrackingStore, trackingStore } from './tracking.js';
import { type UserStore, userStore } from './users.js';
import { type WebhookStore, webhookStore } from './webhooks.js';

/**
 * Everything the application layer may ask of storage. The app never sees SQL; it calls these
 * and, where several writes must stand or fall together, wraps them in `transaction`.
 *
 * @example
 * await store.transaction(async (tx) => {
 *   const lead = await tx.leads.create({ email: 'ann@acme.com' });
 *   await tx.audit.record({ action: 'lead.create', entity: 'lead', entityId: lead.id });
 * });
 */
export interface Store {
  readonly leads: LeadStore;
  readonly leadRecords: LeadRecordStore;
  readonly accounts: AccountStore;
  readonly events: EventStore;
  readonly users: UserStore;
  readonly apiKeys: ApiKeyStore;
  readonly audit: AuditStore;
  readonly settings: SettingsStore;
  readonly scoring: ScoringStore;
  readonly models: ModelStore;
  readonly signals: SignalStore;
  readonly tasks: TaskStore;
  readonly desk: DeskStore;
  readonly automations: AutomationStore;
  readonly webhooks: WebhookStore;
  readonly sessions: SessionStore;
  readonly stats: StatsStore;
  readonly backtest: BacktestStore;
  readonly prediction: PredictionStore;
  readonly savedViews: SavedViewStore;
  readonly inboundHooks: InboundHookStore;
  readonly notifications: NotificationStore;
  readonly tracking: TrackingStore;
  readonly forms: FormStore;
  readonly imports: ImportStore;
  /**
   * Runs `work` in a transaction (or in the current one when already inside). A transaction the
   * database aborted for a deadlock or a serialization conflict is run again, up to 3 times: `work`
   * must not have effects outside the database.
   */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Runs `work` so that its failure undoes only its own writes: in a savepoint inside a
   * transaction, else in a transaction of its own. An import retries a refused chunk row by row
   * this way inside the transaction that also records the chunk's progress.
   */
  attempt<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Housekeeping PGlite needs because it has no autovacuum; harmless on PostgreSQL. */
  vacuum(): Promise<void>;
}

// A transaction PostgreSQL aborted to break a deadlock (40P01) or a serialization conflict
// (40001) did nothing: running it again is safe, and what the caller would do anyway.
const MAX_ATTEMPTS = 3;
const RETRYABLE = new Set(['40P01', '40001']);
const isRetryable = (error: unknown) =>
  typeof error === 'object' && error !== null && RETRYABLE.has(String((error as { code?: unknown }).code));

export function createStore(db: Kysely<Database> | Transaction<Database>): Store {
  const store: Store = {
    leads: leadStore(db),
    leadRecords: leadRecordStore(db),
    accounts: accountStore(db),
    events: eventStore(db),
    users: userStore(db),
    apiKeys: apiKeyStore(db),
    audit: auditStore(db),
    settings: settingsStore(db),
    scoring: scoringStore(db),
    models: modelStore(db),
    signals: signalStore(db),
    tasks: taskStore(db),
    desk: deskStore(db),
    automations: automationStore(db),
    webhooks: webhookStore(db),
    sessions: sessionStore(db),
    stats: statsStore(db),
    backtest: backtestStore(db),
    prediction: predictionStore(db),
    savedViews: savedViewStore(db),
    inboundHooks: inboundHookStore(db),
    notifications: notificationStore(db),
    tracking: trackingStore(db),
    forms: formStore(db),
    imports: importStore(db),
    transaction: async (work) => {
      if (db.isTransaction) return work(store);
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute((tx) => work(createStore(tx)));
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        }
      }
    },
    attempt: async (work) => {
      if (!db.isTransaction) return store.transaction(work);
      // One name is enough: savepoints nest, and RELEASE/ROLLBACK TO act on the innermost one.
      await sql`savepoint hearth_attempt`.execute(db);
      try {
        const result = await work(store);
        await sql`release savepoint hearth_attempt`.execute(db);
        return result;
      } catch (error) {
        await sql`rollback to savepoint hearth_attempt`.execute(db);
        await sql`release savepoint hearth_attempt`.execute(db);
        throw error;
      }
    },
    ping: async () => {
      try {
        await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
        return true;
      } catch {
        return false;
      }
    },
    vacuum: async () => {
      await sql`vacuum (analyze)`.execute(db);
      await sql`checkpoint`.execute(db);
    },
  };
  return store;
}
