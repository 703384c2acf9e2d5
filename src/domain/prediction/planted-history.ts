import { Random } from '../demo/random.js';
import type { ActivityEvent } from '../event.js';
import type { Lead } from '../lead.js';
import { readingAsOf, type ScoringModel } from '../scoring/index.js';
import { observe } from './features.js';
import type { TrainingExample } from './predictor.js';

/**
 * Synthetic closed leads whose conversion follows a known ("planted") model, so tests and
 * benchmarks can check that the predictive score recovers what is really there: how close its
 * held-out AUC comes to the planted model's own, whether its probabilities are calibrated, and
 * that leaks are not rewarded. The planted log-odds (docs/prediction.md):
 *
 *   −1.6
 *   + 1.5·exp(−(log₁₀ size − 2.3)² / 0.35) − 0.4     non-linear: mid-sized companies convert best
 *   + 0.6 software, −0.5 retail                       category
 *   + 1.6 if ≥ 2 pricing-page visits AND a director or more senior   interaction
 *   + 1.1 if a demo request in the 30 days before the decision        recency
 *   + 0.8 if budget ≥ 10,000, −0.3 if no budget given                 attribute, missing values
 *   − 0.8 for a free-mail address
 *
 * plus columns that carry nothing (favourite colour, a random number) and, on request, leaks.
 */
export interface PlantedLead {
  readonly lead: Lead;
  /** Events before the decision, and (with `activityAfterDecision`) after it. */
  readonly events: readonly ActivityEvent[];
  readonly won: boolean;
  readonly decidedAt: Date;
  /** The planted model's probability: the best any model could do. */
  readonly trueProbability: number;
}

export interface PlantedOptions {
  readonly count: number;
  readonly seed?: number;
  /** Decisions fall in the year before this instant. */
  readonly until?: Date;
  /** Won leads get purchases and meetings after their decision (a leak if it were used). */
  readonly activityAfterDecision?: boolean;
  /** An attribute `Converted` equal to the outcome, as a CRM export fills it after the fact. */
  readonly outcomeColumn?: boolean;
}

const DAY_MS = 86_400_000;
const INDUSTRIES = {
  software: 3,
  retail: 2,
  manufacturing: 2,
  finance: 2,
  healthcare: 1,
  education: 1,
} as const;
const TITLES = {
  CEO: 1,
  'VP Sales': 1,
  'Head of Marketing': 1,
  'Director of Operations': 2,
  'Marketing Manager': 3,
  'Sales Engineer': 2,
  Analyst: 3,
} as const;
const SENIOR = new Set(['CEO', 'VP Sales', 'Head of Marketing', 'Director of Operations']);
const SOURCES = { website: 4, ads: 3, referral: 1, event: 1, cold_outreach: 2 } as const;
const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;

export function plantedLogOdds(facts: {
  readonly companySize: number;
  readonly industry: string;
  readonly senior: boolean;
  readonly pricingVisits: number;
  readonly recentDemo: boolean;
  readonly budget: number | null;
  readonly freeMail: boolean;
}): number {
  const sizeBump = 1.5 * Math.exp(-((Math.log10(facts.companySize) - 2.3) ** 2) / 0.35) - 0.4;
  const industry = facts.industry === 'software' ? 0.6 : facts.industry === 'retail' ? -0.5 : 0;
  const interaction = facts.pricingVisits >= 2 && facts.senior ? 1.6 : 0;
  const demo = facts.recentDemo ? 1.1 : 0;
  const budget = facts.budget === null ? -0.3 : facts.budget >= 10_000 ? 0.8 : 0;
  return -1.6 + sizeBump + industry + interaction + demo + budget - (facts.freeMail ? 0.8 : 0);
}

