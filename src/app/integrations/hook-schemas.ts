import Type, { type Static } from 'typebox';
import { HOOK_PROVIDERS } from '../../domain/integrations/hook.js';

const config = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
  maxProperties: 20,
  description:
    'Call providers: `defaultCountry` (ISO 3166, for numbers without a country code), `trackingNumbers` ({"+14045558514": {"source": "ads", "campaign": "Spring"}}) and, for Twilio, `publicUrl` (the URL as configured in Twilio). Email providers (SendGrid, Mailgun, Postmark): none. Typeform: `qualification` ({"budget": {"field": "<field ref>", "values": {"$50k+": "yes"}}}), `lead` ({"email": "<field ref>", "name": …}), `form`, `source`, `defaultCountry`. Calendly: `source`, `defaultCountry`. Generic: the mapping (`eventType`, `eventId`, `occurredAt`, `lead`, `properties`, `defaultCountry`). See docs/integrations.md.',
});
const secret = Type.String({
  minLength: 8,
  maxLength: 500,
  description:
    "The provider's secret: Twilio's Auth Token, CallRail's webhook signing key, Aircall's webhook token, SendGrid's verification key, Mailgun's HTTP webhook signing key. Postmark (the Basic auth password), Typeform, Calendly and generic hooks get one made by Hearth when none is given. Never shown again.",
});

/** `POST /api/v1/integrations/hooks`. */
export const HookInput = Type.Object(
  {
    provider: Type.Enum(HOOK_PROVIDERS, { description: `One of ${HOOK_PROVIDERS.join(', ')}.` }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'What the hook is for.' }),
    secret: Type.Optional(secret),
    config: Type.Optional(config),
  },
  { additionalProperties: false },
);
export type HookInput = Static<typeof HookInput>;

/** `PATCH /api/v1/integrations/hooks/{id}`: each field given replaces the stored one. */
export const HookPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    secret: Type.Optional(secret),
    config: Type.Optional(config),
    active: Type.Optional(Type.Boolean({ description: 'False pauses the hook: deliveries answer 404.' })),
  },
  { additionalProperties: false },
);
export type HookPatch = Static<typeof HookPatch>;
