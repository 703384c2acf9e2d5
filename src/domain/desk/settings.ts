import Type, { type Static } from 'typebox';
import { ACTION_KINDS, PLAYBOOK_SITUATIONS, type PlaybookSituation } from './playbook.js';
import { DEFAULT_PLAYBOOK } from './playbook-defaults.js';
import { TASK_KINDS } from './task.js';

/**
 * How the desk turns temperatures into work (SPEC §2 Playbook): the speed-to-lead timer, who gets
 * a lead that turns hot, what happens on a breach and after a loss. Stored as one document in
 * settings, edited by admins (`PUT /api/v1/settings/desk`); every field has a default, so a
 * partial document is completed from `DEFAULT_DESK_SETTINGS`.
 */
const UserId = Type.String({ format: 'uuid' });

export const RoutingRuleSchema = Type.Object(
  {
    when: Type.Object(
      {
        source: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1 })),
        country: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1 })),
      },
      {
        additionalProperties: false,
        minProperties: 1,
        description: 'All listed fields must match (case-insensitive) one of their values.',
      },
    ),
    assignTo: Type.Array(UserId, {
      minItems: 1,
      maxItems: 200,
      description: 'Round-robin over these users (inactive ones skipped).',
    }),
  },
  { additionalProperties: false },
);

/** One recommended action of the playbook (SPEC §2 Playbook: next best actions). */
export const PlaybookEntrySchema = Type.Object(
  {
    kind: Type.Enum(ACTION_KINDS, {
      description:
        'What it asks for; decides the reason shown. Marketing kinds (educate, personalise, offer, re_engage, appreciate) are never shown for opted-out leads, sales kinds (contact, assign, follow_up) never for disqualified ones.',
    }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const playbookList = (situation: PlaybookSituation) =>
  Type.Array(PlaybookEntrySchema, {
    maxItems: 20,
    description: `Next best actions for ${situation.replace(/_/g, ' ')} leads, in order.`,
  });

export const DeskSettingsSchema = Type.Object(
  {
    speedToLead: Type.Object(
      {
        enabled: Type.Boolean({
          description: 'Start a timer and a "contact now" task when a lead turns hot.',
        }),
        slaMinutes: Type.Integer({
          minimum: 1,
          maximum: 10_080,
          description: 'Time allowed from hot to first touch. Default 60.',
        }),
        liveWindowMinutes: Type.Integer({
          minimum: 1,
          maximum: 10_080,
          description:
            'A turn to hot older than this when the desk handles it is history: stored and announced, but no routing, task or timer (docs/lead-desk.md). Default 60, the default time to first touch.',
        }),
        taskTitle: Type.String({ minLength: 1, maxLength: 200 }),
        taskKind: Type.Enum(TASK_KINDS),
        touchEvents: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
          maxItems: 50,
          description:
            'Event types that count as a first touch (besides completing the task). Default: call, meeting, email_sent, email_reply.',
        }),
      },
      { additionalProperties: false },
    ),
    escalation: Type.Object(
      {
        notifyManagers: Type.Boolean({
          description: 'Name the active managers in the sla.breached signal so a receiver can alert them.',
        }),
        reassign: Type.Boolean({
          description: 'Give the lead and its open SLA task to the next rep in the rotation on a breach.',
        }),
      },
      { additionalProperties: false },
    ),
    routing: Type.Object(
      {
        mode: Type.Enum(['round_robin', 'fixed', 'none'], {
          description:
            'round_robin over active reps, a fixed owner, or none (leave unassigned: the shared hot queue).',
        }),
        fixedOwnerId: Type.Union([UserId, Type.Null()]),
        keepExistingOwner: Type.Boolean({
          description: 'A lead that already has an active owner keeps them.',
        }),
        rules: Type.Array(RoutingRuleSchema, {
          maxItems: 100,
          description: 'Checked in order before `mode`; the first that matches decides.',
        }),
      },
      { additionalProperties: false },
    ),
    lostFollowUp: Type.Object(
      {
        enabled: Type.Boolean({ description: 'A lead lost after being hot gets a follow-up task.' }),
        delayDays: Type.Integer({
          minimum: 0,
          maximum: 3650,
          description: 'Due this long after the loss. Default 30.',
        }),
        taskTitle: Type.String({ minLength: 1, maxLength: 200 }),
      },
      { additionalProperties: false },
    ),
    outcomes: Type.Object(
      {
        lostReasons: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
          maxItems: 50,
          uniqueItems: true,
          description:
            'The pick list a rep chooses from when a lead is lost (the web app adds "Other" with free text). The stored reason is the choice, then ": " and the rep\'s words if any.',
        }),
        requireLostReason: Type.Boolean({
          description: 'Refuse to record a lost lead without a reason (API, CLI and web app).',
        }),
        defaultCurrency: Type.String({
          pattern: '^[A-Z]{3}$',
          description: 'ISO 4217 code the web app proposes for a won deal. Default EUR.',
        }),
      },
      { additionalProperties: false },
    ),
    playbook: Type.Object(
      Object.fromEntries(PLAYBOOK_SITUATIONS.map((s) => [s, playbookList(s)])) as Record<
        PlaybookSituation,
        ReturnType<typeof playbookList>
      >,
      {
        additionalProperties: false,
        description: 'What to do for each situation; a situation sent replaces its whole list.',
      },
    ),
  },
  { additionalProperties: false },
);
export type DeskSettings = Static<typeof DeskSettingsSchema>;
export type RoutingRule = Static<typeof RoutingRuleSchema>;

