import Type, { type Static } from 'typebox';
import { SIGNAL_TYPES } from '../../domain/desk/signal.js';

// RFC 9110 sets no limit on a URL; 2,000 characters is what every browser and proxy accepts.
export const MAX_WEBHOOK_URL_LENGTH = 2000;

/** `POST /api/v1/webhooks`. What can be subscribed to is every signal the desk announces. */
export const WebhookInput = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: MAX_WEBHOOK_URL_LENGTH,
      description: 'Where deliveries are POSTed: an http or https URL.',
    }),
    events: Type.Array(Type.Enum(SIGNAL_TYPES), {
      minItems: 1,
      maxItems: SIGNAL_TYPES.length,
      uniqueItems: true,
      description: `The signal types to receive: ${SIGNAL_TYPES.join(', ')}.`,
    }),
    description: Type.Optional(
      Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
        description: 'What the endpoint is for.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookInput>;
