import Type, { type Static } from 'typebox';

export const MAX_PROPERTIES = 100;

/** One event as sent to `POST /api/v1/events` or found in an import file. */
export const EventInput = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'What happened: page_view, email_click, demo_request, call, … (any string is accepted).',
    }),
    leadId: Type.Optional(Type.String({ format: 'uuid', description: 'The lead, by Hearth id.' })),
    email: Type.Optional(
      Type.String({ maxLength: 254, description: 'The lead, by email; an unknown email creates the lead.' }),
    ),
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "The sender's id for this event; an event with an id already stored is a no-op.",
      }),
    ),
    occurredAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it happened (ISO 8601); defaults to when it arrives.',
      }),
    ),
    properties: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
        maxProperties: MAX_PROPERTIES,
        description: 'Details: url, duration, asset, form answers, call outcome, …',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

export const EventResult = Type.Object({
  index: Type.Integer({ description: 'Position of the event in the request.' }),
  status: Type.Enum(['stored', 'duplicate', 'rejected']),
  eventId: Type.Optional(
    Type.Integer({ description: 'The stored event, or the earlier one this duplicates.' }),
  ),
  leadId: Type.Optional(Type.String({ format: 'uuid' })),
  leadCreated: Type.Optional(Type.Boolean({ description: 'True when this event created its lead.' })),
  temperature: Type.Optional(
    Type.Enum(['cold', 'cool', 'warm', 'hot'], {
      description: "The lead's temperature after the whole batch was scored.",
    }),
  ),
  problems: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
});
export type EventResult = Static<typeof EventResult>;