export const DEFAULT_DESK_SETTINGS: DeskSettings = {
  // One hour is the window in which the odds of qualifying a web lead are still high (Oldroyd,
  // McElheran & Elkington, "The Short Life of Online Sales Leads", HBR 2011: 7× more likely than
  // in the second hour); teams with the staffing set minutes.
  speedToLead: {
    enabled: true,
    slaMinutes: 60,
    // Its own setting rather than slaMinutes: a team with a 5-minute SLA still wants the lead
    // whose form tool retried its webhook 6 minutes late.
    liveWindowMinutes: 60,
    taskTitle: 'Contact now: lead turned hot',
    taskKind: 'call',
    touchEvents: ['call', 'meeting', 'email_sent', 'email_reply'],
  },
  escalation: { notifyManagers: true, reassign: false },
  routing: { mode: 'round_robin', fixedOwnerId: null, keepExistingOwner: true, rules: [] },
  lostFollowUp: { enabled: true, delayDays: 30, taskTitle: 'Follow up: why did we lose this lead?' },
  // A short starting list of the usual B2B loss reasons, meant to be edited; a reason is optional
  // by default so that API clients written before the setting keep working.
  outcomes: {
    lostReasons: ['No budget', 'Chose a competitor', 'No decision', 'Bad timing', 'Not reachable'],
    requireLostReason: false,
    defaultCurrency: 'EUR',
  },
  playbook: DEFAULT_PLAYBOOK,
};

type Partial2<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : Partial<T[K]> };
export type DeskSettingsPatch = Partial2<DeskSettings>;

/** Completes a stored (possibly older, partial) document with the defaults, section by section. */
export function withDeskDefaults(stored: DeskSettingsPatch | undefined): DeskSettings {
  const s = stored ?? {};
  return {
    speedToLead: { ...DEFAULT_DESK_SETTINGS.speedToLead, ...s.speedToLead },
    escalation: { ...DEFAULT_DESK_SETTINGS.escalation, ...s.escalation },
    routing: { ...DEFAULT_DESK_SETTINGS.routing, ...s.routing },
    lostFollowUp: { ...DEFAULT_DESK_SETTINGS.lostFollowUp, ...s.lostFollowUp },
    outcomes: { ...DEFAULT_DESK_SETTINGS.outcomes, ...s.outcomes },
    playbook: { ...DEFAULT_DESK_SETTINGS.playbook, ...s.playbook },
  };
}
