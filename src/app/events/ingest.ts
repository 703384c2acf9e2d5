import { accountKey } from '../../domain/account.js';
import { type FieldProblem, HearthError } from '../../domain/errors.js';
import { MAX_CLOCK_SKEW_MS } from '../../domain/event.js';
import { isPlausibleEmail, normaliseEmail } from '../../domain/lead.js';
import type { NewEvent } from '../../store/events.js';
import type { AppContext } from '../context.js';
import { leadCreated } from '../desk/lead-changes.js';
import { recordFirstTouches } from '../desk/speed-to-lead.js';
import { scoreNewEvents } from '../scoring/scoring-service.js';
import { validator } from '../validation.js';
import { EventInput, type EventResult } from './event-schemas.js';

const eventInput = validator(EventInput);

/** An event that passed validation, with its lead reference resolved to either form. */
interface AcceptedEvent {
  readonly index: number;
  readonly leadRef: { leadId: string } | { email: string };
  readonly event: Omit<NewEvent, 'leadId'>;
}

export interface IngestSummary {
  readonly results: EventResult[];
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/**
 * Checks one raw event: the schema, then what a schema cannot say (a lead reference is present,
 * the email is plausible, the time is not in the future). Returns the problems or the event.
 */
function acceptEvent(raw: unknown, index: number, now: Date, path: string): AcceptedEvent | FieldProblem[] {
  const checked = eventInput.check(raw, path);
  if (!checked.ok) return checked.problems;
  const input = checked.value;
  const at = (field: string) => (path === '' ? field : `${path}.${field}`);
  let leadRef: AcceptedEvent['leadRef'];
  if (input.leadId !== undefined) {
    leadRef = { leadId: input.leadId.toLowerCase() };
  } else if (input.email !== undefined) {
    const email = normaliseEmail(input.email);
    if (email === null || !isPlausibleEmail(email)) {
      return [{ path: at('email'), message: `"${input.email}" is not a valid email address` }];
    }
    leadRef = { email };
  } else {
    return [{ path: at('leadId'), message: 'give leadId or email to say which lead this event is about' }];
  }
  const occurredAt = input.occurredAt === undefined ? now : new Date(input.occurredAt);
  if (occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return [{ path: at('occurredAt'), message: `${input.occurredAt} is in the future` }];
  }
  const type = input.type.trim();
  if (type === '') return [{ path: at('type'), message: 'must not be blank' }];
  return {
    index,
    leadRef,
    event: { type, occurredAt, externalId: input.id ?? null, properties: input.properties ?? {} },
  };
}

/**
 * Stores a batch of events in one transaction with a fixed number of multi-row statements.
 * `maxBatchSize` overrides the API's limit (imports write larger chunks).
 * Every event gets a result: stored, duplicate (its external id was seen before) or rejected with
 * the reason; a rejected event never stops the others. Unknown emails create their leads.
 */
export async function ingestEvents(
  ctx: AppContext,
  raws: readonly unknown[],
  options: { pathOf?: (index: number) => string; maxBatchSize?: number } = {},
): Promise<IngestSummary> {
  const limit = options.maxBatchSize ?? ctx.limits.maxBatchSize;
  if (raws.length > limit) {
    throw new HearthError(
      'too_large',
      `A batch holds at most ${limit} events; this one has ${raws.length}. Split it.`,
      { limit },
    );
  }
  const now = ctx.clock();
  const pathOf = options.pathOf ?? ((i: number) => (raws.length === 1 ? '' : `[${i}]`));
  const results: EventResult[] = new Array(raws.length);
  const accepted: AcceptedEvent[] = [];
  raws.forEach((raw, index) => {
    const outcome = acceptEvent(raw, index, now, pathOf(index));
    if (Array.isArray(outcome)) results[index] = { index, status: 'rejected', problems: outcome };
    else accepted.push(outcome);
  });

  await ctx.store.transaction(async (store) => {
    const emails = accepted.flatMap((a) => ('email' in a.leadRef ? [a.leadRef.email] : []));
    const givenIds = accepted.flatMap((a) => ('leadId' in a.leadRef ? [a.leadRef.leadId] : []));
    const [byEmail, existingIds] = [
      await store.leads.ensureByEmail(
        emails,
        now,
        new Map(emails.map((email) => [email, accountKey({ email, company: null })])),
      ),
      await store.leads.existingIds(givenIds),
    ];

    const resolved: { index: number; event: NewEvent; leadCreated: boolean }[] = [];
    for (const a of accepted) {
      if ('leadId' in a.leadRef) {
        if (existingIds.has(a.leadRef.leadId)) {
          resolved.push({
            index: a.index,
            event: { ...a.event, leadId: a.leadRef.leadId },
            leadCreated: false,
          });
        } else {
          const path = pathOf(a.index);
          results[a.index] = {
            index: a.index,
            status: 'rejected',
            problems: [
              {
                path: path === '' ? 'leadId' : `${path}.leadId`,
                message: `no lead has id ${a.leadRef.leadId}`,
              },
            ],
          };
        }
        continue;
      }
      const leadId = byEmail.ids.get(a.leadRef.email) as string;
      resolved.push({
        index: a.index,
        event: { ...a.event, leadId },
        leadCreated: byEmail.created.has(a.leadRef.email),
      });
    }

    const outcomes = await store.events.append(
      resolved.map((r) => r.event),
      now,
    );
    // Score in the same transaction: every stored event updates its lead before the batch commits.
    const fresh = resolved.flatMap((r, i) => {
      const outcome = outcomes[i] as { id: number } | { duplicateOf: number };
      return 'id' in outcome ? [{ ...r.event, id: outcome.id, receivedAt: now }] : [];
    });
    const temperatures = await scoreNewEvents(
      store,
      resolved.map((r) => r.event.leadId),
      fresh,
      now,
    );
    const createdReported = new Set<string>();
    resolved.forEach((r, i) => {
      const outcome = outcomes[i] as { id: number } | { duplicateOf: number };
      // Only the first event of a new lead reports that it created it.
      const leadCreated = r.leadCreated && !createdReported.has(r.event.leadId);
      if (leadCreated) createdReported.add(r.event.leadId);
      results[r.index] =
        'id' in outcome
          ? {
              index: r.index,
              status: 'stored',
              eventId: outcome.id,
              leadId: r.event.leadId,
              leadCreated,
              temperature: temperatures.get(r.event.leadId),
            }
          : {
              index: r.index,
              status: 'duplicate',
              eventId: outcome.duplicateOf,
              leadId: r.event.leadId,
              leadCreated,
              temperature: temperatures.get(r.event.leadId),
            };
    });
    await store.signals.emit(
      [...byEmail.created].map((email) =>
        leadCreated(
          { id: byEmail.ids.get(email) as string, email, name: null, company: null, source: null },
          now,
        ),
      ),
      now,
    );
    await recordFirstTouches(store, fresh);
  });

  const count = (status: EventResult['status']) => results.filter((r) => r.status === status).length;
  return { results, stored: count('stored'), duplicates: count('duplicate'), rejected: count('rejected') };
}
