import type { Temperature } from '../scoring/model.js';
import type { Signal } from './signal.js';

/**
 * Whether a temperature transition, judged when the desk processes it, is **history** rather than
 * live (docs/lead-desk.md, "History never creates live work"): the lead is no longer at the
 * temperature the transition reached (computed now from its state and the clock, not from the
 * latest stored transition, which an import may not have caught up with), or the transition
 * happened more than the live window before now. History is stored and announced, but creates
 * no task, timer, assignment, automation run or notification.
 *
 * `temperatureNow` is null when the lead is gone (erased since).
 *
 * @example
 * // A demo request imported with a date 100 days back, the lead cold today:
 * isHistorical({ to: 'hot', at: hundredDaysAgo }, 'cold', now, 60 * 60_000) // true
 * // A form sent 20 s ago that made the lead hot:
 * isHistorical({ to: 'hot', at: twentySecondsAgo }, 'hot', now, 60 * 60_000) // false
 */
export function isHistorical(
  transition: { readonly to: Temperature; readonly at: Date },
  temperatureNow: Temperature | null,
  now: Date,
  liveWindowMs: number,
): boolean {
  return temperatureNow !== transition.to || now.getTime() - transition.at.getTime() > liveWindowMs;
}

/**
 * Whether the dispatcher judged this signal history: a `lead.temperature_changed` carries
 * `historical` in its payload (and so in its webhook's `data`) from the moment it is dispatched.
 */
export function isHistoricalSignal(signal: Pick<Signal, 'type' | 'payload'>): boolean {
  return signal.type === 'lead.temperature_changed' && signal.payload.historical === true;
}
