// The shapes the web app reads from /api/v1, as the route response schemas declare them
// (src/http/schemas.ts, src/http/routes/*). Times are ISO 8601 strings on the wire.

export type Role = 'admin' | 'manager' | 'rep';
export type Temperature = 'cold' | 'cool' | 'warm' | 'hot';
export type LeadStatus = 'open' | 'customer' | 'lost' | 'disqualified';
export const TEMPERATURES: readonly Temperature[] = ['hot', 'warm', 'cool', 'cold'];
export const LEAD_STATUSES: readonly LeadStatus[] = ['open', 'customer', 'lost', 'disqualified'];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
  expiresAt: string;
}

export interface NextBestAction {
  id: string;
  kind: string;
  title: string;
  reason: string;
  detail?: string;
}

export interface Lead {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  company: string | null;
  jobTitle: string | null;
  industry: string | null;
  companySize: number | null;
  country: string | null;
  source: string | null;
  ownerId: string | null;
  status: LeadStatus;
  optedOut: boolean;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string | null;
  fit: number;
  interest: number;
  temperature: Temperature;
  modelVersion: number;
  /** The predicted chance (0–1) that the lead becomes a customer; null when no prediction is possible. */
  probability?: number | null;
  nextBestActions?: NextBestAction[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Task {
  id: string;
  leadId: string;
  kind: string;
  title: string;
  notes: string | null;
  ownerId: string | null;
  dueAt: string | null;
  doneAt: string | null;
  /** Why it closed (completed, or the lead's fate); null while open. */
  closedReason: string | null;
  /** What was logged on completing it, e.g. `call: interested`. */
  outcome: string | null;
  sla: boolean;
  origin: string;
  createdAt: string;
}

export type SlaState = 'running' | 'breached' | 'met' | 'late' | 'closed';

export interface Sla {
  state: SlaState;
  startedAt: string;
  dueAt: string;
  msLeft: number | null;
  elapsedMs: number | null;
  /** Why a closed clock stopped; null unless closed. */
  closedReason: SlaClosedReason | null;
}

export type SlaClosedReason = 'customer' | 'lost' | 'disqualified' | 'merged' | 'cooled';

export interface QueueLead {
  id: string;
  email: string | null;
  name: string | null;
  company: string | null;
  ownerId: string | null;
  status: LeadStatus;
  fit: number;
  interest: number;
  temperature: string;
}

/** The hot queue's sections, in the order a rep works them (GET /queue). */
export const QUEUE_SECTIONS = ['now', 'overdue', 'due_today', 'later'] as const;
export type QueueSection = (typeof QUEUE_SECTIONS)[number];

/** One lead on the queue, its open tasks grouped on it. */
export interface QueueCard {
  section: QueueSection;
  lead: QueueLead;
  sla: Sla | null;
  hotSince: string | null;
  tasks: Task[];
}

export interface Queue {
  now: string;
  endOfDay: string;
  timeZone: string;
  counts: Record<QueueSection, number>;
  truncated: boolean;
  data: QueueCard[];
}

/** What a rep did to complete a task, and the outcomes each may have (POST /tasks/{id}/complete). */
export type TaskActivity = 'call' | 'email' | 'meeting' | 'other';
export const TASK_ACTIVITY_OUTCOMES: Record<TaskActivity, readonly string[]> = {
  call: ['interested', 'not_interested', 'no_answer', 'voicemail', 'callback_requested', 'wrong_number'],
  email: ['sent', 'replied'],
  meeting: ['held', 'no_show', 'rescheduled'],
  other: [],
};

export interface NextStep {
  kind: (typeof TASK_KINDS)[number];
  title: string;
  /** Due that many days after today, at 9:00 local time. */
  inDays: number;
}

export interface TaskCompletion {
  task: Task;
  eventId: number | null;
  nextStep: NextStep;
}

export interface LeadEvent {
  id: number;
  leadId: string;
  type: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}

export interface Transition {
  id: number;
  from: Temperature;
  to: Temperature;
  at: string;
  cause: { kind: string; eventId?: number; threshold?: string; criterion?: string };
  modelVersion: number;
  suggestLetGo: boolean;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
}

export interface DeskSettings {
  speedToLead: {
    enabled: boolean;
    slaMinutes: number;
    liveWindowMinutes: number;
    taskTitle: string;
    taskKind: string;
    touchEvents: string[];
  };
  escalation: { notifyManagers: boolean; reassign: boolean };
  routing: {
    mode: 'round_robin' | 'fixed' | 'none';
    fixedOwnerId: string | null;
    keepExistingOwner: boolean;
  };
  lostFollowUp: { enabled: boolean; delayDays: number; taskTitle: string };
  outcomes: OutcomeSettings;
  playbook: Record<PlaybookSituation, PlaybookEntry[]>;
}

/** The playbook's situations and action kinds (src/domain/desk/playbook.ts). */
export const PLAYBOOK_SITUATIONS = ['cold', 'warm', 'hot', 'cool', 'lost_after_hot', 'customer'] as const;
export type PlaybookSituation = (typeof PLAYBOOK_SITUATIONS)[number];
export const ACTION_KINDS = [
  'educate',
  'personalise',
  'offer',
  'contact',
  'assign',
  're_engage',
  'let_go',
  'follow_up',
  'appreciate',
  'one_to_one',
  'hold',
] as const;
export interface PlaybookEntry {
  kind: (typeof ACTION_KINDS)[number];
  title: string;
  description: string;
}
export const TASK_KINDS = ['call', 'email', 'meeting', 'other'] as const;

/** The outcomes a rep logs from the queue or the lead page (SPEC §2 Activity, call outcomes). */
export const CALL_OUTCOMES = [
  'interested',
  'not_interested',
  'no_answer',
  'voicemail',
  'callback_requested',
  'wrong_number',
] as const;
export type TouchType = 'call' | 'email_sent' | 'meeting';

export type CriterionValue = 'yes' | 'no' | 'unknown';

export interface Evidence {
  value: CriterionValue;
  source: {
    kind: 'user' | 'form' | 'rule';
    userId?: string;
    note?: string;
    ruleId?: string;
    eventId?: number;
  };
  at: string;
}

/** The parts of GET /leads/{id}/explanation the lead page shows. */
export interface Explanation {
  qualification: {
    criteria: { criterion: string; value: CriterionValue; decidedBy: Evidence | null }[];
    yes: number;
    required: number;
    qualified: boolean;
  };
  /** The instant explained: the lead page reads its chart at this same instant. */
  at: string;
  temperature: {
    temperature: Temperature;
    interest: number;
    hotBecause: {
      kind: 'interest_and_qualification' | 'high_intent';
      ruleId?: string;
      until?: string;
    } | null;
    warmBecause: 'interest' | 'returning_customer' | null;
  };
  /** Each check's `sentence` says what holds and never contradicts `passed`. */
  checks: {
    id: string;
    label: string;
    passed: boolean;
    value: number | null;
    threshold: number | null;
    sentence: string;
  }[];
  fit: { score: number; contributions: { ruleId: string; points: number }[] };
  interest: {
    score: number;
    contributions: {
      ruleId: string;
      group: string;
      eventId: number;
      occurredAt: string;
      points: number;
      decayed: number;
    }[];
  };
}

// --- Analytics (src/http/routes/stats-routes.ts; definitions in docs/analytics.md) ---

export type StatsInterval = 'day' | 'week' | 'month';
/** Rates are null when dividing by 0; times are milliseconds, null without data. */
type Rate = number | null;
type Ms = number | null;

export interface TemperaturePoint extends Record<Temperature, number> {
  start: string;
  end: string;
  total: number;
}
export interface TemperaturesStats {
  from: string;
  to: string;
  interval: StatsInterval;
  points: TemperaturePoint[];
}

export type FunnelStage = 'cold' | 'warm' | 'hot' | 'customer';
export interface FunnelStats {
  from: string;
  to: string;
  steps: {
    stage: FunnelStage;
    leads: number;
    rateFromPrevious: Rate;
    rateFromStart: Rate;
    medianMsFromPrevious: Ms;
  }[];
  overallRate: Rate;
  medianCreatedToCustomerMs: Ms;
  wonWithoutHot: number;
}

interface ConversionFields {
  won: number;
  lost: number;
  outcomes: number;
  rate: Rate;
}
export interface ConversionStats {
  from: string;
  to: string;
  byTemperature: (ConversionFields & { temperature: Temperature; lift: Rate })[];
  total: ConversionFields;
}

export interface SpeedFields {
  timers: number;
  touched: number;
  met: number;
  breached: number;
  running: number;
  medianMs: Ms;
  p90Ms: Ms;
  breachRate: Rate;
}
export interface SpeedStats {
  from: string;
  to: string;
  total: SpeedFields;
  byOwner: (SpeedFields & { ownerId: string | null; ownerName: string | null })[];
}

export interface BreakdownFields {
  leads: number;
  hot: number;
  customers: number;
  hotRate: Rate;
  conversionRate: Rate;
  medianSpeedMs: Ms;
}
export interface SourcesStats {
  from: string;
  to: string;
  sources: (BreakdownFields & { source: string | null })[];
}

// --- Scoring model (src/http/routes/model-routes.ts, backtest-routes.ts) ---

export interface ModelVersionInfo {
  version: number;
  state: 'draft' | 'published';
  createdAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
}
export interface ModelVersion extends ModelVersionInfo {
  document: Record<string, unknown>;
}
export interface PublishJob {
  id: number;
  version: number;
  state: 'running' | 'done';
  total: number;
  done: number;
  moved: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
  publishedBy: string | null;
}
export interface ModelOverview {
  active: ModelVersion;
  draft: ModelVersion | null;
  history: ModelVersionInfo[];
  publishing: PublishJob | null;
}

interface BacktestTemperatureRow {
  leads: number;
  won: number;
  conversionRate: Rate;
}
export interface Backtest {
  model: { source: 'document' | 'version' | 'draft'; version: number; name: string | null };
  activeVersion: number;
  leads: number;
  won: number;
  lost: number;
  baseRate: Rate;
  byTemperature: Record<Temperature, BacktestTemperatureRow>;
  hotLift: Rate;
  auc: { fit: Rate; interest: Rate; combined: Rate; temperature: Rate };
  precisionAtK: { k: number; precision: Rate }[];
  changedVsActive: { leads: number; moved: Record<string, number> };
  elapsedMs: number;
}

export interface InterestPoint {
  at: string;
  interest: number;
  projected: boolean;
}

/** `GET /leads/{id}/interest-series`: the past replayed from events, the future projected by decay. */
export interface InterestSeries {
  leadId: string;
  modelVersion: number;
  now: string;
  warm: number;
  hot: number;
  points: InterestPoint[];
  belowHotAt: string | null;
  belowWarmAt: string | null;
}

/** `GET /settings/outcomes` (the `outcomes` section of the desk settings, readable by reps). */
export interface OutcomeSettings {
  lostReasons: string[];
  requireLostReason: boolean;
  defaultCurrency: string;
}

/** One row of `GET /leads/{id}/status-history`: an outcome or a re-open. */
export interface StatusChange {
  id: number;
  from: LeadStatus;
  to: LeadStatus;
  at: string;
  reason: string | null;
  value: number | null;
  currency: string | null;
  wasHot: boolean;
  actor: string | null;
}

/** `GET /leads/{id}/account`: the lead's company and its leads the user may see. */
export interface Account {
  key: string;
  name: string;
  domain: string | null;
  leadCount: number;
  hottestTemperature: Temperature;
  interest: number;
  lastActivityAt: string | null;
  leads: Lead[];
}

/** One column's share of a prediction: how many percentage points it moves the probability. */
export interface PredictionFactor {
  column: string;
  /** The lead's value as the model saw it, e.g. `demo_request in the last 7 days: 1`. */
  value: string;
  logOdds: number;
  points: number;
}

/** `GET /leads/{id}/prediction`: the calibrated probability and its three strongest factors each way. */
export interface LeadPrediction {
  probability: number;
  positive: PredictionFactor[];
  negative: PredictionFactor[];
  modelId: number;
  predictedAt: string;
}

/** Predicted against observed conversion in one band of probability (the reliability diagram). */
export interface ReliabilityBand {
  from: number;
  to: number;
  leads: number;
  meanProbability: number;
  conversionRate: number;
}

/** The quality a training measured on the latest 20% of decisions, which it never saw. */
export interface PredictionQuality {
  method: 'time_split';
  trainedOn: number;
  heldOut: number;
  heldOutWon: number;
  auc: number | null;
  logLoss: number;
  baseRateLogLoss: number;
  calibrationError: number;
  reliability: ReliabilityBand[];
  additiveAuc: number | null;
  trees: number;
}

export interface PredictionModel {
  id: number;
  trainedAt: string;
  trainedBy: string | null;
  trigger: 'manual' | 'schedule';
  exclude: string[];
  report: {
    quality: PredictionQuality;
    features: number;
    examples: { won: number; lost: number };
    suspects: { column: string; auc: number }[];
  };
}

export type TrainingPhase = 'reading' | 'training' | 'predicting';

/** A training: running with its progress, then done (with the model) or failed (with the reason). */
export interface PredictionRun {
  id: number;
  state: 'running' | 'done' | 'failed';
  trigger: 'manual' | 'schedule';
  requestedBy: string | null;
  exclude: string[];
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  progress: { phase?: TrainingPhase; done?: number; total?: number };
  error: string | null;
  modelId: number | null;
}

/** `GET /prediction`: the model in use (null before the first training) and the latest runs. */
export interface PredictionStatus {
  model: PredictionModel | null;
  runs: PredictionRun[];
}
