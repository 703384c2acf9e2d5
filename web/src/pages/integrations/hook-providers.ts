// What an admin needs to know about each inbound hook provider, in the picker's order. The keys
// are the server's HOOK_PROVIDERS (src/domain/integrations/hook.ts); test/web/hook-providers.test.ts
// fails when a provider is added there and not here.

/**
 * Which settings a provider's hook takes (src/app/integrations/hook-config.ts): the call form, the
 * generic mapping, a JSON object of optional settings (`json`), or none.
 */
export type HookSettingsKind = 'call' | 'generic' | 'json' | 'none';

export interface HookProviderGuide {
  label: string;
  /** The picker's group. */
  group: 'Calls' | 'Email' | 'Forms and meetings' | 'Any other tool';
  /** What the provider calls the secret Hearth checks signatures with. */
  secretLabel: string;
  /** One line: where the admin finds that secret. */
  secretHint: string;
  /** Hearth makes the secret when none is given (shown once). */
  secretOptional: boolean;
  settings: HookSettingsKind;
  /** One line: where the hook's URL goes in the provider's console. */
  urlHint: string;
  /** For `json` settings: what they hold, and an example. */
  settingsHint?: string;
  settingsExample?: string;
  /** The provider authenticates with Basic auth in the URL: this user name, the secret as password. */
  basicAuthUser?: string;
}

export const HOOK_PROVIDER_GUIDES = {
  twilio: {
    label: 'Twilio Voice',
    group: 'Calls',
    secretLabel: 'Auth Token',
    secretHint: 'Twilio Console → Account info: the Auth Token (Twilio signs every callback with it).',
    secretOptional: false,
    settings: 'call',
    urlHint: "In Twilio, set the number's Status Callback URL to it, method POST.",
  },
  callrail: {
    label: 'CallRail',
    group: 'Calls',
    secretLabel: 'Webhook signing key',
    secretHint: 'CallRail: Settings → Integrations → Webhooks, the signing key.',
    secretOptional: false,
    settings: 'call',
    urlHint: 'In CallRail, add it as the Post-Call webhook.',
  },
  aircall: {
    label: 'Aircall',
    group: 'Calls',
    secretLabel: 'Webhook token',
    secretHint: "Aircall shows the webhook's token when the webhook is created (API: GET /v1/webhooks/{id}).",
    secretOptional: false,
    settings: 'call',
    urlHint: 'In Aircall, create a webhook to it with the call.ended event.',
  },
  sendgrid: {
    label: 'SendGrid',
    group: 'Email',
    secretLabel: 'Verification key',
    secretHint:
      'SendGrid: Settings → Mail Settings → Event Webhook, Signed Event Webhook on: the verification key (MFkw…).',
    secretOptional: false,
    settings: 'none',
    urlHint: "In SendGrid, set the Event Webhook's HTTP Post URL to it and tick the events.",
  },
  mailgun: {
    label: 'Mailgun',
    group: 'Email',
    secretLabel: 'HTTP webhook signing key',
    secretHint: 'Mailgun: Sending → Webhooks, the HTTP webhook signing key.',
    secretOptional: false,
    settings: 'none',
    urlHint:
      'In Mailgun, Sending → Webhooks: add it for delivered, opened, clicked, failures, complaints, unsubscribes.',
  },
  postmark: {
    label: 'Postmark',
    group: 'Email',
    secretLabel: 'Basic auth password',
    secretHint:
      'Leave it empty: Hearth makes one and shows it once. Postmark sends it as the password in the webhook URL.',
    secretOptional: true,
    settings: 'none',
    urlHint:
      'In Postmark, your message stream → Webhooks → Add webhook: this URL with the secret as its password (https://postmark:<secret>@…).',
    basicAuthUser: 'postmark',
  },
  typeform: {
    label: 'Typeform',
    group: 'Forms and meetings',
    secretLabel: 'Secret',
    secretHint:
      "Leave it empty: Hearth makes one and shows it once; paste it in Typeform's webhook, Edit → Secret.",
    secretOptional: true,
    settings: 'json',
    urlHint: 'In Typeform, your form → Connect → Webhooks → Add a webhook with it; then Edit → Secret.',
    settingsHint:
      'All optional: lead (lead field → field ref), qualification (budget, timeline, need → {"field": ref, "values": {…}}), form (its name), source, defaultCountry.',
    settingsExample: `{
  "lead": { "name": "full_name", "company": "company" },
  "qualification": { "budget": { "field": "budget_ref", "values": { "Yes, approved": "yes", "Not yet": "no" } } },
  "form": "Contact sales"
}`,
  },
  calendly: {
    label: 'Calendly',
    group: 'Forms and meetings',
    secretLabel: 'Signing key',
    secretHint:
      'Leave it empty: Hearth makes one and shows it once; give it as signing_key when creating the Calendly webhook.',
    secretOptional: true,
    settings: 'json',
    urlHint:
      'Calendly webhooks are made over its API: POST /webhook_subscriptions with this url, invitee.created and invitee.canceled, and the secret as signing_key.',
    settingsHint: 'All optional: source (of new leads; website when not given), defaultCountry (ISO 3166).',
    settingsExample: '{\n  "source": "website"\n}',
  },
  generic: {
    label: 'Generic JSON',
    group: 'Any other tool',
    secretLabel: 'Secret',
    secretHint:
      'Leave it empty: Hearth makes one and shows it once. Or give your own (8 characters or more).',
    secretOptional: true,
    settings: 'generic',
    urlHint: 'POST JSON to it, signed with Hearth-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">.',
  },
} as const satisfies Record<string, HookProviderGuide>;

export type HookProvider = keyof typeof HOOK_PROVIDER_GUIDES;
export const HOOK_PROVIDERS = Object.keys(HOOK_PROVIDER_GUIDES) as HookProvider[];

export const guideOf = (provider: HookProvider): HookProviderGuide => HOOK_PROVIDER_GUIDES[provider];
