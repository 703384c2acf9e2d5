import { isHistorical } from '../../domain/desk/history.js';
import type { DeskSettings } from '../../domain/desk/settings.js';
import type { Signal } from '../../domain/desk/signal.js';
import type { Temperature } from '../../domain/scoring/model.js';
import { temperatureAt } from '../../domain/scoring/temperature.js';
import type { ScoredRow } from '../../store/scoring.js';
import type { Store } from '../../store/store.js';
import { currentState } from '../scoring/scoring-service.js';

const MINUTE_MS = 60_000;

/** What the dispatcher knows about a batch's leads when it reacts to their signals. */
export interface BatchFacts {
  /** Each lead's temperature at dispatch, computed from its state and the clock. */
  readonly temperatures: ReadonlyMap<string, Temperature>;
}

/**
 * The temperature of each lead with a temperature signal in the batch, at `now`: from its
 * stored state read at the clock (a state of an older model version is rebuilt, as reads do),
 * so that a transition an import stamped long ago is judged against where the lead is now even
 * when the transitions since (its cooling) are not stored yet.
 */
export async function batchFacts(
  store: Store,
  signals: readonly Signal[],
  rows: ReadonlyMap<string, ScoredRow>,
  now: Date,
): Promise<BatchFacts> {
  const leadIds = new Set(
    signals.flatMap((s) => (s.type === 'lead.temperature_changed' && s.leadId !== null ? [s.leadId] : [])),
  );
  const temperatures = new Map<string, Temperature>();
  if (leadIds.size === 0) return { temperatures };
  const model = await store.scoring.activeModel();
  for (const leadId of leadIds) {
    const row = rows.get(leadId);
    if (!row) continue;
    const state = await currentState(store, row.lead, row.state, model, now);
    temperatures.set(leadId, temperatureAt(state, row.lead, model, now).temperature);
  }
  return { temperatures };
}

/**
 * The signal as the desk reacts to it: a `lead.temperature_changed` gains `historical` (true when
 * the lead is no longer at that temperature, or it happened more than the live window —
 * `speedToLead.liveWindowMinutes` — before now), which the playbook, the automations and the webhook
 * bodies read. Other signals are unchanged.
 */
export function withHistory(signal: Signal, facts: BatchFacts, settings: DeskSettings, now: Date): Signal {
  if (signal.type !== 'lead.temperature_changed' || signal.leadId === null) return signal;
  const { to, at } = signal.payload as { to: Temperature; at: string };
  const historical = isHistorical(
    { to, at: new Date(at) },
    facts.temperatures.get(signal.leadId) ?? null,
    now,
    settings.speedToLead.liveWindowMinutes * MINUTE_MS,
  );
  return { ...signal, payload: { ...signal.payload, historical } };
}
