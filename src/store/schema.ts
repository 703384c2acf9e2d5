import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { FormSettings, SubmissionOutcome } from '../domain/forms/form.js';
import type { DeliveryOutcome, HookProvider } from '../domain/integrations/hook.js';

/** Kysely's view of the tables. Column names are the database's; the store maps them to domain names. */
export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  leads: LeadsTable;
  events: EventsTable;
  event_keys: EventKeysTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  scoring_models: ScoringModelsTable;
  lead_transitions: LeadTransitionsTable;
  model_publish_jobs: ModelPublishJobsTable;
  signals: SignalsTable;
  tasks: TasksTable;
  first_touch_timers: FirstTouchTimersTable;
  lead_status_changes: LeadStatusChangesTable;
  automations: AutomationsTable;
  automation_runs: AutomationRunsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  sessions: SessionsTable;
  prediction_models: PredictionModelsTable;
  prediction_runs: PredictionRunsTable;
  saved_views: SavedViewsTable;
  inbound_hooks: InboundHooksTable;
  inbound_hook_deliveries: InboundHookDeliveriesTable;
  inbound_hook_nonces: InboundHookNoncesTable;
  tracker_site_keys: TrackerSiteKeysTable;
  tracker_visitors: TrackerVisitorsTable;
  tracker_visitor_events: TrackerVisitorEventsTable;
  hosted_forms: HostedFormsTable;
  form_submissions: FormSubmissionsTable;
  notification_preferences: NotificationPreferencesTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  import_jobs: ImportJobsTable;
  import_job_chunks: ImportJobChunksTable;
  import_job_rejects: ImportJobRejectsTable;
  import_job_leads: ImportJobLeadsTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: 'admin' | 'manager' | 'rep';
  password_hash: string;
  active: Generated<boolean>;
  time_zone: Generated<string>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: 'admin' | 'manager' | 'rep' | 'ingest';
  user_id: string | null;
  prefix: string;
  key_hash: string;
  created_at: DefaultedTimestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LeadsTable {
  id: Generated<string>;
  email: string | null;
  name: string | null;
  phone: string | null;
  company: string | null;
  job_title: string | null;
  industry: string | null;
  company_size: number | null;
  country: string | null;
  source: string | null;
  owner_id: string | null;
  status: Generated<'open' | 'customer' | 'lost' | 'disqualified'>;
  opted_out: Generated<boolean>;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  last_activity_at: Timestamp | null;
  search: ColumnType<string, never, never>;
  score_state: ColumnType<unknown, string | null | undefined, string | null>;
  model_version: number | null;
  /** numeric: pg returns it as text. */
  fit: ColumnType<string | null, number | null | undefined, number | null>;
  temperature: Generated<'cold' | 'cool' | 'warm' | 'hot'>;
  temperature_since: Timestamp | null;
  next_change_at: Timestamp | null;
  scored_at: Timestamp | null;
  interest_key_engagement: number | null;
  interest_key_intent: number | null;
  /** domain/account.ts: the company domain, or `name:` + company name; null for no account. */
  account_key: string | null;
  /** domain/duplicates.ts: the last digits of the phone, for finding duplicates. */
  phone_key: string | null;
  /** The predictive score (0–1) of an open lead; null before a model is trained. */
  probability: number | null;
  /** Its factors: `{ positive, negative }` (domain/prediction/predictor.ts). */
  prediction: ColumnType<unknown, string | null | undefined, string | null>;
  predicted_at: Timestamp | null;
  prediction_model_id: number | null;
}

export interface PredictionModelsTable {
  id: Generated<number>;
  trained_at: Timestamp;
  trained_by: string | null;
  trigger: 'manual' | 'schedule';
  exclude: Json<string[]>;
  predictor: Json;
  report: Json;
}

export interface PredictionRunsTable {
  id: Generated<number>;
  state: 'running' | 'done' | 'failed';
  trigger: 'manual' | 'schedule';
  requested_by: string | null;
  exclude: Json<string[]>;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
  finished_at: Timestamp | null;
  progress: ColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  model_id: number | null;
}

