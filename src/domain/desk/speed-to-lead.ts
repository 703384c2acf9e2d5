/** A first-touch timer (SPEC §2 Task: speed to lead), as the desk stores it. */
export interface FirstTouchTimer {
  readonly id: number;
  readonly leadId: string;
  readonly startedAt: Date;
  readonly dueAt: Date;
  readonly ownerId: string | null;
  readonly taskId: string | null;
  readonly touchedAt: Date | null;
  readonly touch: string | null;
  readonly elapsedMs: number | null;
  readonly breachedAt: Date | null;
  readonly closedAt: Date | null;
  /** Why it stopped without a touch: `status lost` (…customer, disqualified), `merged`, `cooled`. */
  readonly closedReason: string | null;
}

export type SlaState = 'running' | 'breached' | 'met' | 'late' | 'closed';

/** Why a clock stopped without a touch: the lead was won, lost, disqualified, merged away, or cooled. */
export const SLA_CLOSED_REASONS = ['customer', 'lost', 'disqualified', 'merged', 'cooled'] as const;
export type SlaClosedReason = (typeof SLA_CLOSED_REASONS)[number];

export interface SlaView {
  readonly state: SlaState;
  readonly startedAt: Date;
  readonly dueAt: Date;
  /** Until the deadline; negative once it passed. Null once the timer stopped. */
  readonly msLeft: number | null;
  /** From hot to first touch, once touched. */
  readonly elapsedMs: number | null;
  /** Why a `closed` clock stopped; null in every other state. */
  readonly closedReason: SlaClosedReason | null;
}

// The store writes a status change as `status <to>`; the view names the lead's fate alone.
function closedReasonOf(stored: string | null): SlaClosedReason | null {
  const reason = stored?.startsWith('status ') ? stored.slice('status '.length) : stored;
  return SLA_CLOSED_REASONS.find((r) => r === reason) ?? null;
}

/**
 * Where a timer stands at `now`: running (time left), breached (no touch, deadline passed), met
 * or late (touched within or after the deadline), closed (stopped without a touch, e.g. lost; the
 * reason says why).
 * Computed from the deadline, not from the breach flag, so it is exact between sweeps.
 */
export function slaView(timer: FirstTouchTimer, now: Date): SlaView {
  const base = { startedAt: timer.startedAt, dueAt: timer.dueAt, closedReason: null };
  if (timer.touchedAt !== null) {
    const elapsedMs = timer.elapsedMs ?? timer.touchedAt.getTime() - timer.startedAt.getTime();
    return { ...base, state: timer.touchedAt <= timer.dueAt ? 'met' : 'late', msLeft: null, elapsedMs };
  }
  if (timer.closedAt !== null) {
    return {
      ...base,
      state: 'closed',
      msLeft: null,
      elapsedMs: null,
      closedReason: closedReasonOf(timer.closedReason),
    };
  }
  const msLeft = timer.dueAt.getTime() - now.getTime();
  return { ...base, state: msLeft < 0 ? 'breached' : 'running', msLeft, elapsedMs: null };
}

/** Outcomes of a call in which nobody spoke with the lead. */
const UNANSWERED_CALL_OUTCOMES: ReadonlySet<unknown> = new Set(['no_answer', 'voicemail']);

/**
 * Whether an event is a first touch: its type is one of the `touchEvents`, except an inbound call
 * nobody answered. A call tracker (docs/integrations.md) reports the lead's missed call to sales;
 * that is the lead reaching for us, and stopping the clock on it would hide the very lead that
 * needs a call back. A rep's outbound attempt without an answer still counts: it was a touch.
 */
export function isTouch(
  event: { readonly type: string; readonly properties: Readonly<Record<string, unknown>> },
  touchTypes: ReadonlySet<string>,
): boolean {
  if (!touchTypes.has(event.type)) return false;
  if (event.type !== 'call' || event.properties.direction !== 'inbound') return true;
  return event.properties.answered !== false && !UNANSWERED_CALL_OUTCOMES.has(event.properties.outcome);
}
