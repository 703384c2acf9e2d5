import type { DeskSettings, RoutingRule } from './settings.js';

/** A user as routing sees them. */
export interface RoutableUser {
  readonly id: string;
  readonly role: 'admin' | 'manager' | 'rep';
  readonly active: boolean;
}

export interface RoutingInput {
  readonly lead: {
    readonly ownerId: string | null;
    readonly source: string | null;
    readonly country: string | null;
  };
  readonly users: readonly RoutableUser[];
  /** The user the rotation gave a lead to last (null before the first). */
  readonly lastAssigned: string | null;
  readonly routing: DeskSettings['routing'];
}

export type RoutingDecision =
  | { readonly kind: 'keep'; readonly ownerId: string }
  | {
      readonly kind: 'assign';
      readonly ownerId: string;
      readonly by: 'rule' | 'round_robin' | 'fixed';
      readonly rule?: number;
    }
  | { readonly kind: 'unassigned'; readonly reason: string };

const matches = (value: string | null, allowed: readonly string[] | undefined) =>
  allowed === undefined ||
  (value !== null && allowed.some((a) => a.toLowerCase() === value.trim().toLowerCase()));

function ruleMatches(rule: RoutingRule, lead: RoutingInput['lead']): boolean {
  return matches(lead.source, rule.when.source) && matches(lead.country, rule.when.country);
}

/**
 * The next of `pool` after `last` in a fixed order (by id), wrapping around. Inactive users are
 * skipped; a `last` no longer in the pool restarts from where it would have sorted.
 */
export function nextInRotation(pool: readonly string[], last: string | null): string | undefined {
  const ordered = [...new Set(pool)].sort();
  if (ordered.length === 0) return undefined;
  if (last === null) return ordered[0];
  return ordered.find((id) => id > last) ?? ordered[0];
}

/** Who a lead that just turned hot goes to (SPEC §2 Playbook: assign an owner). */
export function routeLead(input: RoutingInput): RoutingDecision {
  const { lead, routing } = input;
  const active = new Map(input.users.filter((u) => u.active).map((u) => [u.id, u]));
  if (routing.keepExistingOwner && lead.ownerId !== null && active.has(lead.ownerId)) {
    return { kind: 'keep', ownerId: lead.ownerId };
  }
  for (const [index, rule] of routing.rules.entries()) {
    if (!ruleMatches(rule, lead)) continue;
    const next = nextInRotation(
      rule.assignTo.filter((id) => active.has(id)),
      input.lastAssigned,
    );
    if (next !== undefined) return { kind: 'assign', ownerId: next, by: 'rule', rule: index };
  }
  switch (routing.mode) {
    case 'fixed':
      if (routing.fixedOwnerId !== null && active.has(routing.fixedOwnerId)) {
        return { kind: 'assign', ownerId: routing.fixedOwnerId, by: 'fixed' };
      }
      return { kind: 'unassigned', reason: 'the fixed owner is not an active user' };
    case 'round_robin': {
      const reps = [...active.values()].filter((u) => u.role === 'rep').map((u) => u.id);
      const next = nextInRotation(reps, input.lastAssigned);
      return next === undefined
        ? { kind: 'unassigned', reason: 'no active reps' }
        : { kind: 'assign', ownerId: next, by: 'round_robin' };
    }
    case 'none':
      return { kind: 'unassigned', reason: 'routing is off' };
  }
}
