/** People's roles (SPEC §2 User and roles). */
export const USER_ROLES = ['admin', 'manager', 'rep'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** An API key acts with a user's role, or is ingest-only: it writes leads and events and reads nothing. */
export const KEY_ROLES = [...USER_ROLES, 'ingest'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** Who is making a request, as established by the HTTP edge from a key or a session. */
export interface Principal {
  readonly role: KeyRole;
  readonly userId: string | null;
  readonly keyId: string | null;
}

/** What a principal may do. Each route names one; the table below is the whole policy. */
export type Permission =
  | 'leads:write'
  | 'leads:read'
  | 'leads:delete'
  | 'leads:qualify'
  | 'leads:bulk'
  | 'leads:import'
  | 'events:write'
  | 'events:read'
  | 'users:manage'
  | 'keys:manage'
  | 'model:read'
  | 'model:draft'
  | 'model:publish'
  | 'leads:outcome'
  | 'leads:merge'
  | 'tasks:read'
  | 'tasks:write'
  | 'queue:read'
  | 'accounts:read'
  | 'settings:read'
  | 'settings:manage'
  | 'webhooks:manage'
  | 'automations:manage'
  | 'integrations:manage'
  | 'audit:read'
  | 'stats:read'
  | 'prediction:read'
  | 'prediction:train'
  | 'session:read'
  | 'views:manage';

const POLICY: Record<Permission, readonly KeyRole[]> = {
  'leads:write': ['admin', 'manager', 'rep', 'ingest'],
  'leads:read': ['admin', 'manager', 'rep'],
  // Erasure removes a person's whole history: managers and admins only (SPEC §6 privacy).
  'leads:delete': ['admin', 'manager'],
  // Qualification is a rep's judgement: ingest keys may not set it.
  'leads:qualify': ['admin', 'manager', 'rep'],
  // Bulk changes act on leads one has seen in a list: people, not ingest keys (which read nothing).
  'leads:bulk': ['admin', 'manager', 'rep'],
  // An import writes thousands of leads or events at once, owners included: managers and admins
  // (a rep imports nothing; an ingest key has POST /leads and /events).
  'leads:import': ['admin', 'manager'],
  'events:write': ['admin', 'manager', 'rep', 'ingest'],
  'events:read': ['admin', 'manager', 'rep'],
  'users:manage': ['admin'],
  'keys:manage': ['admin'],
  // The model decides every lead's temperature: managers shape it, only admins make it live
  // (a publish rescores every lead).
  'model:read': ['admin', 'manager'],
  'model:draft': ['admin', 'manager'],
  'model:publish': ['admin'],
  // Outcomes and tasks are the rep's daily work (on the leads they may see).
  'leads:outcome': ['admin', 'manager', 'rep'],
  // A merge deletes a lead record: managers and admins, as for erasure.
  'leads:merge': ['admin', 'manager'],
  'tasks:read': ['admin', 'manager', 'rep'],
  'tasks:write': ['admin', 'manager', 'rep'],
  'queue:read': ['admin', 'manager', 'rep'],
  'accounts:read': ['admin', 'manager', 'rep'],
  // The desk settings (SLA, routing, playbook) are visible to managers, changed by admins.
  'settings:read': ['admin', 'manager'],
  'settings:manage': ['admin'],
  'webhooks:manage': ['admin'],
  'automations:manage': ['admin'],
  // Inbound adapters hold providers' secrets and create leads from their calls: admins, as webhooks.
  'integrations:manage': ['admin'],
  'audit:read': ['admin'],
  // Reports span every lead and every rep's speed to lead: managers and admins (SPEC §2: the
  // manager role has "reports"; a rep sees only their own leads).
  'stats:read': ['admin', 'manager'],
  // The predictive score's quality report is a report; training it is analysis that changes no
  // temperature or routing (a probability is shown beside the scores), like a backtest: managers.
  'prediction:read': ['admin', 'manager'],
  'prediction:train': ['admin', 'manager'],
  // Who am I: any signed-in person or key of a person.
  'session:read': ['admin', 'manager', 'rep'],
  // Saved views of the leads table: each person's own, whatever their role.
  'views:manage': ['admin', 'manager', 'rep'],
};

export function isAllowed(principal: Principal, permission: Permission): boolean {
  return POLICY[permission].includes(principal.role);
}

/**
 * Reps see the leads they own and unassigned ones (the shared hot queue); everyone else with
 * `leads:read` sees every lead.
 */
export function canSeeLead(principal: Principal, lead: { readonly ownerId: string | null }): boolean {
  if (principal.role !== 'rep') return principal.role !== 'ingest';
  return lead.ownerId === null || lead.ownerId === principal.userId;
}

// No user has this id: a rep key without a user sees only what is unassigned.
const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * The user whose leads (and the unassigned ones) a principal is limited to, or undefined for
 * everyone who sees every lead: the `visibleTo` of the store's lead, task and account queries.
 */
export function visibleTo(principal: Principal): string | undefined {
  return principal.role === 'rep' ? (principal.userId ?? NO_USER) : undefined;
}
