import type { ActivityEvent } from '../../../src/domain/event.js';
import type { Lead } from '../../../src/domain/lead.js';
import {
  DAY_MS,
  type ScoreState,
  type ScoringModel,
  scoreEvent,
  type Transition,
} from '../../../src/domain/scoring/index.js';

export const T0 = Date.parse('2025-03-03T09:00:00Z');
export const HOUR_MS = 60 * 60 * 1000;

/** An instant `days` after T0 (fractions allowed). */
export function day(days: number): Date {
  return new Date(T0 + days * DAY_MS);
}

export function aLead(fields: Partial<Lead> = {}): Lead {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    email: null,
    name: 'Ann Example',
    phone: null,
    company: null,
    jobTitle: null,
    industry: null,
    companySize: null,
    country: null,
    source: null,
    ownerId: null,
    status: 'open',
    optedOut: false,
    attributes: {},
    createdAt: new Date(T0 - 30 * DAY_MS),
    updatedAt: new Date(T0 - 30 * DAY_MS),
    lastActivityAt: null,
    ...fields,
  };
}

/** A software VP at a 200-person company with a company email: fit 55 in the b2b preset. */
export function aFitLead(fields: Partial<Lead> = {}): Lead {
  return aLead({
    email: 'ann@acme.io',
    company: 'Acme',
    jobTitle: 'VP Engineering',
    industry: 'Software',
    companySize: 200,
    ...fields,
  });
}

let nextId = 1;

export function anEvent(
  type: string,
  at: Date,
  properties: Record<string, unknown> = {},
  id?: number,
): ActivityEvent {
  const eventId = id ?? nextId++;
  return {
    id: eventId,
    leadId: '00000000-0000-4000-8000-000000000001',
    type,
    occurredAt: at,
    receivedAt: at,
    externalId: null,
    properties,
  };
}

/** Scores events one by one, as ingest does, recomputing when asked; returns the state and transitions. */
export function scoreAll(
  state: ScoreState,
  events: readonly ActivityEvent[],
  lead: Lead,
  model: ScoringModel,
  now: (event: ActivityEvent) => Date = (event) => event.occurredAt,
): { state: ScoreState; transitions: Transition[] } {
  const transitions: Transition[] = [];
  let current = state;
  for (const event of events) {
    const result = scoreEvent(current, event, lead, model, now(event));
    if (result.kind !== 'scored') throw new Error(`unexpected ${result.reason}`);
    current = result.state;
    if (result.transition) transitions.push(result.transition);
  }
  return { state: current, transitions };
}