function hexId(random: Random, index: number): string {
  const hex = (n: number) =>
    Math.floor(random.next() * 16 ** n)
      .toString(16)
      .padStart(n, '0');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${index.toString(16).padStart(12, '0')}`;
}

export function plantedHistory(options: PlantedOptions): PlantedLead[] {
  const random = new Random(options.seed ?? 7);
  const untilMs = (options.until ?? new Date('2026-06-01T00:00:00Z')).getTime();
  const leads: PlantedLead[] = [];
  let eventId = 1;
  for (let index = 0; index < options.count; index += 1) {
    const decidedMs = untilMs - random.next() * 365 * DAY_MS;
    const createdMs = decidedMs - (7 + random.exponential(40)) * DAY_MS;
    const companySize = Math.max(1, Math.round(random.logNormal(120, 1.6)));
    const industry = random.weighted(INDUSTRIES);
    const jobTitle = random.weighted(TITLES);
    const freeMail = random.chance(0.25);
    const budget = random.chance(0.4) ? null : Math.round(random.logNormal(8000, 1));
    const id = hexId(random, index);
    const events: ActivityEvent[] = [];
    const add = (type: string, occurredMs: number) => {
      const occurredAt = new Date(Math.round(occurredMs));
      events.push({
        id: eventId++,
        leadId: id,
        type,
        occurredAt,
        receivedAt: occurredAt,
        externalId: null,
        properties: {},
      });
    };
    const between = () => createdMs + random.next() * (decidedMs - createdMs);
    const pageViews = Math.floor(random.logNormal(4, 0.9));
    for (let i = 0; i < pageViews; i += 1) add('page_view', between());
    const pricingVisits = random.weighted({ 0: 5, 1: 3, 2: 2, 3: 1, 4: 1 });
    for (let i = 0; i < Number(pricingVisits); i += 1) add('pricing_page_visit', between());
    let recentDemo = false;
    if (random.chance(0.3)) {
      const at = between();
      recentDemo = decidedMs - at <= 30 * DAY_MS;
      add('demo_request', at);
    }
    const opens = random.int(0, 6);
    for (let i = 0; i < opens; i += 1) add('email_open', between());
    const logOdds = plantedLogOdds({
      companySize,
      industry,
      senior: SENIOR.has(jobTitle),
      pricingVisits: Number(pricingVisits),
      recentDemo,
      budget,
      freeMail,
    });
    const trueProbability = 1 / (1 + Math.exp(-logOdds));
    const won = random.chance(trueProbability);
    if (options.activityAfterDecision && won) {
      add('purchase', decidedMs + random.between(1, 20) * DAY_MS);
      add('meeting', decidedMs + random.between(1, 20) * DAY_MS);
    }
    const attributes: Record<string, unknown> = {
      budget,
      favouriteColour: random.pick(COLOURS),
      luckyNumber: random.int(1, 1000),
    };
    if (options.outcomeColumn) attributes.Converted = won ? 'yes' : 'no';
    const createdAt = new Date(Math.round(createdMs));
    leads.push({
      lead: {
        id,
        email: `lead${index}@${freeMail ? 'gmail.com' : `company${index % 997}.example`}`,
        name: `Lead ${index}`,
        phone: null,
        company: `Company ${index % 997}`,
        jobTitle,
        industry,
        companySize,
        country: random.pick(['US', 'GB', 'DE', 'FR']),
        source: random.weighted(SOURCES),
        ownerId: null,
        status: won ? 'customer' : 'lost',
        optedOut: false,
        attributes,
        createdAt,
        updatedAt: createdAt,
        lastActivityAt: null,
      },
      events: events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime()),
      won,
      decidedAt: new Date(Math.round(decidedMs)),
      trueProbability,
    });
  }
  return leads;
}

/**
 * The planted leads as the trainer sees them: each one's features and scores (under `model`) as
 * of its decision, the status it had before it, as `hearth predict train` builds them.
 */
export function plantedExamples(history: readonly PlantedLead[], model: ScoringModel): TrainingExample[] {
  return history.map((h) => {
    const before = h.events.filter((e) => e.occurredAt < h.decidedAt);
    const reading = readingAsOf({ ...h.lead, status: 'open' }, before, [], model, h.decidedAt);
    return {
      observation: observe(h.lead, h.events, { fit: reading.fit, interest: reading.interest }, h.decidedAt),
      won: h.won,
      decidedAt: h.decidedAt,
    };
  });
}
