// What an admin needs to know about each inbound hook provider, in the picker's order. The keys
// are the server's HOOK_PROVIDERS (src/domain/integrations/hook.ts); test/web/hook-providers.test.ts
// fails when a provider is added there and not here.

/** Which settings a provider's hook takes (src/app/integrations/hook-config.ts). */
export type HookSettingsKind = 'call' | 'generic' | 'none';

export interface HookProviderGuide {
  label: string;
  /** What the provider calls the secret Hearth checks signatures with. */
  secretLabel: string;
  /** One line: where the admin finds that secret. */
  secretHint: string;
  /** Hearth makes the secret when none is given (shown once). */
  secretOptional: boolean;
  settings: HookSettingsKind;
  /** One line: where the hook's URL goes in the provider's console. */
  urlHint: string;
}

export const HOOK_PROVIDER_GUIDES = {
  twilio: {
    label: 'Twilio Voice',
    secretLabel: 'Auth Token',
    secretHint: 'Twilio Console → Account info: the Auth Token (Twilio signs every callback with it).',
    secretOptional: false,
    settings: 'call',
    urlHint: "In Twilio, set the number's Status Callback URL to it, method POST.",
  },
  callrail: {
    label: 'CallRail',
    secretLabel: 'Webhook signing key',
    secretHint: 'CallRail: Settings → Integrations → Webhooks, the signing key.',
    secretOptional: false,
    settings: 'call',
    urlHint: 'In CallRail, add it as the Post-Call webhook.',
  },
  aircall: {
    label: 'Aircall',
    secretLabel: 'Webhook token',
    secretHint: "Aircall shows the webhook's token when the webhook is created (API: GET /v1/webhooks/{id}).",
    secretOptional: false,
    settings: 'call',
    urlHint: 'In Aircall, create a webhook to it with the call.ended event.',
  },
  generic: {
    label: 'Generic JSON',
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
