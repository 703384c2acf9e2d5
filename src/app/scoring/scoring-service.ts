import type { ActivityEvent } from '../../domain/event.js';
import type { Lead } from '../../domain/lead.js';
import {
  applyEvent,
  emptyState,
  eventTransitions,
  interestKeys,
  leadChanged,
  nextScheduledChange,
  type RecordedHistory,
  recompute,
  type ScoreState,
  type ScoringModel,
  type Temperature,
  type TemperatureReading,
  type Transition,
  temperatureAt,
  transitionsBetween,
} from '../../domain/scoring/index.js';
import { transitionBetween } from '../../domain/scoring/temperature.js';
import type { ScoredRow, ScoreUpdate } from '../../store/scoring.js';
import type { Store } from '../../store/store.js';

/** A lead with its scores at the time of reading (SPEC §2 Scores, Temperature). */
export interface ScoredLead extends Lead {
  readonly fit: number;
  readonly interest: number;
  readonly temperature: Temperature;
  readonly modelVersion: number;
  /** The predictive score stored on the lead (0–1); null before a model is trained or when closed. */
  readonly probability: number | null;
}

/**
 * The state to read a lead with under `model`: its stored state, or an empty one for a lead
 * never scored. A state from another model version is rebuilt from the lead's events (only after
 * a publish, until the rescore reaches the lead).
 */
export async function currentState(
  store: Store,
  lead: Lead,
  stored: ScoreState | null,
  model: ScoringModel,
  now: Date,
): Promise<ScoreState> {
  if (stored === null) return emptyState(model);
  if (stored.modelVersion === model.version) return stored;
  return recompute(lead, await store.scoring.eventsInOrder(lead.id), stored.criteria, model, now).state;
}

/**
 * The stored columns for a state read at `now`. `history` says how far the lead's stored
 * transitions go when that is before `now` (`through`: the sweeper records the rest, from there)
 * and the instant of the latest one stored with this update (`changedAt`).
 */
export function scoreUpdate(
  lead: Lead,
  state: ScoreState,
  reading: TemperatureReading,
  model: ScoringModel,
  now: Date,
  previous: { temperature: Temperature; since: Date | null },
  history: { through?: Date; changedAt?: Date } = {},
): ScoreUpdate {
  const through = history.through ?? now;
  return {
    leadId: lead.id,
    state,
    fit: reading.fit,
    temperature: reading.temperature,
    temperatureSince:
      history.changedAt ??
      (previous.temperature === reading.temperature && previous.since !== null ? previous.since : now),
    nextChangeAt: nextScheduledChange(state, lead, model, through)?.at ?? null,
    scoredAt: through,
    interestKeys: interestKeys(state, model),
  };
}

/**
 * Scores newly stored events, inside the ingest transaction. Locks every lead in `leadIds` (in
 * id order), folds each lead's new events in (occurredAt, id) order, recomputes from history
 * when the domain asks, and writes states (with each lead's last activity) and transitions in one
 * statement each. Returns each lead's temperature now.
 *
 * Transitions are stamped when they happened, not when they were computed (docs/scoring.md,
 * "When a transition is stamped"): each event's at its `occurredAt`, after the changes the lead
 * went through by itself before it — so an import of history yields the lead's temperature
 * history as it was. The changes after the last event are the sweeper's: `scored_at` is left at
 * the last event's stamp and `next_change_at` at the next change after it, so the sweeper stores
 * them at their instants (at once if they are past), unless the lead's next batch of history
 * comes first. A lead's history only grows forward: a late event's change is stamped no earlier
 * than the lead's latest transition. The stored temperature is the one at `now`.
 */
export async function scoreNewEvents(
  store: Store,
  leadIds: readonly string[],
  fresh: readonly ActivityEvent[],
  now: Date,
): Promise<Map<string, Temperature>> {
  const temperatures = new Map<string, Temperature>();
  if (leadIds.length === 0) return temperatures;
  const model = await store.scoring.activeModel();
  const rows = await store.scoring.lockForScoring(leadIds);
  const byLead = new Map<string, ActivityEvent[]>();
  for (const event of fresh) {
    const list = byLead.get(event.leadId);
    if (list) list.push(event);
    else byLead.set(event.leadId, [event]);
  }
  const updates: ScoreUpdate[] = [];
  const transitions: { leadId: string; transition: Transition }[] = [];
  for (const [leadId, row] of rows) {
    const events = (byLead.get(leadId) ?? []).sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id,
    );
    const { lead } = row;
    if (events.length === 0) {
      const state = await currentState(store, lead, row.state, model, now);
      temperatures.set(leadId, temperatureAt(state, lead, model, now).temperature);
      continue;
    }
    let state = row.state ?? emptyState(model);
    let recorded: RecordedHistory = {
      through: row.scoredAt,
      lastTransitionAt: row.lastTransitionAt ?? null,
    };
    const own: Transition[] = [];
    for (const event of events) {
      const result = applyEvent(state, event, lead, model, now, recorded);
      if (result.kind === 'scored') {
        state = result.state;
        recorded = result.recorded;
        own.push(...result.transitions);
        continue;
      }
      // Too late for the incremental path, or a state from another model: rebuild from the whole
      // history, which already holds this batch's events (so the change is stamped no earlier
      // than the newest of them).
      const rebuilt = recompute(lead, await store.scoring.eventsInOrder(leadId), state.criteria, model, now);
      const newest = events.at(-1) as ActivityEvent;
      const stamped = eventTransitions(
        state,
        rebuilt.state,
        lead,
        model,
        new Date(Math.max(newest.occurredAt.getTime(), rebuilt.state.head.atMs ?? 0)),
        now,
        recorded,
        { kind: 'event', eventId: event.id },
        { temperature: row.temperature, suggestLetGo: false },
      );
      state = rebuilt.state;
      recorded = stamped.recorded;
      own.push(...stamped.transitions);
      break;
    }
    const final = temperatureAt(state, lead, model, now);
    temperatures.set(leadId, final.temperature);
    for (const transition of own) transitions.push({ leadId, transition });
    updates.push({
      ...scoreUpdate(
        lead,
        state,
        final,
        model,
        now,
        { temperature: row.temperature, since: row.temperatureSince },
        {
          ...(recorded.through === null ? {} : { through: recorded.through }),
          ...(own.length === 0 ? {} : { changedAt: (own.at(-1) as Transition).at }),
        },
      ),
      // The events are in time order: the last is the lead's newest activity of this batch.
      lastActivityAt: (events.at(-1) as ActivityEvent).occurredAt,
    });
  }
  await store.scoring.save(updates);
  await store.scoring.addTransitions(transitions, now);
  return temperatures;
}

