import { isPlausibleEmail, normaliseEmail } from '../lead.js';
import type { HookMapping } from './hook.js';
import { asObject, instant, text } from './payload.js';
import { toE164 } from './phone.js';

/**
 * Calendly webhook subscriptions (https://developer.calendly.com/api-docs/webhooks): JSON
 * `{ event, created_at, payload: <invitee> }`, signed in `Calendly-Webhook-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` keyed with the subscription's
 * signing key.
 */

// Calendly's own verification example refuses signatures older than 3 minutes.
export const CALENDLY_TOLERANCE_MS = 3 * 60 * 1000;

/** A Calendly hook's settings. */
export interface CalendlyConfig {
  /** The `source` of a lead a booking creates; `website` by default (a booking page). */
  readonly source?: string;
  /** ISO 3166 country for SMS reminder numbers without a country code. */
  readonly defaultCountry?: string;
}

const BOOKING_SOURCE = 'website';

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * `invitee.created` as a `meeting` with outcome `scheduled` (booked, not yet held: the presets
 * score a meeting when a rep logs it held), `invitee.canceled` as `meeting_cancelled`; the invitee
 * is the lead, created on a booking when unknown (docs/integrations.md, Calendly).
 */
export function mapCalendly(payload: unknown, config: CalendlyConfig): HookMapping {
  const body = asObject(payload);
  const event = text(body?.event);
  if (!body || !event) return { kind: 'invalid', problems: [{ path: 'event', message: 'is missing' }] };
  if (event !== 'invitee.created' && event !== 'invitee.canceled') {
    return { kind: 'ignored', reason: `${event} is not recorded; invitee.created and invitee.canceled are` };
  }
  const invitee = asObject(body.payload);
  const uri = text(invitee?.uri);
  const rawEmail = text(invitee?.email);
  const email = rawEmail === undefined ? null : normaliseEmail(rawEmail);
  const meeting = asObject(invitee?.scheduled_event);
  const startsAt = instant(meeting?.start_time);
  const cancellation = asObject(invitee?.cancellation);
  const occurredAt =
    event === 'invitee.created'
      ? instant(invitee?.created_at)
      : (instant(cancellation?.created_at) ?? instant(invitee?.updated_at));
  if (!invitee || !uri || email === null || !isPlausibleEmail(email) || !startsAt || !occurredAt) {
    return {
      kind: 'invalid',
      problems: [
        ...(uri ? [] : [{ path: 'payload.uri', message: 'is missing' }]),
        ...(email !== null && isPlausibleEmail(email)
          ? []
          : [{ path: 'payload.email', message: 'must be an email address' }]),
        ...(startsAt ? [] : [{ path: 'payload.scheduled_event.start_time', message: 'must be a time' }]),
        ...(occurredAt
          ? []
          : [
              {
                path: event === 'invitee.created' ? 'payload.created_at' : 'payload.updated_at',
                message: 'must be a time',
              },
            ]),
      ],
    };
  }
  const host = asObject(Array.isArray(meeting?.event_memberships) ? meeting.event_memberships[0] : undefined);
  const tracking = asObject(invitee.tracking) ?? {};
  const utm = Object.fromEntries(
    ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'].flatMap((key) => {
      const value = text(tracking[key]);
      return present(value) ? [[key, value]] : [];
    }),
  );
  const questions = (
    Array.isArray(invitee.questions_and_answers) ? invitee.questions_and_answers : []
  ).flatMap((item) => {
    const qa = asObject(item);
    const question = text(qa?.question);
    return question ? [{ question, answer: text(qa?.answer) ?? '' }] : [];
  });
  const endsAt = instant(meeting?.end_time);
  const eventName = text(meeting?.name);
  const hostEmail = text(host?.user_email);
  const locationType = text(asObject(meeting?.location)?.type);
  const common = {
    provider: 'calendly',
    startsAt: startsAt.toISOString(),
    ...(endsAt ? { endsAt: endsAt.toISOString() } : {}),
    ...(present(eventName) ? { eventName } : {}),
    ...(present(hostEmail) ? { host: hostEmail } : {}),
    ...(present(locationType) ? { location: locationType } : {}),
    rescheduled: invitee.rescheduled === true,
  };
  const properties =
    event === 'invitee.created'
      ? { outcome: 'scheduled', ...common, ...(questions.length > 0 ? { questions } : {}), ...utm }
      : {
          ...common,
          ...(present(text(cancellation?.canceler_type))
            ? { canceledBy: text(cancellation?.canceler_type) }
            : {}),
          ...(present(text(cancellation?.reason)) ? { reason: text(cancellation?.reason) } : {}),
        };
  const name = text(invitee.name)?.trim();
  const phone = toE164(text(invitee.text_reminder_number) ?? null, config.defaultCountry) ?? undefined;
  const campaign = utm.utm_campaign;
  return {
    kind: 'events',
    groups: [
      {
        // A booking gives name and email: the person becomes a lead. A cancellation alone is no
        // interest: it is recorded only about a lead Hearth knows.
        unknownLead: event === 'invitee.created' ? 'create' : 'ignore',
        lead: {
          email,
          fields: { source: config.source ?? BOOKING_SOURCE, ...(present(name) ? { name } : {}) },
          attributes: present(campaign) ? { campaign } : {},
          ...(phone ? { phone } : {}),
        },
        events: [
          {
            type: event === 'invitee.created' ? 'meeting' : 'meeting_cancelled',
            externalId: `calendly:${event}:${uri.split('/').at(-1) || uri}`,
            occurredAt,
            properties,
          },
        ],
      },
    ],
  };
}
