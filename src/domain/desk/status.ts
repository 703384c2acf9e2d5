import type { LeadStatus } from '../lead.js';

/** An outcome or re-open as recorded (SPEC §2 Outcome). */
export interface StatusChange {
  readonly id: number;
  readonly leadId: string;
  readonly from: LeadStatus;
  readonly to: LeadStatus;
  /** When it happened (the caller may backdate it); `recordedAt` is when Hearth learned it. */
  readonly at: Date;
  readonly recordedAt: Date;
  readonly reason: string | null;
  readonly value: number | null;
  readonly currency: string | null;
  /** The lead had been hot before this change: a loss then gets a follow-up (Playbook). */
  readonly wasHot: boolean;
  readonly actor: string | null;
}

/**
 * Whether a lead may move from one status to another: any change but to the status it has. A
 * customer re-opens for a new purchase; a lost lead that comes back re-opens or buys.
 */
export function statusChangeProblem(from: LeadStatus, to: LeadStatus): string | null {
  return from === to ? `the lead is already ${to}` : null;
}
