import Type, { type Static } from 'typebox';
import { MAX_ALLOWED_ORIGINS } from '../../domain/tracking/origins.js';

const name = Type.String({ minLength: 1, maxLength: 200, description: 'Which site the key is for.' });
const allowedOrigins = Type.Array(Type.String({ maxLength: 300 }), {
  maxItems: MAX_ALLOWED_ORIGINS,
  description:
    'The origins the site is served from, as browsers send them: `https://www.example.com`, `http://localhost:8080`; `https://*.example.com` allows every subdomain. Requests from any other origin store nothing.',
});
const requireConsent = (options: { default?: boolean } = {}) =>
  Type.Boolean({
    ...options,
    description:
      'Nothing is sent, kept in the browser or stored until the page calls `hearth("consent", true)`.',
  });
const honourDoNotTrack = (options: { default?: boolean } = {}) =>
  Type.Boolean({
    ...options,
    description: 'Browsers sending Do-Not-Track or Global Privacy Control are not tracked.',
  });
const captureForms = (options: { default?: boolean } = {}) =>
  Type.Boolean({
    ...options,
    description:
      'On submit of a form holding an email field: identify the visitor by it and store a `form_submit` (never passwords or card numbers).',
  });

/** `POST /api/v1/integrations/sites`. */
export const SiteKeyInput = Type.Object(
  {
    name,
    allowedOrigins,
    requireConsent: Type.Optional(requireConsent({ default: false })),
    honourDoNotTrack: Type.Optional(honourDoNotTrack({ default: true })),
    captureForms: Type.Optional(captureForms({ default: false })),
  },
  { additionalProperties: false },
);
export type SiteKeyInput = Static<typeof SiteKeyInput>;

/** `PATCH /api/v1/integrations/sites/{id}`: each field given replaces the stored one. */
export const SiteKeyPatch = Type.Object(
  {
    name: Type.Optional(name),
    allowedOrigins: Type.Optional(allowedOrigins),
    requireConsent: Type.Optional(requireConsent()),
    honourDoNotTrack: Type.Optional(honourDoNotTrack()),
    captureForms: Type.Optional(captureForms()),
  },
  { additionalProperties: false },
);
export type SiteKeyPatch = Static<typeof SiteKeyPatch>;
