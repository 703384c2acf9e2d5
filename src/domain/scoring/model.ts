/**
 * The scoring model document (SPEC §2 Scoring model): a versioned, validated description of how
 * leads are scored. It is plain data (JSON or YAML on disk); `validateModel` checks it and the
 * rest of `domain/scoring` reads it. `docs/scoring.md` describes every part.
 */

/** Interest groups. `negative` holds signals that lower interest (unsubscribe, "not interested"). */
export const INTEREST_GROUPS = ['engagement', 'intent', 'negative'] as const;
export type InterestGroup = (typeof INTEREST_GROUPS)[number];

/** The groups whose rules add points; `negative` rules subtract them. */
export const POSITIVE_GROUPS = ['engagement', 'intent'] as const satisfies readonly InterestGroup[];

export const TEMPERATURES = ['cold', 'cool', 'warm', 'hot'] as const;
export type Temperature = (typeof TEMPERATURES)[number];

/** The qualification criteria a model starts from: need, fit, budget, influence (authority), timeline. */
export const DEFAULT_CRITERIA = ['need', 'fit', 'budget', 'influence', 'timeline'] as const;

export type Scalar = string | number | boolean | null;

/**
 * Tests on one value (a lead field, an attribute or an event property). Every test given must
 * hold. Strings compare trimmed and case-insensitively; a number matches a numeric string; an
 * array value matches when one of its elements does.
 *
 * @example { in: ['software', 'fintech'] }
 * @example { min: 50, max: 1000 }
 * @example { regex: '\\b(vp|director|head)\\b', ignoreCase: true }
 */
export interface Matcher {
  readonly equals?: Scalar;
  readonly in?: readonly Scalar[];
  /** Inclusive lower bound of a numeric value. */
  readonly min?: number;
  /** Inclusive upper bound of a numeric value. */
  readonly max?: number;
  readonly regex?: string;
  readonly ignoreCase?: boolean;
  /** true: the value is present (not null, not blank, not an empty list); false: it is absent. */
  readonly exists?: boolean;
  /**
   * The value is a date (ISO 8601 or ms since epoch) between now and now + N days. A date
   * without a time covers its whole UTC day. Only qualification rules on lead fields may use it,
   * because it makes the answer depend on the time of evaluation.
   */
  readonly withinNextDays?: number;
}

/**
 * A condition: every key other than `all`, `any` and `not` is a field path (`industry`,
 * `attributes.purchase_date`, or for events a property such as `url` or `answers.budget`) with a
 * matcher; the combinators nest. All parts given must hold.
 *
 * @example { industry: { in: ['software'] }, not: { country: { in: ['KP'] } } }
 * @example { any: [{ jobTitle: { regex: 'founder', ignoreCase: true } }, { companySize: { max: 10 } }] }
 */
export interface Condition {
  readonly all?: readonly Condition[];
  readonly any?: readonly Condition[];
  readonly not?: Condition;
  readonly [path: string]: Matcher | Condition | readonly Condition[] | undefined;
}

/** Points for who the lead is. Fit is static: it never decays (HubSpot's fit/engagement split). */
export interface FitRule {
  readonly id: string;
  readonly description?: string;
  readonly when: Condition;
  /** Whole points, negative for a poor fit. */
  readonly points: number;
}

/** How often a rule may count: at most `max` events per UTC day, ISO week (Monday, UTC) or ever. */
export interface Cap {
  readonly max: number;
  readonly per: 'day' | 'week' | 'ever';
}

/** Points for something the lead did. The points decay with the half-life of the rule's group. */
export interface InterestRule {
  readonly id: string;
  readonly description?: string;
  readonly group: InterestGroup;
  /** The event type this rule scores (`page_view`, `demo_request`, any string). */
  readonly type: string;
  /** Conditions on the event's properties. */
  readonly where?: Condition;
  /** Whole points: ≥ 0 in `engagement` and `intent`, ≤ 0 in `negative`. */
  readonly points: number;
  /** Counted events are the earliest `max` by (occurredAt, id) in each window; `{max: 1, per: 'ever'}` is "first only". */
  readonly cap?: Cap;
}

export type CriterionValue = 'yes' | 'no' | 'unknown';

/** An event that sets a criterion while it is recent enough. */
export interface EventTrigger {
  readonly type: string;
  readonly where?: Condition;
  /** The criterion holds from the event until this many days after it; omitted: for good. */
  readonly withinDays?: number;
  /**
   * The event is the lead's own answer (a form or survey field): it outranks inferred rules, and
   * of several answers the latest wins.
   */
  readonly formAnswer?: boolean;
}

/** Exactly one of `fit`, `lead` or `event`. */
export interface QualificationTrigger {
  /** The fit score lies within these inclusive bounds. */
  readonly fit?: { readonly min?: number; readonly max?: number };
  /** A condition on the lead's fields and attributes, evaluated at the time asked about. */
  readonly lead?: Condition;
  readonly event?: EventTrigger;
}

/** A rule that sets a qualification criterion to yes or no. */
export interface QualificationRule {
  readonly id: string;
  readonly description?: string;
  readonly criterion: string;
  readonly value: 'yes' | 'no';
  readonly when: QualificationTrigger;
}

export interface QualificationSettings {
  readonly criteria: readonly string[];
  /** How many criteria must be yes for the lead to be qualified; omitted: all of them. */
  readonly minimumYes?: number;
  readonly rules: readonly QualificationRule[];
}

/** An event that makes a lead hot on its own (if its fit is at least `minFit`) for `forDays`. */
export interface HighIntentRule {
  readonly id: string;
  readonly description?: string;
  readonly type: string;
  readonly where?: Condition;
  readonly minFit: number;
  readonly forDays: number;
}

/** A returning customer is at least warm: status `customer`, or a purchase in the last `forDays`. */
export interface ReturningCustomer {
  readonly purchaseType: string;
  readonly forDays: number;
}

export interface TemperatureSettings {
  /** Interest at or above this is warm (0–100). */
  readonly warm: number;
  /** Interest at or above this, with the qualification rule holding, is hot (0–100). */
  readonly hot: number;
  /** How long a lead stays cool before it becomes cold and is suggested for letting go. */
  readonly coolPeriodDays: number;
  readonly highIntent: readonly HighIntentRule[];
  readonly returningCustomer?: ReturningCustomer;
}

export interface ScoringModel {
  /** Increases with each published version; every score records the version that produced it. */
  readonly version: number;
  readonly name?: string;
  readonly description?: string;
  readonly fit: readonly FitRule[];
  readonly interest: readonly InterestRule[];
  /** Half-life of each interest group in days. `negative` must be at least every other group's. */
  readonly halfLifeDays: Readonly<Record<InterestGroup, number>>;
  readonly qualification: QualificationSettings;
  readonly temperature: TemperatureSettings;
}

/** The id under which the last purchase of a returning customer is remembered; no rule may use it. */
export const RETURNING_CUSTOMER_ID = 'returning_customer';

export const DAY_MS = 86_400_000;
