import Type, { type Static } from 'typebox';

/** The collect protocol's version; `/t.js` sends it, a future tracker may send another. */
export const TRACKER_PROTOCOL = 1;
/** Most events one collect request carries (the tracker sends in batches of at most this). */
export const MAX_COLLECT_EVENTS = 20;
/** Most bytes one collect request may be: a batch of page views with long URLs fits many times. */
export const COLLECT_BODY_LIMIT = 16 * 1024;

const TrackerId = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });
// Browsers clamp nothing: any integer is a time; eventTime (domain/tracking/event-time.ts) decides.
const Millis = (description: string) => Type.Integer({ minimum: 0, maximum: 8.64e15, description });

export const TrackerEventInput = Type.Object(
  {
    id: TrackerId('The tracker’s id of the event: the same id again is a duplicate.'),
    type: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '\\S',
      description: 'page_view, form_submit, or the name given to hearth("track", …).',
    }),
    at: Millis('When it happened, in ms since 1970 on the browser’s clock.'),
    properties: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
        maxProperties: 50,
        description: 'page_view: url, title, referrer; form_submit: form and fields; track: as given.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TrackerEventInput = Static<typeof TrackerEventInput>;

const trait = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** `hearth('identify', {...})`: who the visitor is; the email finds or creates the lead. */
export const IdentifyInput = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: trait(200),
    phone: trait(50),
    company: trait(200),
    jobTitle: trait(200),
  },
  { additionalProperties: false },
);
export type IdentifyInput = Static<typeof IdentifyInput>;

/** The body of `POST /t/collect` (sent as text/plain JSON by `navigator.sendBeacon`). */
export const CollectInput = Type.Object(
  {
    v: Type.Literal(TRACKER_PROTOCOL, { description: 'Protocol version.' }),
    siteKey: Type.String({ minLength: 1, maxLength: 100, description: 'The site key (hpk_…).' }),
    visitorId: Type.String({
      minLength: 16,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'The id the tracker keeps in the browser.',
    }),
    sentAt: Millis('When the batch was sent, on the browser’s clock.'),
    consent: Type.Optional(
      Type.Boolean({ description: 'True once the page called hearth("consent", true).' }),
    ),
    events: Type.Array(TrackerEventInput, { maxItems: MAX_COLLECT_EVENTS }),
    identify: Type.Optional(IdentifyInput),
  },
  { additionalProperties: false },
);
export type CollectInput = Static<typeof CollectInput>;