/**
 * After a lead was created or edited (inside the same transaction): fit and temperature follow
 * its fields. `before` is null for a new lead, which starts cold.
 */
export async function rescoreAfterEdit(
  store: Store,
  before: Lead | null,
  after: Lead,
  now: Date,
): Promise<void> {
  const model = await store.scoring.activeModel();
  const row = (await store.scoring.lockForScoring([after.id])).get(after.id);
  if (!row) return;
  const state = await currentState(store, after, row.state, model, now);
  const reading = temperatureAt(state, after, model, now);
  const transition =
    before === null
      ? transitionBetween({ temperature: 'cold', suggestLetGo: false }, reading, now, { kind: 'lead_update' })
      : leadChanged(state, before, after, model, now);
  const transitions = [
    ...(before === null ? [] : catchUp(row, state, before, model, now)),
    ...(transition ? [transition] : []),
  ];
  const changedAt = transitions.at(-1)?.at;
  await store.scoring.save([
    scoreUpdate(
      after,
      state,
      reading,
      model,
      now,
      { temperature: row.temperature, since: row.temperatureSince },
      changedAt ? { changedAt } : {},
    ),
  ]);
  await store.scoring.addTransitions(
    transitions.map((t) => ({ leadId: after.id, transition: t })),
    now,
  );
}

/**
 * `rescoreAfterEdit(store, null, lead, now)` for many leads just created in this transaction, in
 * a fixed number of statements: each starts cold, and moves to the temperature its fields give.
 */
export async function rescoreCreated(store: Store, leads: readonly Lead[], now: Date): Promise<void> {
  if (leads.length === 0) return;
  const model = await store.scoring.activeModel();
  const rows = await store.scoring.lockForScoring(leads.map((l) => l.id));
  const updates: ScoreUpdate[] = [];
  const transitions: { leadId: string; transition: Transition }[] = [];
  for (const lead of leads) {
    const row = rows.get(lead.id);
    if (!row) continue;
    const state = await currentState(store, lead, row.state, model, now);
    const reading = temperatureAt(state, lead, model, now);
    const transition = transitionBetween({ temperature: 'cold', suggestLetGo: false }, reading, now, {
      kind: 'lead_update',
    });
    if (transition) transitions.push({ leadId: lead.id, transition });
    updates.push(
      scoreUpdate(
        lead,
        state,
        reading,
        model,
        now,
        { temperature: row.temperature, since: row.temperatureSince },
        transition ? { changedAt: transition.at } : {},
      ),
    );
  }
  await store.scoring.save(updates);
  await store.scoring.addTransitions(transitions, now);
}

/**
 * The changes a lead went through by itself since its history was last stored (`scored_at`), up
 * to `now`: stored before a change made now (an edit, a rep's answer), which would otherwise
 * start from them. Usually none: the sweeper stores them within 30 s.
 */
export function catchUp(
  row: ScoredRow,
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  now: Date,
): Transition[] {
  if (row.scoredAt === null || row.scoredAt >= now || state.modelVersion !== row.state?.modelVersion)
    return [];
  return transitionsBetween(state, lead, model, row.scoredAt, now);
}

/** Adds the scores at `now` to leads, reading their stored states in one query. */
export async function withScores(store: Store, leads: readonly Lead[], now: Date): Promise<ScoredLead[]> {
  if (leads.length === 0) return [];
  const model = await store.scoring.activeModel();
  const ids = leads.map((l) => l.id);
  const [states, probabilities] = await Promise.all([
    store.scoring.statesOf(ids),
    store.prediction.probabilitiesOf(ids),
  ]);
  // Leads still scored by another model version (after a publish, until its rescore reaches
  // them) are rebuilt from their events, read in one statement for all of them: one per lead made a
  // list read during a rescore wait behind the rescore's statements once per such lead.
  const stale = ids.filter((id) => {
    const state = states.get(id);
    return state != null && state.modelVersion !== model.version;
  });
  const staleEvents =
    stale.length === 0 ? new Map<string, ActivityEvent[]>() : await store.models.eventsOf(stale);
  const scored: ScoredLead[] = [];
  for (const lead of leads) {
    const stored = states.get(lead.id) ?? null;
    const events: ActivityEvent[] | undefined = staleEvents.get(lead.id);
    const state =
      stored !== null && events !== undefined
        ? recompute(lead, events, stored.criteria, model, now).state
        : await currentState(store, lead, stored, model, now);
    const reading = temperatureAt(state, lead, model, now);
    scored.push({
      ...lead,
      fit: reading.fit,
      interest: reading.interest,
      temperature: reading.temperature,
      modelVersion: model.version,
      probability: probabilities.get(lead.id) ?? null,
    });
  }
  return scored;
}