export interface ScoringModelsTable {
  version: number;
  document: Json;
  state: 'draft' | 'published';
  created_at: DefaultedTimestamp;
  published_at: Timestamp | null;
  published_by: string | null;
}

export interface ModelPublishJobsTable {
  id: Generated<number>;
  version: number;
  state: 'running' | 'done';
  total: number;
  done: Generated<number>;
  moved: ColumnType<Record<string, number>, string | undefined, string>;
  created_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
  published_by: string | null;
}

export interface LeadTransitionsTable {
  id: Generated<number>;
  lead_id: string;
  from_temperature: string;
  to_temperature: string;
  at: Timestamp;
  cause: Json;
  model_version: number;
  suggest_let_go: Generated<boolean>;
}

export interface EventsTable {
  id: Generated<number>;
  lead_id: string;
  type: string;
  occurred_at: Timestamp;
  received_at: DefaultedTimestamp;
  external_id: string | null;
  properties: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface EventKeysTable {
  external_id: string;
  event_id: number;
  lead_id: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: DefaultedTimestamp;
  actor_user_id: string | null;
  actor_key_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: DefaultedTimestamp;
}

export interface SignalsTable {
  id: Generated<number>;
  type: string;
  lead_id: string | null;
  payload: Json<Record<string, unknown>>;
  occurred_at: Timestamp;
  created_at: Timestamp;
  dispatched_at: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface TasksTable {
  id: Generated<string>;
  lead_id: string;
  kind: 'call' | 'email' | 'meeting' | 'other';
  title: string;
  notes: string | null;
  owner_id: string | null;
  due_at: Timestamp | null;
  done_at: Timestamp | null;
  sla: Generated<boolean>;
  origin: 'user' | 'speed_to_lead' | 'follow_up' | 'automation';
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  overdue_signalled_at: Timestamp | null;
  closed_reason: TaskClosedReason | null;
  outcome: string | null;
}

export interface FirstTouchTimersTable {
  id: Generated<number>;
  lead_id: string;
  transition_id: number;
  started_at: Timestamp;
  due_at: Timestamp;
  owner_id: string | null;
  task_id: string | null;
  touched_at: Timestamp | null;
  touch: string | null;
  elapsed_ms: number | null;
  breached_at: Timestamp | null;
  closed_at: Timestamp | null;
  closed_reason: string | null;
}

export interface LeadStatusChangesTable {
  id: Generated<number>;
  lead_id: string;
  from_status: string;
  to_status: string;
  at: Timestamp;
  recorded_at: Timestamp;
  reason: string | null;
  value: ColumnType<string | null, number | null, number | null>;
  currency: string | null;
  was_hot: boolean;
  actor: string | null;
}

export interface WebhooksTable {
  id: Generated<string>;
  url: string;
  events: ColumnType<string[], string[], string[]>;
  secret: string;
  description: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  created_by: string | null;
  deleted_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: string;
  signal_id: number;
  lead_id: string | null;
  event: string;
  body: Json<Record<string, unknown>>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  give_up_at: Timestamp;
  leased_until: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  attempted_at: Timestamp;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface AutomationsTable {
  id: Generated<string>;
  name: string;
  enabled: Generated<boolean>;
  position: number;
  /** trigger, where and actions (domain/desk/automation.ts). */
  document: Json<Record<string, unknown>>;
  created_by: string | null;
  created_at: Timestamp;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface AutomationRunsTable {
  id: Generated<number>;
  automation_id: string;
  signal_id: number;
  signal_type: string;
  lead_id: string | null;
  at: Timestamp;
  outcome: 'done' | 'skipped' | 'failed';
  detail: Json<Record<string, unknown>>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface NotificationPreferencesTable {
  user_id: string;
  document: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<number>;
  /** A user id, or 'team'. */
  recipient: string;
  user_id: string | null;
  kind: 'lead_hot' | 'sla_warning' | 'sla_breached' | 'task_due' | 'digest';
  dedupe_key: string;
  lead_id: string | null;
  facts: Json<Record<string, unknown>>;
  in_app: boolean;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  notification_id: number;
  channel: 'app' | 'email' | 'slack';
  state: 'pending' | 'sent' | 'failed' | 'skipped';
  held_until: Timestamp | null;
  next_attempt_at: Timestamp | null;
  leased_until: Timestamp | null;
  give_up_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export type LeadRow = Selectable<LeadsTable>;
export type NewLeadRow = Insertable<LeadsTable>;
export type LeadRowUpdate = Updateable<LeadsTable>;
export type EventRow = Selectable<EventsTable>;
export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

export type TaskClosedReason = 'completed' | 'customer' | 'lost' | 'disqualified' | 'merged' | 'cooled';

export interface SavedViewsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  view: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InboundHooksTable {
  id: Generated<string>;
  provider: HookProvider;
  name: string;
  secret: string;
  config: ColumnType<Record<string, unknown>, string, string>;
  active: Generated<boolean>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface InboundHookNoncesTable {
  hook_id: string;
  nonce: string;
  seen_at: Timestamp;
}

export interface InboundHookDeliveriesTable {
  id: Generated<number>;
  hook_id: string;
  received_at: Timestamp;
  outcome: DeliveryOutcome;
  reason: string | null;
  external_id: string | null;
  lead_id: string | null;
  lead_created: Generated<boolean>;
  event_ids: ColumnType<(number | string)[], number[] | undefined, number[]>;
}

export interface TrackerSiteKeysTable {
  id: Generated<string>;
  key: string;
  name: string;
  allowed_origins: ColumnType<string[], string[], string[]>;
  require_consent: boolean;
  honour_do_not_track: boolean;
  capture_forms: boolean;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface TrackerVisitorsTable {
  /** The id the tracker made in the browser. */
  id: string;
  site_key_id: string;
  lead_id: string | null;
  /** UTM parameters and referrer host of the first page view (domain/tracking/attribution.ts). */
  first_touch: ColumnType<Record<string, string>, string | undefined, string>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  identified_at: Timestamp | null;
}

export interface TrackerVisitorEventsTable {
  visitor_id: string;
  /** The tracker's id of the event: a retried beacon is a duplicate. */
  event_id: string;
  type: string;
  occurred_at: Timestamp;
  received_at: Timestamp;
  properties: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface HostedFormsTable {
  id: Generated<string>;
  form_key: string;
  name: string;
  redirect_url: string;
  error_url: string | null;
  settings: ColumnType<FormSettings, string, string>;
  active: Generated<boolean>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface FormSubmissionsTable {
  id: Generated<number>;
  form_id: string;
  received_at: Timestamp;
  outcome: SubmissionOutcome;
  reason: string | null;
  lead_id: string | null;
  lead_created: Generated<boolean>;
  event_id: ColumnType<number | string | null, number | null, number | null>;
}

export interface ImportJobsTable {
  id: string;
  kind: 'leads' | 'events';
  format: 'csv' | 'ndjson' | 'json';
  file_name: string | null;
  column_map: Json<Record<string, string>>;
  date_order: 'mdy' | 'dmy' | null;
  chunk_rows: number;
  state: 'uploading' | 'queued' | 'running' | 'done' | 'failed';
  size_bytes: ColumnType<string | number, number | undefined, number>;
  total_rows: number | null;
  rows_read: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  skipped: Generated<number>;
  rejected: Generated<number>;
  plan: Json<unknown> | null;
  notes: ColumnType<unknown[], string | undefined, string>;
  error: string | null;
  leased_until: Timestamp | null;
  created_by: string | null;
  created_by_key: string | null;
  created_by_role: 'admin' | 'manager' | 'rep' | 'ingest';
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ImportJobChunksTable {
  job_id: string;
  seq: number;
  bytes: Uint8Array;
}

export interface ImportJobRejectsTable {
  job_id: string;
  row_number: number;
  location: string;
  reason: string;
  record: Json<unknown> | null;
}

export interface ImportJobLeadsTable {
  job_id: string;
  lead_id: string;
}
